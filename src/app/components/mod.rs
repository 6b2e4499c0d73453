//! Reusable UI pieces.

pub mod account_connection;
pub mod audit_table;
pub mod data_table;
pub mod dialog;
pub mod form;
pub mod hydration_mark;
pub mod live_form;
pub mod live_list;
pub mod time;
pub mod toasts;
