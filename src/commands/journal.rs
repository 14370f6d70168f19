//! `validate` and `journal`: record validations in the journal, verify it, show its history.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

use super::{EXIT_BLOCKERS, EXIT_INVALID, EXIT_OK};
use crate::analysis;
use crate::diagnostic::escape_hidden;
use crate::gates::{self, PhaseGate, Subject, ValidationStatus};
use crate::journal::{self, AppendError, Entry, Journal, NewEntry};
use crate::loader::decode::closest;
use crate::loader::{self, Inventory};
use crate::model::CivilDate;

/// What `validate` records.
#[derive(Clone, Debug)]
pub struct ValidateRequest {
    /// Control id.
    pub control: String,
    /// The project, or the system or vendor given with `--system` or `--vendor`.
    pub subject: Subject,
    /// Outcome.
    pub status: ValidationStatus,
    /// Evidence text.
    pub evidence: String,
    /// Justification text, required for `not_applicable`.
    pub justification: Option<String>,
    /// Name from `--user`.
    pub user: Option<String>,
    /// Date the validation counts from, also used to evaluate the gates.
    pub on: CivilDate,
}

/// Returns the name to record: `--user`, else `user` in `project.yaml`, else `$USER`.
fn who(request: &ValidateRequest, inventory: &Inventory) -> Option<String> {
    let from_project = inventory.project.as_ref().and_then(|p| p.user.clone());
    request
        .user
        .clone()
        .or(from_project)
        .or_else(|| std::env::var("USER").ok())
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
}

/// Checks a request against the inventory and the gates evaluated on `journal`, returning a
/// message for the user when it cannot be recorded.
fn check_request(
    inventory: &Inventory,
    journal: &Journal,
    request: &ValidateRequest,
) -> Result<(), String> {
    let analysis = analysis::analyse(inventory, request.on);
    let gates = gates::evaluate(inventory, &analysis, journal, request.on);
    let Some(gate) = gates
        .iter()
        .find(|gate| gate.control(&request.control).is_some())
    else {
        let ids = gates
            .iter()
            .flat_map(|gate| gate.controls.iter().map(gates::Control::id));
        return Err(match closest(&request.control, ids) {
            Some(best) => format!(
                "unknown control `{}`; did you mean `{best}`?",
                request.control
            ),
            None => format!(
                "unknown control `{}`; `hipaa-migrate check` lists the phases and their controls",
                request.control
            ),
        });
    };
    check_subject(gate, request)?;
    gates::check_can_record(&gates, gate.phase)?;
    Ok(())
}

fn check_subject(gate: &PhaseGate, request: &ValidateRequest) -> Result<(), String> {
    let items: Vec<&gates::GateItem> = gate.items_of(&request.control).collect();
    if items.iter().any(|item| item.subject == request.subject) {
        return Ok(());
    }
    let subjects: Vec<String> = items.iter().map(|item| item.subject.to_string()).collect();
    let shown = subjects
        .iter()
        .take(8)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    let more = subjects.len().saturating_sub(8);
    let list = if more > 0 {
        format!("{shown} and {more} more")
    } else {
        shown
    };
    if subjects.is_empty() {
        return Err(format!(
            "control `{}` has no checklist item now: nothing in the inventory matches what it \
             applies to",
            request.control
        ));
    }
    let how = match items.first().map(|item| &item.subject) {
        Some(Subject::Project) => "it applies to the whole project; drop --system and --vendor",
        Some(Subject::System(_)) => "pass --system with one of its systems",
        Some(Subject::Vendor(_)) => "pass --vendor with one of its vendors",
        None => "",
    };
    Err(format!(
        "control `{}` has no item for {}; {how}: {list}",
        request.control, request.subject
    ))
}

/// Reason a validation was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// No name to record: no `--user`, no `user` in `project.yaml` and no `$USER`.
    #[error("no user name: pass --user NAME, or set `user` in project.yaml")]
    NoUser,
    /// A `not_applicable` record without a justification.
    #[error("marking a control not applicable needs --justification saying why")]
    JustificationMissing,
    /// A `validated` or `failed` record with empty evidence.
    #[error("--evidence is empty: say what shows the result, such as a ticket or report")]
    EvidenceMissing,
    /// The control, subject or phase does not allow the record, or the journal could not
    /// take it; the message says which.
    #[error("{0}")]
    Rejected(String),
}

/// Checks a validation against the inventory and the gates, then appends it to `journal`.
///
/// This is what `validate` and the TUI share: the name to record, the evidence and
/// justification rules, the control and subject checks, the phase lock, and a re-check when
/// another writer appended meanwhile.
///
/// # Errors
/// Returns why the validation cannot be recorded.
pub fn record_validation(
    inventory: &Inventory,
    journal: &mut Journal,
    request: &ValidateRequest,
) -> Result<Entry, RecordError> {
    let by = who(request, inventory).ok_or(RecordError::NoUser)?;
    let justification = request
        .justification
        .as_deref()
        .map(str::trim)
        .filter(|j| !j.is_empty());
    if request.status == ValidationStatus::NotApplicable && justification.is_none() {
        return Err(RecordError::JustificationMissing);
    }
    let evidence_needed = matches!(
        request.status,
        ValidationStatus::Validated | ValidationStatus::Failed
    );
    if evidence_needed && request.evidence.trim().is_empty() {
        return Err(RecordError::EvidenceMissing);
    }
    check_request(inventory, journal, request).map_err(RecordError::Rejected)?;
    let entry = NewEntry {
        control: request.control.clone(),
        subject: request.subject.clone(),
        status: request.status,
        by,
        on: request.on,
        evidence: request.evidence.clone(),
        justification: justification.map(str::to_owned),
    };
    // When another writer appended meanwhile, the gates are evaluated again on the fresh
    // journal before this entry is added.
    let mut recheck = |fresh: &Journal| check_request(inventory, fresh, request);
    match journal.append(&entry, &mut recheck) {
        Ok(written) => Ok(written.clone()),
        Err(AppendError::Rejected(message)) => Err(RecordError::Rejected(message)),
        Err(error) => Err(RecordError::Rejected(error.to_string())),
    }
}

/// Records one validation in the journal of the inventory in `dir`.
///
/// Returns [`EXIT_OK`] when recorded and [`EXIT_INVALID`] when rejected, with the reason on
/// standard error.
///
/// # Errors
/// Fails only when writing the output fails.
pub fn validate(dir: &Path, request: &ValidateRequest, out: &mut dyn Write) -> Result<u8> {
    let loaded = loader::load(dir);
    if loaded.has_errors() {
        for problem in loaded.problems.iter().filter(|p| p.is_error()) {
            eprintln!("{problem}");
        }
        eprintln!("error: fix the inventory before recording validations");
        return Ok(EXIT_INVALID);
    }
    let inventory = &loaded.inventory;
    let reject = |message: &str| {
        eprintln!("error: {message}");
        Ok(EXIT_INVALID)
    };
    if request.on > today_local() {
        return reject(&format!(
            "--on {} is in the future; a validation counts from the day it was done",
            request.on
        ));
    }
    let mut journal = match Journal::open(dir) {
        Ok(journal) => journal,
        Err(error) => return reject(&format!("cannot read {}: {error}", journal::FILE_NAME)),
    };
    match record_validation(inventory, &mut journal, request) {
        Ok(written) => {
            writeln!(
                out,
                "recorded {} line {}: {} {} {} by {} on {}",
                journal::FILE_NAME,
                written.body.seq,
                escape_hidden(&written.body.control),
                escape_hidden(&written.body.subject.to_string()),
                written.body.status.label(),
                escape_hidden(&written.body.by),
                written.body.on
            )?;
            Ok(EXIT_OK)
        }
        Err(error) => reject(&error.to_string()),
    }
}

fn today_local() -> CivilDate {
    CivilDate(jiff::ZonedDateTime::now().date())
}

/// Returns an error line when `dir` is not an existing folder.
fn require_folder(dir: &Path) -> Option<String> {
    if dir.is_dir() {
        None
    } else {
        Some(format!(
            "error: inventory folder {} not found",
            dir.display()
        ))
    }
}

/// Checks the journal's chain and prints the result.
///
/// Returns [`EXIT_OK`] when intact, [`EXIT_BLOCKERS`] when broken, and [`EXIT_INVALID`] when
/// the file cannot be read.
///
/// # Errors
/// Fails only when writing the output fails.
pub fn verify(dir: &Path, out: &mut dyn Write) -> Result<u8> {
    if let Some(message) = require_folder(dir) {
        eprintln!("{message}");
        return Ok(EXIT_INVALID);
    }
    let journal = match Journal::open(dir) {
        Ok(journal) => journal,
        Err(error) => {
            eprintln!(
                "error: cannot read {}: {error}",
                dir.join(journal::FILE_NAME).display()
            );
            return Ok(EXIT_INVALID);
        }
    };
    let path = journal.path().display().to_string();
    match journal.verify() {
        Ok(count) => {
            let noun = if count == 1 { "entry" } else { "entries" };
            writeln!(out, "{path}: {count} {noun}, chain intact")?;
            Ok(EXIT_OK)
        }
        Err(first) => {
            writeln!(out, "{path}:{}: {}", first.line, first.message)?;
            for problem in journal.problems().iter().skip(1) {
                writeln!(out, "{path}:{}: {}", problem.line, problem.message)?;
            }
            Ok(EXIT_BLOCKERS)
        }
    }
}

/// Which entries `journal log` shows.
#[derive(Clone, Debug, Default)]
pub struct LogFilter {
    /// Only this control.
    pub control: Option<String>,
    /// Only this system.
    pub system: Option<String>,
    /// Only this vendor.
    pub vendor: Option<String>,
    /// Only entries recorded by this user.
    pub user: Option<String>,
}

/// Prints the journal's history, oldest first, filtered.
///
/// # Errors
/// Fails when the journal cannot be read or writing the output fails.
pub fn log(dir: &Path, filter: &LogFilter, out: &mut dyn Write) -> Result<u8> {
    if let Some(message) = require_folder(dir) {
        eprintln!("{message}");
        return Ok(EXIT_INVALID);
    }
    let journal = Journal::open(dir)
        .with_context(|| format!("cannot read {}", dir.join(journal::FILE_NAME).display()))?;
    for problem in journal.problems() {
        eprintln!(
            "warning: {}:{}: {}",
            journal.path().display(),
            problem.line,
            problem.message
        );
    }
    let shown = journal.entries().iter().filter(|entry| {
        let body = &entry.body;
        filter.control.as_ref().is_none_or(|c| &body.control == c)
            && filter
                .system
                .as_ref()
                .is_none_or(|s| body.subject == Subject::System(s.clone()))
            && filter
                .vendor
                .as_ref()
                .is_none_or(|v| body.subject == Subject::Vendor(v.clone()))
            && filter.user.as_ref().is_none_or(|u| &body.by == u)
    });
    for entry in shown {
        let body = &entry.body;
        writeln!(
            out,
            "{:>4}  {}  {:<14} {:<28} {:<24} by {}",
            body.seq,
            body.on,
            body.status.label(),
            escape_hidden(&body.control),
            escape_hidden(&body.subject.to_string()),
            escape_hidden(&body.by)
        )?;
        for line in body.evidence.lines() {
            writeln!(out, "      evidence: {}", escape_hidden(line))?;
        }
        if let Some(justification) = &body.justification {
            for line in justification.lines() {
                writeln!(out, "      justification: {}", escape_hidden(line))?;
            }
        }
    }
    Ok(EXIT_OK)
}

/// Moves an incomplete last line out of the journal so appends can continue.
///
/// # Errors
/// Fails when the journal cannot be read or rewritten.
pub fn repair(dir: &Path, out: &mut dyn Write) -> Result<u8> {
    if let Some(message) = require_folder(dir) {
        eprintln!("{message}");
        return Ok(EXIT_INVALID);
    }
    let path = dir.join(journal::FILE_NAME);
    let outcome =
        journal::repair(dir).with_context(|| format!("cannot repair {}", path.display()))?;
    match outcome {
        journal::Repair::MovedAside(side) => {
            writeln!(out, "moved the incomplete last line to {}", side.display())?;
        }
        journal::Repair::EndedLine => writeln!(
            out,
            "the last line was a complete entry without a line end; added the line end"
        )?,
        journal::Repair::Nothing => writeln!(
            out,
            "nothing to repair: the journal is missing or ends with a complete line"
        )?,
    }
    Ok(EXIT_OK)
}
