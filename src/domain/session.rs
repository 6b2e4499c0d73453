use serde::{Deserialize, Serialize};

/// The longest email address accepted anywhere (RFC 5321 bounds an address
/// in a mail path to 254 characters). Checked before an address is hashed,
/// stored, or used as a rate-limit key.
pub const EMAIL_MAX: usize = 254;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Admin,
    Member,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Member => "member",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(Role::Admin),
            "member" => Some(Role::Member),
            _ => None,
        }
    }
}

/// What the UI knows about the signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub username: String,
    pub email: String,
    pub tenant_slug: String,
    pub tenant_name: String,
    pub role: Role,
}
