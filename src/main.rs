//! The `hipaa-migrate` command line: parses arguments and dispatches to the library.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use hipaa_migrate::commands::{self, CheckOptions, LogFilter, OutputFormat, ValidateRequest};
use hipaa_migrate::gates::{Subject, ValidationStatus};
use hipaa_migrate::model::CivilDate;
use hipaa_migrate::schema::SchemaKind;

/// Plan, gate and record the migration of ePHI workloads to a HIPAA-eligible cloud.
///
/// Without a subcommand, opens the interactive view of the inventory in DIR, else of the
/// current folder when it holds a project.yaml, else of the bundled example inventory.
#[derive(Debug, Parser)]
#[command(name = "hipaa-migrate", version, about, long_about = None)]
#[command(args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Inventory folder to open in the interactive view.
    dir: Option<PathBuf>,
    /// Date the interactive view treats as today, YYYY-MM-DD; defaults to the local date.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    as_of: Option<CivilDate>,
    /// Write diagnostics of the interactive view to a log file in the platform data folder
    /// (also switched on by `HIPAA_MIGRATE_LOG`, whose value may name a level such as debug).
    #[arg(long)]
    log: bool,
}

/// Opens the interactive view, or explains what to run instead when there is no terminal.
fn run_tui(dir: Option<PathBuf>, as_of: Option<CivilDate>, log: bool) -> ExitCode {
    if let Err(message) = hipaa_migrate::tui::terminal::check_interactive() {
        eprintln!("{message}");
        return ExitCode::from(commands::EXIT_INVALID);
    }
    let options = hipaa_migrate::tui::Options {
        dir,
        as_of: as_of.unwrap_or_else(today),
        log,
    };
    match hipaa_migrate::tui::run(options) {
        Ok(status) => ExitCode::from(status),
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(commands::EXIT_INVALID)
        }
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Load and analyse an inventory; exit 0 with no blocker, 1 with blockers, 2 when invalid.
    Check {
        /// Inventory folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Date to treat as today, YYYY-MM-DD; defaults to the local date.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        as_of: Option<CivilDate>,
    },
    /// Write the JSON Schema of one inventory file kind to stdout, or of all kinds to a folder.
    Schema {
        /// File kind to print; omit it with `--out`.
        #[arg(value_enum)]
        kind: Option<SchemaKind>,
        /// Folder to write `<kind>.schema.json` files for every kind into.
        #[arg(long, short, conflicts_with = "kind")]
        out: Option<PathBuf>,
    },
    /// Record a validation of one checklist item in the inventory's journal.
    ///
    /// Give DIR before CONTROL, or only CONTROL to use the current folder. The name recorded
    /// is --user, else `user` in project.yaml, else $USER; it is taken as given and is not
    /// authenticated.
    #[command(group(clap::ArgGroup::new("object").args(["system", "vendor"])))]
    Validate {
        /// Inventory folder (optional), then the control id.
        #[arg(num_args = 1..=2, value_names = ["DIR", "CONTROL"], required = true)]
        args: Vec<String>,
        /// System the item is about, for controls that apply to each system or store.
        #[arg(long, value_name = "ID")]
        system: Option<String>,
        /// Vendor the item is about, for controls that apply to each vendor.
        #[arg(long, value_name = "ID")]
        vendor: Option<String>,
        /// Outcome to record.
        #[arg(long, value_enum)]
        status: Status,
        /// What shows the outcome: a ticket, report, configuration export or document.
        #[arg(long, value_name = "TEXT")]
        evidence: String,
        /// Why the control does not apply; required with `--status not_applicable`.
        #[arg(long, value_name = "TEXT")]
        justification: Option<String>,
        /// Name to record as the validator.
        #[arg(long, value_name = "NAME")]
        user: Option<String>,
        /// Date the validation counts from, YYYY-MM-DD; defaults to the local date.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        on: Option<CivilDate>,
    },
    /// Verify, show or repair the validation journal.
    Journal {
        #[command(subcommand)]
        command: JournalCommand,
    },
    /// Write a commented starter inventory into a new or empty folder.
    Init {
        /// Folder to create the inventory in; existing files are never overwritten.
        dir: PathBuf,
    },
    /// Write a phase plan, all phase plans or the BAA gap report as Markdown.
    ///
    /// Exits 0 when the report was written, whatever it reports, and 2 when the inventory or
    /// its journal is invalid or a template fails.
    Export(commands::ExportArgs),
    /// Write the graph of systems, vendors and services, with the ePHI boundary marked.
    Graph(commands::GraphArgs),
}

#[derive(Debug, Subcommand)]
enum JournalCommand {
    /// Check the hash chain; exit 0 when intact, 1 naming the first broken line.
    Verify {
        /// Inventory folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Print the validation history, oldest first.
    Log {
        /// Inventory folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Only entries for this control.
        #[arg(long, value_name = "ID")]
        control: Option<String>,
        /// Only entries about this system.
        #[arg(long, value_name = "ID")]
        system: Option<String>,
        /// Only entries about this vendor.
        #[arg(long, value_name = "ID")]
        vendor: Option<String>,
        /// Only entries recorded by this user.
        #[arg(long, value_name = "NAME")]
        user: Option<String>,
    },
    /// Move an incomplete last line, left by an interrupted write, into a side file.
    Repair {
        /// Inventory folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
}

/// Outcomes `validate` records.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum Status {
    /// The control holds.
    Validated,
    /// The control was checked and does not hold.
    Failed,
    /// The control does not apply; needs --justification.
    #[value(name = "not_applicable", alias = "not-applicable")]
    NotApplicable,
    /// Withdraw the earlier record, so the item is open again.
    Reset,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    /// Counts and problems with source snippets, for people.
    Text,
    /// One JSON document, for scripts.
    Json,
}

/// Returns the local calendar date; dates in an inventory carry no time zone.
fn today() -> CivilDate {
    CivilDate(jiff::ZonedDateTime::now().date())
}

fn parse_date(text: &str) -> Result<CivilDate, String> {
    CivilDate::parse(text)
}

/// Returns whether output stopped because the reader went away, as with `| head`; that is no
/// failure of the command.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .downcast_ref::<io::Error>()
        .is_some_and(|error| error.kind() == io::ErrorKind::BrokenPipe)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let Some(command) = cli.command else {
        return run_tui(cli.dir, cli.as_of, cli.log);
    };
    let color = io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut stdout = io::stdout().lock();
    let result = match command {
        Command::Check { dir, format, as_of } => {
            let format = match format {
                Format::Text => OutputFormat::Text { color },
                Format::Json => OutputFormat::Json,
            };
            let as_of = as_of.unwrap_or_else(today);
            commands::check(&dir, CheckOptions { format, as_of }, &mut stdout)
        }
        Command::Schema { kind, out } => match (kind, out) {
            (_, Some(out)) => commands::schema_to_folder(&out, &mut stdout),
            (Some(kind), None) => commands::schema_to_writer(kind, &mut stdout),
            (None, None) => {
                eprintln!(
                    "error: name a file kind to print (project, systems, vendors, services, \
                     controls), or pass --out DIR to write them all"
                );
                Ok(commands::EXIT_INVALID)
            }
        },
        Command::Init { dir } => commands::init(&dir, &mut stdout),
        Command::Export(args) => args.run(today(), &mut stdout),
        Command::Graph(args) => args.run(today(), &mut stdout),
        Command::Validate {
            args,
            system,
            vendor,
            status,
            evidence,
            justification,
            user,
            on,
        } => {
            let (dir, control) = match args.as_slice() {
                [dir, control] => (PathBuf::from(dir), control.clone()),
                [control] => (PathBuf::from("."), control.clone()),
                _ => unreachable!("clap takes one or two values"),
            };
            let subject = match (system, vendor) {
                (Some(id), _) => Subject::System(id),
                (None, Some(id)) => Subject::Vendor(id),
                (None, None) => Subject::Project,
            };
            let status = match status {
                Status::Validated => ValidationStatus::Validated,
                Status::Failed => ValidationStatus::Failed,
                Status::NotApplicable => ValidationStatus::NotApplicable,
                Status::Reset => ValidationStatus::Reset,
            };
            let request = ValidateRequest {
                control,
                subject,
                status,
                evidence,
                justification,
                user,
                on: on.unwrap_or_else(today),
            };
            commands::validate(&dir, &request, &mut stdout)
        }
        Command::Journal { command } => match command {
            JournalCommand::Verify { dir } => commands::verify(&dir, &mut stdout),
            JournalCommand::Log {
                dir,
                control,
                system,
                vendor,
                user,
            } => {
                let filter = LogFilter {
                    control,
                    system,
                    vendor,
                    user,
                };
                commands::log(&dir, &filter, &mut stdout)
            }
            JournalCommand::Repair { dir } => commands::repair(&dir, &mut stdout),
        },
    };
    let _ = stdout.flush();
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(commands::EXIT_INVALID)
        }
    }
}
