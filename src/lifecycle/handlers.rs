//! Whom a case can be assigned to (分派/转办): the center's active clerks and
//! managers, as a clerk picks them — by name, by the pinyin initials of the
//! name ("wf" → 王芳), by 工号 or by username — with how many open cases each
//! already handles.

use rusqlite::Connection;
use serde::Serialize;

use super::state::OPEN_SQL;
use crate::auth::{roles, Action, Role, Session};
use crate::catalogue::search::initials;

/// A person a case may be assigned to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Handler {
    pub username: String,
    pub display_name: String,
    pub staff_no: String,
    pub role_label: &'static str,
    /// Open cases (已受理, 办理中, 补正中) she is responsible for now.
    pub open_cases: i64,
}

/// The active people who may handle cases that fit `query` (empty: all),
/// best fits first, then by 工号.
pub fn find(conn: &Connection, session: &Session, query: &str) -> crate::Result<Vec<Handler>> {
    session.authorize(conn, Action::HandleCases)?;
    let sql = format!(
        "SELECT u.username, u.display_name, u.staff_no, u.role,
                (SELECT count(*) FROM cases c
                  WHERE coalesce(c.handler_user_id, c.clerk_user_id) = u.user_id AND c.{OPEN_SQL})
           FROM users u WHERE u.disabled = 0 ORDER BY u.staff_no, u.username"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, i64>(4)?,
        ))
    })?;
    let q = query.trim().to_lowercase();
    let mut found = Vec::new();
    for row in rows {
        let (username, display_name, staff_no, role, open_cases) = row?;
        let Ok(role) = Role::parse(&role) else {
            continue;
        };
        if !roles::allows(role, Action::HandleCases) {
            continue;
        }
        let Some(rank) = rank(&q, &display_name, &username, &staff_no) else {
            continue;
        };
        found.push((
            rank,
            Handler {
                username,
                display_name,
                staff_no,
                role_label: role.label(),
                open_cases,
            },
        ));
    }
    found.sort_by_key(|(rank, _)| *rank);
    Ok(found.into_iter().map(|(_, h)| h).collect())
}

/// How well a lower-cased query fits a person; `None` when it does not.
fn rank(q: &str, name: &str, username: &str, staff_no: &str) -> Option<u8> {
    if q.is_empty() {
        return Some(0);
    }
    if name == q || username == q || staff_no == q {
        return Some(0);
    }
    if name.starts_with(q) || initials(name).starts_with(q) {
        return Some(1);
    }
    if name.contains(q) || username.starts_with(q) || staff_no.starts_with(q) {
        return Some(2);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::rank;

    #[test]
    fn a_person_is_found_by_name_initials_number_or_username() {
        let fits = |q: &str| rank(q, "王芳", "wangfang", "0102");
        assert_eq!(fits(""), Some(0));
        assert_eq!(fits("王芳"), Some(0));
        assert_eq!(fits("wf"), Some(1));
        assert_eq!(fits("王"), Some(1));
        assert_eq!(fits("芳"), Some(2));
        assert_eq!(fits("wang"), Some(2));
        assert_eq!(fits("01"), Some(2));
        assert_eq!(fits("lj"), None);
        assert_eq!(fits("李"), None);
    }
}
