pub mod agents;
pub mod audit;
pub mod layout;
pub mod login;
pub mod not_found;
pub mod servers;
pub mod templates;
pub mod tokens;
