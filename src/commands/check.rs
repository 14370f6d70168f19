//! `check`: load an inventory, analyse it and print problems, findings and phase status.

use std::io::Write;
use std::path::Path;

use anyhow::Result;
use serde::Serialize;

use super::{EXIT_BLOCKERS, EXIT_INVALID, EXIT_OK};
use crate::analysis::{self, Analysis, Finding, FindingSeverity};
use crate::diagnostic::{Problem, Renderer, escape_hidden};
use crate::gates::{self, PhaseGate, PhaseState};
use crate::journal::{self, Journal};
use crate::loader::yaml::Pos;
use crate::loader::{self, Loaded};
use crate::model::{CivilDate, Phase};

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
    phases: Vec<PhaseJson<'a>>,
    waves: Option<&'a analysis::WavePlan>,
}

/// One phase's gate in the JSON output.
#[derive(Serialize)]
struct PhaseJson<'a> {
    number: u8,
    phase: Phase,
    title: &'static str,
    state: PhaseState,
    /// Checklist items satisfied.
    done: usize,
    /// Checklist items in all.
    total: usize,
    /// Indexes into `findings` of the blockers of this phase.
    blocking_findings: &'a [usize],
    locked_by: Option<&'a str>,
}

impl<'a> PhaseJson<'a> {
    fn of(gate: &'a PhaseGate) -> Self {
        PhaseJson {
            number: gate.phase.number(),
            phase: gate.phase,
            title: gate.phase.title(),
            state: gate.state,
            done: gate.done,
            total: gate.total,
            blocking_findings: &gate.blocking_findings,
            locked_by: gate.locked_by.as_deref(),
        }
    }
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
    let mut loaded = loader::load(dir);
    let journal = open_journal(dir, &mut loaded);
    let counts = Counts::of(&loaded);
    let analysis =
        (!loaded.has_errors()).then(|| analysis::analyse(&loaded.inventory, options.as_of));
    let gates: Vec<PhaseGate> = analysis.as_ref().map_or_else(Vec::new, |analysis| {
        gates::evaluate(&loaded.inventory, analysis, &journal, options.as_of)
    });
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
                phases: gates.iter().map(PhaseJson::of).collect(),
                waves: analysis.as_ref().map(|a| &a.waves),
            };
            serde_json::to_writer_pretty(&mut *out, &json)?;
            writeln!(out)?;
        }
        OutputFormat::Text { color } => {
            write_check_text(&loaded, counts, color, out)?;
            if let Some(analysis) = &analysis {
                write_findings(analysis, out)?;
                write_phases(&gates, out)?;
                write_waves(&analysis.waves, out)?;
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

/// Reads the inventory's journal, adding its problems to the load's: gate states built on a
/// damaged journal cannot be trusted.
pub(super) fn open_journal(dir: &Path, loaded: &mut Loaded) -> Journal {
    let path = dir.join(journal::FILE_NAME);
    match Journal::open(dir) {
        Ok(journal) => {
            for problem in journal.problems() {
                let pos = Pos {
                    line: u32::try_from(problem.line).unwrap_or(u32::MAX),
                    column: 1,
                };
                loaded
                    .problems
                    .push(Problem::error(&path, pos, problem.message.clone()));
            }
            journal
        }
        Err(error) => {
            loaded
                .problems
                .push(Problem::file_error(&path, format!("cannot read: {error}")));
            Journal::default()
        }
    }
}

fn write_phases(gates: &[PhaseGate], out: &mut dyn Write) -> Result<()> {
    writeln!(out, "\nPhases:")?;
    for gate in gates {
        let mut line = format!(
            "  {} {:<38} {:<9} {}/{} items",
            gate.phase.number(),
            gate.phase.title(),
            gate.state.label(),
            gate.done,
            gate.total
        );
        if !gate.blocking_findings.is_empty() {
            line.push_str(", ");
            line.push_str(&count_of(gate.blocking_findings.len(), "blocker"));
        }
        writeln!(out, "{}", line.trim_end())?;
        if let Some(reason) = &gate.locked_by {
            writeln!(out, "    locked: {reason}")?;
        }
    }
    Ok(())
}

fn write_waves(waves: &analysis::WavePlan, out: &mut dyn Write) -> Result<()> {
    for (phase, plan) in [
        (Phase::MoveLowRiskWorkloads, &waves.low_risk),
        (Phase::MigrateProductionEphi, &waves.ephi),
    ] {
        writeln!(
            out,
            "\nWaves of phase {} ({}):",
            phase.number(),
            phase.title()
        )?;
        if plan.is_empty() {
            writeln!(out, "  none")?;
        }
        for wave in plan {
            writeln!(out, "  wave {}: {}", wave.number, wave.systems.join(", "))?;
        }
    }
    Ok(())
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
            escape_hidden(&finding.message)
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
        writeln!(out, "  fix:  {}", escape_hidden(&finding.remediation))?;
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
            escape_hidden(&project.organisation),
            escape_hidden(&project.migration),
            project.provider
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
