//! The subcommands that run without a terminal UI: `check`, `schema` and `init`.
//!
//! Each writes its output to the given writer and returns the process exit code, so tests can
//! call them directly.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

use crate::scaffold;
use crate::schema::{self, SchemaKind};

mod check;
mod export;
mod journal;

pub use check::{CheckOptions, Counts, OutputFormat, check};
pub use export::{ExportArgs, ExportOptions, GraphArgs, GraphOptions, export, graph};
pub use journal::{
    LogFilter, RecordError, ValidateRequest, log, record_validation, repair, validate, verify,
};

/// Exit code for a valid inventory with no blocker finding.
pub const EXIT_OK: u8 = 0;
/// Exit code for a valid inventory with at least one blocker finding.
pub const EXIT_BLOCKERS: u8 = 1;
/// Exit code for invalid input: an inventory with errors, or a bad argument.
pub const EXIT_INVALID: u8 = 2;

/// Prints the JSON Schema of one file kind.
///
/// # Errors
/// Fails when writing fails.
pub fn schema_to_writer(kind: SchemaKind, out: &mut dyn Write) -> Result<u8> {
    writeln!(out, "{}", schema::render(kind))?;
    Ok(EXIT_OK)
}

/// Writes `<kind>.schema.json` for every file kind into `dir`, creating it when needed.
///
/// # Errors
/// Fails when the folder cannot be created or a file cannot be written.
pub fn schema_to_folder(dir: &Path, out: &mut dyn Write) -> Result<u8> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for kind in SchemaKind::ALL {
        let path = dir.join(kind.file_name());
        scaffold::write_atomic(&path, schema::render(kind).as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        writeln!(out, "wrote {}", path.display())?;
    }
    Ok(EXIT_OK)
}

/// Writes a starter inventory into `dir`.
///
/// Returns [`EXIT_INVALID`] without writing anything when any starter file already exists.
///
/// # Errors
/// Fails when the folder cannot be created or a file cannot be written.
pub fn init(dir: &Path, out: &mut dyn Write) -> Result<u8> {
    match scaffold::init(dir)? {
        scaffold::InitOutcome::Written(paths) => {
            for path in &paths {
                writeln!(out, "wrote {}", path.display())?;
            }
            writeln!(
                out,
                "\nNext: edit the files, then run `hipaa-migrate check {}`",
                dir.display()
            )?;
            Ok(EXIT_OK)
        }
        scaffold::InitOutcome::Exists(paths) => {
            eprintln!("error: nothing was written, because these files already exist:");
            for path in &paths {
                eprintln!("  {}", path.display());
            }
            eprintln!("help: choose a new folder, or move the existing files away first");
            Ok(EXIT_INVALID)
        }
    }
}
