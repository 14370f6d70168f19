//! Reports for auditors and the migration team: phase plans and the BAA gap report as
//! GitHub-flavoured Markdown, and the inventory graph as Mermaid or Graphviz DOT.
//!
//! [`render`] (or [`phase_plan`], [`all_plans`] and [`baa_gap_report`]) is the one entry point
//! for Markdown reports, used by `hipaa-migrate export` and the terminal UI alike. Reports are
//! rendered from minijinja templates in `templates/`, embedded in the binary and replaceable
//! file by file (see [`Templates::with_overrides`]). Inventory and journal text is escaped by
//! [`markdown`], so names, notes and evidence cannot change the structure of a report or add
//! HTML.

mod baa;
mod diagram;
mod dot;
pub mod markdown;
mod mermaid;
mod plan;
pub mod rules;
mod templates;
mod view;

use std::io;
use std::path::PathBuf;

use minijinja::value::{Serde, Value};

use crate::analysis::Analysis;
use crate::gates::PhaseGate;
use crate::journal::Journal;
use crate::loader::Inventory;
use crate::model::{CivilDate, Phase};

use diagram::Diagram;

pub use diagram::baa_in_force;
pub use templates::{BUILTIN as BUILTIN_TEMPLATES, TemplateOrigin, Templates};

/// Everything a report is built from: one analysed inventory, its gates and journal, on one date.
#[derive(Clone, Copy, Debug)]
pub struct ExportContext<'a> {
    /// The loaded inventory, which must have no load errors.
    pub inventory: &'a Inventory,
    /// The analysis of `inventory` on `as_of`.
    pub analysis: &'a Analysis,
    /// The gates of all five phases, in phase order, from [`crate::gates::evaluate`].
    pub gates: &'a [PhaseGate],
    /// The validation journal the gates were evaluated with.
    pub journal: &'a Journal,
    /// The date the reports treat as today.
    pub as_of: CivilDate,
    /// The templates to render with.
    pub templates: &'a Templates,
}

impl<'a> ExportContext<'a> {
    /// Creates a context that renders with the built-in templates.
    pub fn new(
        inventory: &'a Inventory,
        analysis: &'a Analysis,
        gates: &'a [PhaseGate],
        journal: &'a Journal,
        as_of: CivilDate,
    ) -> Self {
        ExportContext {
            inventory,
            analysis,
            gates,
            journal,
            as_of,
            templates: Templates::builtin(),
        }
    }

    /// Returns the context with other templates.
    #[must_use]
    pub fn with_templates(self, templates: &'a Templates) -> Self {
        ExportContext { templates, ..self }
    }

    fn gate(&self, phase: Phase) -> Result<&'a PhaseGate, ExportError> {
        self.gates
            .iter()
            .find(|gate| gate.phase == phase)
            .ok_or(ExportError::MissingGate(phase.number()))
    }
}

/// A Markdown report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Report {
    /// The plan of one phase.
    Phase(Phase),
    /// The plans of all five phases in one document.
    AllPlans,
    /// Every BAA-related finding with its vendor, dates, systems and action.
    BaaGaps,
}

impl Report {
    /// Returns a file name for the report, such as `phase-1-plan.md`.
    pub fn file_name(self) -> String {
        match self {
            Report::Phase(phase) => format!("phase-{}-plan.md", phase.number()),
            Report::AllPlans => "migration-plan.md".to_owned(),
            Report::BaaGaps => "baa-gap-report.md".to_owned(),
        }
    }
}

/// Graph output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// A Mermaid `flowchart`.
    Mermaid,
    /// A Graphviz `digraph`.
    Dot,
}

/// Failure to render a report.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A template failed to compile or render.
    #[error("template error in {origin}{}: {message}", line.map(|line| format!(", line {line}")).unwrap_or_default())]
    Template {
        /// The template file, or "built-in template NAME".
        origin: String,
        /// Line in the template, when known.
        line: Option<usize>,
        /// Description of the failure.
        message: String,
    },
    /// The template override folder could not be read.
    #[error("cannot read template folder {}: {error}", path.display())]
    TemplateFolder {
        /// The folder.
        path: PathBuf,
        /// The underlying error, shown in this error's message rather than as its source, so
        /// that a report of the whole chain does not print it twice.
        error: io::Error,
    },
    /// A template file could not be read.
    #[error("cannot read template {}: {error}", path.display())]
    TemplateFile {
        /// The file.
        path: PathBuf,
        /// The underlying error, shown in this error's message.
        error: io::Error,
    },
    /// The context contains no gate for a phase.
    #[error("the export context has no gate for phase {0}, so pass the gates of all five phases")]
    MissingGate(u8),
}

/// Renders one Markdown report.
///
/// # Errors
/// Fails when a template fails or the context lacks a phase's gate.
pub fn render(context: &ExportContext<'_>, report: Report) -> Result<String, ExportError> {
    match report {
        Report::Phase(phase) => phase_plan(context, phase),
        Report::AllPlans => all_plans(context),
        Report::BaaGaps => baa_gap_report(context),
    }
}

/// Renders the plan of one phase: goal, status, checklist, automatic checks, blocking
/// findings, waves, vendors, next actions and a diagram.
///
/// # Errors
/// Fails when a template fails or the context lacks the phase's gate.
pub fn phase_plan(context: &ExportContext<'_>, phase: Phase) -> Result<String, ExportError> {
    let gate = context.gate(phase)?;
    let plan = plan::build(context, gate);
    let values = Value::from_pairs([
        ("header", Value::from(Serde(view::header(context)))),
        ("phase", plan),
        ("h2", Value::from_safe_string("##".to_owned())),
    ]);
    context.templates.render("phase_plan.md.j2", values)
}

/// Renders the plans of all five phases in one document, with an overview table first.
///
/// # Errors
/// Fails when a template fails or the context lacks a phase's gate.
pub fn all_plans(context: &ExportContext<'_>) -> Result<String, ExportError> {
    let mut phases = Vec::with_capacity(Phase::ALL.len());
    for phase in Phase::ALL {
        phases.push(plan::build(context, context.gate(phase)?));
    }
    let values = Value::from_pairs([
        ("header", Value::from(Serde(view::header(context)))),
        ("phases", phases.into_iter().collect::<Value>()),
        ("h2", Value::from_safe_string("##".to_owned())),
        ("h3", Value::from_safe_string("###".to_owned())),
    ]);
    context.templates.render("all_plans.md.j2", values)
}

/// Renders the BAA gap report: a summary of BAA findings by rule and severity, one row per
/// finding, and the BAA register of every vendor.
///
/// # Errors
/// Fails when a template fails.
pub fn baa_gap_report(context: &ExportContext<'_>) -> Result<String, ExportError> {
    let report = baa::build(context);
    let values = Value::from_pairs([
        ("header", Value::from(Serde(view::header(context)))),
        ("report", Value::from(Serde(&report))),
    ]);
    context.templates.render("baa_gaps.md.j2", values)
}

/// Renders the whole inventory graph: systems, vendors and services with every relation, the
/// ePHI boundary as a subgraph or cluster, and vendors without a needed BAA highlighted.
pub fn graph(inventory: &Inventory, analysis: &Analysis, format: GraphFormat) -> String {
    let diagram = Diagram::build(inventory, analysis, analysis.as_of, &|_| true, &|_| None);
    match format {
        GraphFormat::Mermaid => mermaid::render(&diagram),
        GraphFormat::Dot => dot::render(&diagram),
    }
}
