//! The subcommands that run without a terminal UI: `check`, `schema` and `init`.
//!
//! Each writes its output to the given writer and returns the process exit code, so tests can
//! call them directly.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Serialize;

use crate::diagnostic::{Problem, Renderer};
use crate::loader::{self, Loaded};
use crate::scaffold;
use crate::schema::{self, SchemaKind};

/// Exit code for a valid inventory.
pub const EXIT_OK: u8 = 0;
/// Exit code for invalid input: an inventory with errors, or a bad argument.
pub const EXIT_INVALID: u8 = 2;

/// How `check` prints its result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    /// Counts and problems with source snippets; `color` adds terminal colors.
    Text {
        /// Whether to use ANSI colors.
        color: bool,
    },
    /// One JSON document.
    Json,
}

/// Counts of what an inventory holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Files read.
    pub files: usize,
    /// Systems loaded.
    pub systems: usize,
    /// Vendors loaded.
    pub vendors: usize,
    /// Entries of `services.yaml`.
    pub services: usize,
    /// Entries of `controls.yaml`.
    pub controls: usize,
    /// Errors found.
    pub errors: usize,
    /// Warnings found.
    pub warnings: usize,
}

impl Counts {
    /// Counts the records and problems of a load.
    pub fn of(loaded: &Loaded) -> Self {
        let inventory = &loaded.inventory;
        let errors = loaded.problems.iter().filter(|p| p.is_error()).count();
        Counts {
            files: inventory.files.len(),
            systems: inventory.systems.len(),
            vendors: inventory.vendors.len(),
            services: inventory.services.len(),
            controls: inventory.controls.len(),
            errors,
            warnings: loaded.problems.len() - errors,
        }
    }
}

#[derive(Serialize)]
struct CheckJson<'a> {
    inventory: &'a Path,
    valid: bool,
    counts: Counts,
    problems: &'a [Problem],
}

/// Loads the inventory in `dir` and prints its counts and problems.
///
/// Returns [`EXIT_OK`] when the inventory has no errors and [`EXIT_INVALID`] otherwise.
///
/// # Errors
/// Fails only when writing the output fails.
pub fn check(dir: &Path, format: OutputFormat, out: &mut dyn Write) -> Result<u8> {
    let loaded = loader::load(dir);
    let counts = Counts::of(&loaded);
    match format {
        OutputFormat::Json => {
            let json = CheckJson {
                inventory: dir,
                valid: !loaded.has_errors(),
                counts,
                problems: &loaded.problems,
            };
            serde_json::to_writer_pretty(&mut *out, &json)?;
            writeln!(out)?;
        }
        OutputFormat::Text { color } => write_check_text(&loaded, counts, color, out)?,
    }
    Ok(if loaded.has_errors() {
        EXIT_INVALID
    } else {
        EXIT_OK
    })
}

fn write_check_text(
    loaded: &Loaded,
    counts: Counts,
    color: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let inventory = &loaded.inventory;
    writeln!(out, "Inventory: {}", inventory.root.display())?;
    if counts.files == 0 {
        for problem in &loaded.problems {
            writeln!(out, "{problem}")?;
        }
        return write_summary(counts, out);
    }
    if let Some(project) = &inventory.project {
        writeln!(
            out,
            "Project:   {}, {} (target: {})",
            project.organisation, project.migration, project.provider
        )?;
    }
    writeln!(
        out,
        "Records:   {}, {}, {}, {} in {}",
        count_of(counts.systems, "system"),
        count_of(counts.vendors, "vendor"),
        count_of(counts.services, "service entry"),
        count_of(counts.controls, "control"),
        count_of(counts.files, "file"),
    )?;
    if inventory.rejected_entries > 0 {
        writeln!(
            out,
            "           {} left out because of the errors below",
            count_of(inventory.rejected_entries, "entry")
        )?;
    }
    if !loaded.problems.is_empty() {
        writeln!(out)?;
        let renderer = Renderer::new(&inventory.files, color);
        for (index, problem) in loaded.problems.iter().enumerate() {
            if index > 0 {
                writeln!(out)?;
            }
            write!(out, "{}", renderer.render(problem))?;
        }
    }
    writeln!(out)?;
    write_summary(counts, out)
}

fn write_summary(counts: Counts, out: &mut dyn Write) -> Result<()> {
    let verdict = if counts.errors == 0 {
        "valid"
    } else {
        "invalid"
    };
    writeln!(
        out,
        "{} error{}, {} warning{}: inventory is {verdict}",
        counts.errors,
        plural(counts.errors),
        counts.warnings,
        plural(counts.warnings)
    )?;
    Ok(())
}

fn count_of(count: usize, noun: &str) -> String {
    match (count, noun.strip_suffix('y')) {
        (1, _) => format!("1 {noun}"),
        (_, Some(stem)) => format!("{count} {stem}ies"),
        (_, None) => format!("{count} {noun}s"),
    }
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

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
