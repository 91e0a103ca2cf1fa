//! Bianmin Counter desktop window (便民服务台): a thin Tauri shell. Each
//! command in [`commands`] parses what the window sent, calls one function
//! of the `bianmin` core and returns its result or its Chinese error.
//!
//! The database is `--db FILE`, else `BIANMIN_DB`, else the platform data
//! directory (see `bianmin::paths`).

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod error;
#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod memory;
mod state;

use std::path::PathBuf;

use tauri::Manager as _;

fn database_from_args() -> Option<PathBuf> {
    let mut args = std::env::args_os().skip(1);
    while let Some(a) = args.next() {
        if a == "--db" {
            return args.next().map(PathBuf::from);
        }
        if let Some(v) = a.to_str().and_then(|s| s.strip_prefix("--db=")) {
            return Some(PathBuf::from(v));
        }
    }
    None
}

/// What GTK and WebKit draw themselves (a text box's context menu, the
/// input method's labels) speaks the window's language, Chinese, whatever
/// the PC is set to: gettext takes LANGUAGE first, but ignores it in the
/// bare C locale, which a counter PC set up without a locale often has;
/// C.UTF-8 is built into glibc. (Files and folders are chosen in the
/// window itself, ui/js/chooser.js, not in GTK's dialog.)
/// Set before GTK starts; an explicit LANGUAGE in the environment wins.
#[cfg(target_os = "linux")]
fn chinese_gtk() {
    if std::env::var_os("LANGUAGE").is_some() {
        return;
    }
    std::env::set_var("LANGUAGE", "zh_CN:zh");
    let bare =
        |v: Option<std::ffi::OsString>| v.is_none_or(|v| v.is_empty() || v == "C" || v == "POSIX");
    if bare(std::env::var_os("LC_ALL")) && bare(std::env::var_os("LANG")) {
        std::env::remove_var("LC_ALL");
        std::env::set_var("LANG", "C.UTF-8");
    }
}

fn main() {
    // First, before any thread: a fixed malloc threshold (memory.rs says
    // why).
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    memory::fix_malloc_threshold();
    // The counter screens have no animation that needs GPU compositing;
    // without it WebKit's page process uses half the memory (measured:
    // 261 → 130 MB PSS after 100 intakes, docs/BENCHMARKS.md). Set before
    // any thread starts; an explicit setting in the environment wins.
    #[cfg(target_os = "linux")]
    {
        if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
            std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
        }
        // Without compositing nothing in the window draws with OpenGL, so
        // GTK need not set up GLX at start (loading Mesa and asking the X
        // server for its GL visuals): the page process starts 60–100 ms
        // sooner (docs/BENCHMARKS.md). WebKit reads any value but "0" as
        // set. An explicit GDK_GL wins.
        let compositing_off =
            std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_some_and(|v| v != "0");
        if compositing_off && std::env::var_os("GDK_GL").is_none() {
            std::env::set_var("GDK_GL", "disable");
        }
    }
    #[cfg(target_os = "linux")]
    chinese_gtk();
    let db = bianmin::paths::database(database_from_args());
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_opener::init())
        .manage(state::Desk::new(db))
        .manage(commands::sync::Sync::default())
        .manage(commands::setup::LanJoin::default())
        .setup(|app| {
            // Beside the window's start, not before it: the page asks for
            // app_status only once WebKit's page process is up, a few
            // hundred milliseconds later, and finds the database open.
            let app = app.handle().clone();
            std::thread::spawn(move || {
                app.state::<state::Desk>().open_ahead();
                commands::sync::start(&app);
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::setup::app_status,
            commands::setup::setup_device,
            commands::setup::setup_join,
            commands::setup::setup_discover,
            commands::setup::setup_join_lan,
            commands::setup::setup_join_lan_status,
            commands::setup::setup_join_lan_cancel,
            commands::session::login,
            commands::session::logout,
            commands::session::lock_screen,
            commands::session::unlock,
            commands::intake::matters_find,
            commands::intake::matter_show,
            commands::intake::id_check,
            commands::intake::phone_check,
            commands::intake::intake_submit,
            commands::intake::bundles_list,
            commands::intake::bundles_find,
            commands::intake::bundle_show,
            commands::intake::bundle_submit,
            commands::scans::scan_attach,
            commands::scans::scan_scanners,
            commands::scans::scan_from_scanner,
            commands::scans::scan_thumbnail,
            commands::scans::scan_content,
            commands::scans::scan_extract,
            commands::intake::consultation_convert,
            commands::documents::reprint,
            commands::documents::open_document,
            commands::printing::printers,
            commands::cases::handlers_find,
            commands::intake::intake_limits,
            commands::exchange::usb_sticks,
            commands::chooser::chooser_places,
            commands::chooser::chooser_list,
            commands::sync::sync_status,
            commands::sync::sync_settings,
            commands::sync::sync_settings_save,
            commands::sync::sync_discover,
            commands::sync::join_requests,
            commands::sync::join_request_approve,
            commands::sync::join_request_decline,
            commands::intake::resubmission_offer,
            commands::printing::printer_choose,
            commands::printing::send_document,
            commands::cases::workbench,
            commands::cases::cases_search,
            commands::cases::cases_of_day,
            commands::cases::case_detail,
            commands::cases::case_step,
            commands::service::consultation_record,
            commands::service::consultations_today,
            commands::service::evaluate_case,
            commands::service::rating_choices,
            commands::service::complaint_register,
            commands::service::complaints_open,
            commands::service::complaint_step,
            commands::reports::dashboard_today,
            commands::reports::ledger_export,
            commands::reports::monthly_export,
            commands::exchange::exchange_overview,
            commands::exchange::exchange_folder,
            commands::exchange::exchange_export,
            commands::exchange::exchange_import,
            commands::exchange::device_key_write,
            commands::exchange::device_trust,
            commands::exchange::device_revoke,
            commands::backup::backup_overview,
            commands::backup::backup_settings_save,
            commands::backup::backup_make,
            commands::backup::backup_check,
            commands::backup::backup_restore,
            commands::calendar::calendar_overview,
            commands::calendar::calendar_provisional,
            commands::calendar::calendar_provisional_apply,
            commands::calendar::calendar_enter,
            commands::calendar::calendar_import,
            commands::center::center_settings,
            commands::center::center_save,
            commands::catalogue::catalogue_browse,
            commands::catalogue::catalogue_matter,
            commands::catalogue::catalogue_save,
            commands::catalogue::catalogue_withdraw,
            commands::catalogue::catalogue_reinstate,
            commands::catalogue::catalogue_import,
            commands::catalogue::bundle_save,
            commands::catalogue::catalogue_export,
            commands::catalogue::guide_print,
            commands::exchange::conflict_resolve,
            commands::quality::quality_overview,
            commands::quality::rectification_close,
            commands::quality::followup_sample,
            commands::quality::followup_record,
            commands::stand_in::stand_ins,
            commands::stand_in::stand_in_set,
            commands::stand_in::stand_in_end,
            commands::users::users_roster,
            commands::users::user_add,
            commands::users::user_act,
            commands::users::password_change,
        ])
        .run(tauri::generate_context!("../tauri.conf.json"));
    if let Err(e) = result {
        eprintln!("便民服务台无法启动：{e}");
        std::process::exit(1);
    }
}
