//! `check`: load an inventory, analyse it and print problems, findings and phase status.

use std::io::Write;
use std::path::Path;

use anyhow::Result;
use serde::Serialize;

use super::{EXIT_BLOCKERS, EXIT_INVALID, EXIT_OK};
use crate::analysis::{self, Analysis, Finding, FindingSeverity};
use crate::diagnostic::{Problem, Renderer};
use crate::loader::{self, Loaded};
use crate::model::CivilDate;

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

/// What `check` is asked to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckOptions {
    /// Text or JSON.
    pub format: OutputFormat,
    /// The date treated as today for expiry and review intervals.
    pub as_of: CivilDate,
}

/// Version of the JSON document `check --format json` prints. It changes only when a field
/// is removed or changes meaning; new fields may appear without a change.
pub const JSON_VERSION: u32 = 1;

#[derive(Serialize)]
struct CheckJson<'a> {
    version: u32,
    inventory: &'a Path,
    as_of: CivilDate,
    valid: bool,
    counts: Counts,
    problems: &'a [Problem],
    summary: Option<FindingCounts>,
    findings: &'a [Finding],
    waves: Option<&'a analysis::WavePlan>,
}

/// Numbers of findings by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FindingCounts {
    /// Findings that block a phase gate.
    pub blockers: usize,
    /// Findings that need attention.
    pub warnings: usize,
    /// Findings for information.
    pub notices: usize,
}

impl FindingCounts {
    fn of(findings: &[Finding]) -> Self {
        let count = |severity| findings.iter().filter(|f| f.severity == severity).count();
        FindingCounts {
            blockers: count(FindingSeverity::Blocker),
            warnings: count(FindingSeverity::Warning),
            notices: count(FindingSeverity::Notice),
        }
    }
}

/// Loads the inventory in `dir`, analyses it when it is valid, and prints the result.
///
/// Returns [`EXIT_INVALID`] when the inventory has errors, [`EXIT_BLOCKERS`] when the analysis
/// finds a blocker, and [`EXIT_OK`] otherwise.
///
/// # Errors
/// Fails only when writing the output fails.
pub fn check(dir: &Path, options: CheckOptions, out: &mut dyn Write) -> Result<u8> {
    let loaded = loader::load(dir);
    let counts = Counts::of(&loaded);
    let analysis =
        (!loaded.has_errors()).then(|| analysis::analyse(&loaded.inventory, options.as_of));
    match options.format {
        OutputFormat::Json => {
            let json = CheckJson {
                version: JSON_VERSION,
                inventory: dir,
                as_of: options.as_of,
                valid: !loaded.has_errors(),
                counts,
                problems: &loaded.problems,
                summary: analysis.as_ref().map(|a| FindingCounts::of(&a.findings)),
                findings: analysis.as_ref().map_or(&[], |a| a.findings.as_slice()),
                waves: analysis.as_ref().map(|a| &a.waves),
            };
            serde_json::to_writer_pretty(&mut *out, &json)?;
            writeln!(out)?;
        }
        OutputFormat::Text { color } => {
            write_check_text(&loaded, counts, color, out)?;
            if let Some(analysis) = &analysis {
                write_findings(analysis, out)?;
            }
        }
    }
    if loaded.has_errors() {
        return Ok(EXIT_INVALID);
    }
    let blockers = analysis
        .as_ref()
        .map_or(0, |a| FindingCounts::of(&a.findings).blockers);
    Ok(if blockers > 0 { EXIT_BLOCKERS } else { EXIT_OK })
}

fn write_findings(analysis: &Analysis, out: &mut dyn Write) -> Result<()> {
    let counts = FindingCounts::of(&analysis.findings);
    writeln!(
        out,
        "\nFindings as of {}: {}, {}, {}",
        analysis.as_of,
        count_of(counts.blockers, "blocker"),
        count_of(counts.warnings, "warning"),
        count_of(counts.notices, "notice"),
    )?;
    for finding in &analysis.findings {
        writeln!(out)?;
        writeln!(
            out,
            "{} [{}] phase {}: {}",
            finding.severity.label(),
            finding.rule,
            finding.phase.number(),
            finding.message
        )?;
        let places: Vec<String> = finding
            .objects
            .iter()
            .filter(|object| object.line > 0)
            .map(|object| format!("{}:{} ({})", object.file.display(), object.line, object.id))
            .collect();
        if !places.is_empty() {
            writeln!(out, "  at:   {}", places.join(", "))?;
        }
        if finding.path.len() > 1 {
            writeln!(out, "  path: {}", finding.path.join(" → "))?;
        }
        writeln!(out, "  fix:  {}", finding.remediation)?;
        if !finding.citations.is_empty() {
            writeln!(out, "  cite: 45 CFR {}", finding.citations.join(", "))?;
        }
    }
    Ok(())
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
