//! Diagnostics of the TUI, written to a log file only when asked for.
//!
//! `--log` or the `HIPAA_MIGRATE_LOG` environment variable switch logging on. The file is
//! `logs/hipaa-migrate.log` under the platform data folder, appended to, and written by a
//! background thread so a slow disk never delays a frame. Events carry ids and counts only:
//! never evidence, justifications or names that a user typed.

use std::fs::{self, OpenOptions};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use tracing::Level;
use tracing_appender::non_blocking::WorkerGuard;

/// Environment variable that switches logging on; its value may name a level such as
/// `debug`, and any other non-empty value but `0` and `off` means `info`.
pub const ENV: &str = "HIPAA_MIGRATE_LOG";

/// Returns the level to log at, or `None` when logging is off.
pub fn level(flag: bool, env: Option<&str>) -> Option<Level> {
    let from_env = env.map(str::trim).filter(|value| !value.is_empty());
    match from_env {
        Some(value) if value == "0" || value.eq_ignore_ascii_case("off") => {
            flag.then_some(Level::INFO)
        }
        // Only level names count: `Level` also parses digits, where `1` would mean errors
        // only, but `1` here means "on".
        Some(value) if value.chars().all(|c| c.is_ascii_alphabetic()) => {
            Some(value.parse().unwrap_or(Level::INFO))
        }
        Some(_) => Some(Level::INFO),
        None => flag.then_some(Level::INFO),
    }
}

/// An active log: keep it alive until exit, so buffered lines are written.
pub struct LogFile {
    /// Where the log is written.
    pub path: PathBuf,
    _guard: WorkerGuard,
}

/// Starts logging into `data_dir/logs/hipaa-migrate.log` at `level`.
///
/// # Errors
/// Fails when the folder or file cannot be created, or another logger is already installed.
pub fn start(data_dir: &Path, level: Level) -> Result<LogFile> {
    let folder = data_dir.join("logs");
    fs::create_dir_all(&folder)
        .with_context(|| format!("cannot create the log folder {}", folder.display()))?;
    let path = folder.join("hipaa-migrate.log");
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .with_context(|| format!("cannot open the log file {}", path.display()))?;
    let (writer, guard) = tracing_appender::non_blocking(file);
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_max_level(level)
        .try_init()
        .map_err(|error| anyhow::anyhow!("cannot start logging: {error}"))?;
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "log started");
    Ok(LogFile {
        path,
        _guard: guard,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_from_flag_and_environment() {
        assert_eq!(level(false, None), None);
        assert_eq!(level(true, None), Some(Level::INFO));
        assert_eq!(level(false, Some("debug")), Some(Level::DEBUG));
        assert_eq!(level(false, Some("1")), Some(Level::INFO));
        assert_eq!(level(false, Some("off")), None);
        assert_eq!(level(true, Some("0")), Some(Level::INFO));
        assert_eq!(level(false, Some("  ")), None);
    }
}
