//! The command-line tool: [`args`] declares the commands, [`commands`] runs
//! them ([`service_cmd`] the service-desk ones, [`exchange_cmd`] the USB
//! exchange, [`sync_cmd`] live sync over the LAN), [`output`] prints results
//! and errors.

mod args;
mod commands;
mod exchange_cmd;
mod output;
mod service_cmd;
mod sync_cmd;

use std::process::ExitCode;

use clap::Parser;

/// Parses the command line, runs the command, and turns its result into an
/// exit status.
pub fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let json = cli.json;
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            output::error(json, &e);
            ExitCode::FAILURE
        }
    }
}
