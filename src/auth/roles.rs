//! Roles and the one table of what each may do. The window hides what a role
//! cannot do, but this table is the guard: every core entry point calls
//! [`require`] before it reads or writes.

use serde::{Deserialize, Serialize};

use super::AuthError;

/// The roles of the center's staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 窗口人员
    Clerk,
    /// 村代办员
    Agent,
    /// 中心负责人
    Manager,
    /// 系统管理员
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Clerk, Role::Agent, Role::Manager, Role::Admin];

    pub fn code(self) -> &'static str {
        match self {
            Role::Clerk => "clerk",
            Role::Agent => "agent",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Clerk => "窗口人员",
            Role::Agent => "村代办员",
            Role::Manager => "中心负责人",
            Role::Admin => "系统管理员",
        }
    }

    /// Accepts the code or the Chinese name.
    pub fn parse(s: &str) -> Result<Role, AuthError> {
        let s = s.trim();
        Role::ALL
            .into_iter()
            .find(|r| r.code() == s || r.label() == s)
            .ok_or_else(|| AuthError::UnknownRole(s.to_owned()))
    }
}

/// The things a user can try to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Take in an application (受理).
    Intake,
    /// Read cases and the catalogue.
    ViewCases,
    /// Publish a matter version or import a catalogue.
    EditCatalogue,
    /// Load or replace a year's holiday schedule.
    EditCalendar,
    /// Add or disable users.
    ManageUsers,
    /// Rebuild the projections from the log.
    Maintain,
    /// Print or reprint a case's documents.
    PrintDocuments,
    /// Set the center's address and phones printed on documents; name AB角 stand-ins.
    EditCenter,
    /// Take lifecycle steps on cases (assign, complete, deliver …).
    HandleCases,
    /// Record consultations and evaluations, register complaints.
    ServiceDesk,
    /// Handle complaints, close rectifications, draw follow-up samples, see complainants.
    ManageQuality,
    ViewReports,
    /// Export and import the USB batches (数据交换).
    Exchange,
    /// Register (trust) another device's key so its batches are accepted.
    TrustDevice,
    /// Resolve a flagged exchange conflict (冲突): keep what stands or apply the other step.
    ResolveConflicts,
}

impl Action {
    pub const ALL: [Action; 15] = [
        Action::Intake,
        Action::ViewCases,
        Action::EditCatalogue,
        Action::EditCalendar,
        Action::ManageUsers,
        Action::Maintain,
        Action::PrintDocuments,
        Action::EditCenter,
        Action::HandleCases,
        Action::ServiceDesk,
        Action::ManageQuality,
        Action::ViewReports,
        Action::Exchange,
        Action::TrustDevice,
        Action::ResolveConflicts,
    ];

    /// Completes the sentence "当前账号无权…".
    pub fn label(self) -> &'static str {
        match self {
            Action::Intake => "受理办件",
            Action::ViewCases => "查看办件",
            Action::EditCatalogue => "修改事项清单（仅限中心负责人）",
            Action::EditCalendar => "修改节假日安排（仅限中心负责人）",
            Action::ManageUsers => "管理用户（仅限系统管理员）",
            Action::Maintain => "维护数据库（仅限负责人或系统管理员）",
            Action::PrintDocuments => "打印办件文书",
            Action::EditCenter => "修改服务中心信息或设置 AB 角（仅限中心负责人）",
            Action::HandleCases => "办理办件（窗口人员或负责人）",
            Action::ServiceDesk => "登记咨询、评价或投诉",
            Action::ManageQuality => "处理投诉、整改和回访（仅限中心负责人）",
            Action::ViewReports => "查看统计、导出台账和月报（仅限中心负责人）",
            Action::Exchange => "导出或导入数据交换批次",
            Action::TrustDevice => "登记信任其他设备（仅限中心负责人）",
            Action::ResolveConflicts => "处理数据交换中的冲突（仅限中心负责人）",
        }
    }
}

/// Whether `role` may perform `action`.
pub fn allows(role: Role, action: Action) -> bool {
    use Action::*;
    use Role::*;
    match action {
        Intake | PrintDocuments => matches!(role, Clerk | Agent | Manager),
        ViewCases => true,
        EditCatalogue | EditCalendar | EditCenter => role == Manager,
        ManageUsers => role == Admin,
        Maintain => matches!(role, Manager | Admin),
        HandleCases => matches!(role, Clerk | Manager),
        ServiceDesk => matches!(role, Clerk | Agent | Manager),
        ManageQuality | ViewReports | TrustDevice | ResolveConflicts => role == Manager,
        Exchange => matches!(role, Clerk | Agent | Manager),
    }
}

/// Refuses with a message naming the role and the action.
/// Every action `role` may perform (the window shows only these menus).
pub fn actions_of(role: Role) -> Vec<Action> {
    Action::ALL
        .into_iter()
        .filter(|&a| allows(role, a))
        .collect()
}

pub fn require(role: Role, action: Action) -> Result<(), AuthError> {
    if allows(role, action) {
        Ok(())
    } else {
        Err(AuthError::Forbidden {
            role: role.label(),
            action: action.label(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_role_action_table() {
        use Action::*;
        use Role::*;
        let expected = [
            (Intake, [true, true, true, false]),
            (ViewCases, [true, true, true, true]),
            (EditCatalogue, [false, false, true, false]),
            (EditCalendar, [false, false, true, false]),
            (ManageUsers, [false, false, false, true]),
            (Maintain, [false, false, true, true]),
            (PrintDocuments, [true, true, true, false]),
            (EditCenter, [false, false, true, false]),
            (HandleCases, [true, false, true, false]),
            (ServiceDesk, [true, true, true, false]),
            (ManageQuality, [false, false, true, false]),
            (ViewReports, [false, false, true, false]),
            (Exchange, [true, true, true, false]),
            (TrustDevice, [false, false, true, false]),
            (ResolveConflicts, [false, false, true, false]),
        ];
        for (action, row) in expected {
            for (role, allowed) in [Clerk, Agent, Manager, Admin].into_iter().zip(row) {
                assert_eq!(allows(role, action), allowed, "{role:?} {action:?}");
            }
        }
        assert_eq!(expected.len(), Action::ALL.len());
    }

    #[test]
    fn a_refusal_names_role_and_action() {
        let msg = require(Role::Clerk, Action::EditCatalogue)
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("窗口人员") && msg.contains("事项清单"),
            "{msg}"
        );
    }

    #[test]
    fn roles_parse_from_code_or_label() {
        assert_eq!(Role::parse("manager").unwrap(), Role::Manager);
        assert_eq!(Role::parse("村代办员").unwrap(), Role::Agent);
        assert!(Role::parse("boss").is_err());
    }
}
