//! The `hipaa-migrate` command line: parses arguments and dispatches to the library.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use hipaa_migrate::commands::{self, CheckOptions, OutputFormat};
use hipaa_migrate::model::CivilDate;
use hipaa_migrate::schema::SchemaKind;

/// Plan, gate and record the migration of ePHI workloads to a HIPAA-eligible cloud.
#[derive(Debug, Parser)]
#[command(name = "hipaa-migrate", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
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
    /// Write a commented starter inventory into a new or empty folder.
    Init {
        /// Folder to create the inventory in; existing files are never overwritten.
        dir: PathBuf,
    },
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
    let color = io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut stdout = io::stdout().lock();
    let result = match cli.command {
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
