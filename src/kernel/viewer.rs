//! Identity types shared by server and browser: who is looking at the page, and roles.
use serde::{Deserialize, Serialize};

/// What a member of a customer account may do. Owners manage members; billing members see
/// invoices; every member sees orders and complaints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberRole {
    Owner,
    Member,
    Billing,
}

impl MemberRole {
    pub const ALL: [MemberRole; 3] = [MemberRole::Owner, MemberRole::Member, MemberRole::Billing];

    pub fn as_str(self) -> &'static str {
        match self {
            MemberRole::Owner => "owner",
            MemberRole::Member => "member",
            MemberRole::Billing => "billing",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == raw)
    }

    pub fn manages_members(self) -> bool {
        self == MemberRole::Owner
    }

    pub fn sees_invoices(self) -> bool {
        matches!(self, MemberRole::Owner | MemberRole::Billing)
    }
}

/// Staff roles, least privilege: agents handle complaints, supervisors also approve, CX analysts
/// read the journal, admins manage staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    Agent,
    Supervisor,
    CxAnalyst,
    Admin,
}

impl StaffRole {
    pub const ALL: [StaffRole; 4] = [StaffRole::Agent, StaffRole::Supervisor, StaffRole::CxAnalyst, StaffRole::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::Agent => "agent",
            StaffRole::Supervisor => "supervisor",
            StaffRole::CxAnalyst => "cx_analyst",
            StaffRole::Admin => "admin",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == raw)
    }

    /// Staff who may invite customer members on an account's behalf.
    pub fn invites_customers(self) -> bool {
        matches!(self, StaffRole::Agent | StaffRole::Supervisor | StaffRole::Admin)
    }

    /// Which access staff in this role may give a customer contact: agents add ordinary and
    /// billing contacts; owners, who control who else gets in, are made by supervisors and admins.
    pub fn may_grant(self, role: MemberRole) -> bool {
        match self {
            StaffRole::Agent => matches!(role, MemberRole::Member | MemberRole::Billing),
            StaffRole::Supervisor | StaffRole::Admin => true,
            StaffRole::CxAnalyst => false,
        }
    }

    /// Staff who handle customers' requests: correction reviews, complaints.
    pub fn handles_customers(self) -> bool {
        matches!(self, StaffRole::Agent | StaffRole::Supervisor | StaffRole::Admin)
    }

    /// Staff who read the journal across customers, under pseudonyms.
    pub fn reads_cx(self) -> bool {
        matches!(self, StaffRole::CxAnalyst | StaffRole::Supervisor | StaffRole::Admin)
    }
}

/// The signed-in person as pages see them. Rendered on the server and handed to the browser
/// with the page, so both render the same header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Viewer {
    #[default]
    Anonymous,
    Member(MemberViewer),
    Staff(StaffViewer),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberViewer {
    pub member_id: String,
    pub full_name: String,
    pub email: String,
    pub role: MemberRole,
    pub account_name: String,
    pub customer_number: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffViewer {
    pub staff_id: String,
    pub full_name: String,
    pub email: String,
    pub role: StaffRole,
}

impl Viewer {
    pub fn member(&self) -> Option<&MemberViewer> {
        match self {
            Viewer::Member(member) => Some(member),
            _ => None,
        }
    }

    pub fn staff(&self) -> Option<&StaffViewer> {
        match self {
            Viewer::Staff(staff) => Some(staff),
            _ => None,
        }
    }

    pub fn is_signed_in(&self) -> bool {
        !matches!(self, Viewer::Anonymous)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrincipalKind {
    Member,
    Staff,
}

impl PrincipalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::Member => "member",
            PrincipalKind::Staff => "staff",
        }
    }
}

/// The person behind a request, resolved once per request by the sessions layer (`web::sessions::resolve_principal`).
#[derive(Debug, Clone)]
pub struct Principal {
    pub auth_session_id: String,
    pub viewer: Viewer,
    /// The customer account a member belongs to: the scope of every query on their behalf.
    pub account_id: Option<String>,
}

impl Principal {
    pub fn kind(&self) -> PrincipalKind {
        match self.viewer {
            Viewer::Staff(_) => PrincipalKind::Staff,
            _ => PrincipalKind::Member,
        }
    }

    pub fn id(&self) -> &str {
        match &self.viewer {
            Viewer::Member(m) => &m.member_id,
            Viewer::Staff(s) => &s.staff_id,
            Viewer::Anonymous => "",
        }
    }
}
