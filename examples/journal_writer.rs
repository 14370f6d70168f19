//! Appends entries to an inventory's validation journal as fast as it can, for stress tests
//! of concurrent writers and of writers killed mid-append.
//!
//! Usage: `journal_writer DIR COUNT TAG`. Each entry validates the project-level control
//! `data-inventory` with the evidence `TAG-N`. No gate is checked.

use std::path::PathBuf;
use std::process::ExitCode;

use hipaa_migrate::gates::{Subject, ValidationStatus};
use hipaa_migrate::journal::{Journal, NewEntry};
use hipaa_migrate::model::CivilDate;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, count, tag] = args.as_slice() else {
        eprintln!("usage: journal_writer DIR COUNT TAG");
        return ExitCode::from(2);
    };
    let Ok(count) = count.parse::<u32>() else {
        eprintln!("invalid COUNT `{count}`: expected a whole number");
        return ExitCode::from(2);
    };
    let dir = PathBuf::from(dir);
    let mut journal = match Journal::open(&dir) {
        Ok(journal) => journal,
        Err(error) => {
            eprintln!("cannot read the journal in {}: {error}", dir.display());
            return ExitCode::from(2);
        }
    };
    let on = CivilDate(jiff::civil::date(2026, 12, 4));
    for index in 1..=count {
        let entry = NewEntry {
            control: "data-inventory".to_owned(),
            subject: Subject::Project,
            status: ValidationStatus::Validated,
            by: tag.clone(),
            on,
            evidence: format!("{tag}-{index}"),
            justification: None,
        };
        if let Err(error) = journal.append(&entry, &mut |_| Ok(())) {
            eprintln!("append {index} failed: {error}");
            return ExitCode::from(1);
        }
    }
    ExitCode::SUCCESS
}
