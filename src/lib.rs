//! hipaa-migrate: plan, gate and record the migration of ePHI workloads to a HIPAA-eligible cloud.
//!
//! The library holds everything but the terminal: the inventory model and loader, the built-in
//! catalogs and the diagnostics. The `hipaa-migrate` binary parses the command line and calls it.

pub mod analysis;
pub mod catalog;
pub mod commands;
pub mod diagnostic;
pub mod export;
pub mod gates;
pub mod journal;
pub mod loader;
pub mod model;
pub mod scaffold;
pub mod schema;
pub mod synthetic;
pub mod tui;
