//! `export` and `graph`: write a phase plan, all plans or the BAA gap report as Markdown, or the
//! inventory graph as Mermaid or DOT.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;

use super::{EXIT_INVALID, EXIT_OK};
use crate::analysis::{self, Analysis};
use crate::diagnostic::Renderer;
use crate::export::{self, ExportContext, GraphFormat, Report, Templates};
use crate::gates;
use crate::loader::{self, Loaded};
use crate::model::{CivilDate, Phase};
use crate::scaffold;

/// Command-line arguments of `export`.
#[derive(Clone, Debug, Args)]
#[command(group(clap::ArgGroup::new("report").args(["phase", "all", "baa_gaps"]).required(true)))]
pub struct ExportArgs {
    /// Inventory folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Phase whose plan to write, 1 to 5.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=5))]
    pub phase: Option<u8>,
    /// Write the plans of all five phases in one document.
    #[arg(long)]
    pub all: bool,
    /// Write the BAA gap report.
    #[arg(long)]
    pub baa_gaps: bool,
    /// File to write, replaced atomically; without it the report goes to stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Folder of `*.j2` templates; each replaces the built-in template of the same name.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Date to treat as today, YYYY-MM-DD; defaults to the local date.
    #[arg(long, value_name = "DATE", value_parser = CivilDate::parse)]
    pub as_of: Option<CivilDate>,
}

impl ExportArgs {
    /// Returns the options these arguments select, with `today` as the default date.
    pub fn options(&self, today: CivilDate) -> ExportOptions {
        let report = match (self.phase, self.all) {
            (Some(number), _) => {
                let index = usize::from(number.clamp(1, 5)) - 1;
                Report::Phase(Phase::ALL[index])
            }
            (None, true) => Report::AllPlans,
            (None, false) => Report::BaaGaps,
        };
        ExportOptions {
            report,
            output: self.output.clone(),
            templates: self.templates.clone(),
            as_of: self.as_of.unwrap_or(today),
            color: stderr_color(),
        }
    }

    /// Runs `export` with these arguments, writing problems to stderr.
    ///
    /// # Errors
    /// Fails as [`export`] does.
    pub fn run(&self, today: CivilDate, out: &mut dyn Write) -> Result<u8> {
        let options = self.options(today);
        export(&self.dir, &options, out, &mut std::io::stderr().lock())
    }
}

/// Command-line arguments of `graph`.
#[derive(Clone, Debug, Args)]
pub struct GraphArgs {
    /// Inventory folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
    pub format: GraphFormat,
    /// File to write, replaced atomically; without it the graph goes to stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Date to treat as today for BAA expiry, YYYY-MM-DD; defaults to the local date.
    #[arg(long, value_name = "DATE", value_parser = CivilDate::parse)]
    pub as_of: Option<CivilDate>,
}

impl GraphArgs {
    /// Returns the options these arguments select, with `today` as the default date.
    pub fn options(&self, today: CivilDate) -> GraphOptions {
        GraphOptions {
            format: self.format,
            output: self.output.clone(),
            as_of: self.as_of.unwrap_or(today),
            color: stderr_color(),
        }
    }

    /// Runs `graph` with these arguments, writing problems to stderr.
    ///
    /// # Errors
    /// Fails as [`graph`] does.
    pub fn run(&self, today: CivilDate, out: &mut dyn Write) -> Result<u8> {
        let options = self.options(today);
        graph(&self.dir, &options, out, &mut std::io::stderr().lock())
    }
}

/// Returns whether problems printed to stderr get terminal colors: only on a terminal, and not
/// when `NO_COLOR` is set.
fn stderr_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Request of `export`: the report, where it goes, the templates and the date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportOptions {
    /// The report to write.
    pub report: Report,
    /// File to write atomically; `None` writes to the output writer.
    pub output: Option<PathBuf>,
    /// Folder whose `*.j2` files replace or add to the built-in templates.
    pub templates: Option<PathBuf>,
    /// The date treated as today.
    pub as_of: CivilDate,
    /// Whether problems are printed with terminal colors.
    pub color: bool,
}

/// Request of `graph`: the format, where it goes and the date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphOptions {
    /// Mermaid or DOT.
    pub format: GraphFormat,
    /// File to write atomically; `None` writes to the output writer.
    pub output: Option<PathBuf>,
    /// The date treated as today, which decides whether each BAA is in force.
    pub as_of: CivilDate,
    /// Whether problems are printed with terminal colors.
    pub color: bool,
}

/// Loads the inventory in `dir` with its journal, and writes one Markdown report.
///
/// Returns [`EXIT_INVALID`] after printing the problems to `errors` when the inventory or its
/// journal has errors, and [`EXIT_OK`] when the report was written.
///
/// # Errors
/// Fails when the templates cannot be read or rendered, or the report cannot be written.
pub fn export(
    dir: &Path,
    options: &ExportOptions,
    out: &mut dyn Write,
    errors: &mut dyn Write,
) -> Result<u8> {
    check_output(options.output.as_deref())?;
    let mut loaded = loader::load(dir);
    let journal = super::check::open_journal(dir, &mut loaded);
    if loaded.has_errors() {
        write_problems(&loaded, options.color, errors)?;
        return Ok(EXIT_INVALID);
    }
    let templates = match &options.templates {
        Some(folder) => Some(Templates::with_overrides(folder)?),
        None => None,
    };
    for (path, builtin) in templates.iter().flat_map(Templates::misnamed_overrides) {
        writeln!(
            errors,
            "warning: {} replaces no built-in template and is used only where another \
             template includes it; rename it to {builtin} to replace that template",
            path.display()
        )?;
    }
    let analysis = analysis::analyse(&loaded.inventory, options.as_of);
    let gates = gates::evaluate(&loaded.inventory, &analysis, &journal, options.as_of);
    let mut context = ExportContext::new(
        &loaded.inventory,
        &analysis,
        &gates,
        &journal,
        options.as_of,
    );
    if let Some(templates) = &templates {
        context = context.with_templates(templates);
    }
    let text = export::render(&context, options.report)?;
    write_output(&text, options.output.as_deref(), out)?;
    Ok(EXIT_OK)
}

/// Loads the inventory in `dir` and writes its whole graph.
///
/// Returns [`EXIT_INVALID`] after printing the problems to `errors` when the inventory has
/// errors, and [`EXIT_OK`] when the graph was written. The journal is not read, because the
/// graph does not depend on it.
///
/// # Errors
/// Fails when the graph cannot be written.
pub fn graph(
    dir: &Path,
    options: &GraphOptions,
    out: &mut dyn Write,
    errors: &mut dyn Write,
) -> Result<u8> {
    check_output(options.output.as_deref())?;
    let loaded = loader::load(dir);
    if loaded.has_errors() {
        write_problems(&loaded, options.color, errors)?;
        return Ok(EXIT_INVALID);
    }
    let analysis: Analysis = analysis::analyse(&loaded.inventory, options.as_of);
    let text = export::graph(&loaded.inventory, &analysis, options.format);
    write_output(&text, options.output.as_deref(), out)?;
    Ok(EXIT_OK)
}

/// Checks the folder of the output file before the inventory is loaded, so a mistyped path
/// fails at once rather than after the report is built.
fn check_output(path: Option<&Path>) -> Result<()> {
    if let Some(path) = path {
        scaffold::check_folder_of(path)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// Writes `text` to `path` atomically and names the file on `out`, or writes it to `out`.
fn write_output(text: &str, path: Option<&Path>, out: &mut dyn Write) -> Result<()> {
    match path {
        Some(path) => {
            scaffold::write_atomic(path, text.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
            writeln!(out, "wrote {}", path.display())?;
        }
        None => out.write_all(text.as_bytes())?,
    }
    Ok(())
}

/// Prints every problem of a load with its source snippet, then a count.
fn write_problems(loaded: &Loaded, color: bool, errors: &mut dyn Write) -> Result<()> {
    let renderer = Renderer::new(&loaded.inventory.files, color);
    for problem in &loaded.problems {
        write!(errors, "{}", renderer.render(problem))?;
        writeln!(errors)?;
    }
    let count = loaded.problems.iter().filter(|p| p.is_error()).count();
    let noun = if count == 1 { "error" } else { "errors" };
    writeln!(
        errors,
        "{count} {noun}: the inventory is invalid, so nothing was exported"
    )?;
    Ok(())
}
