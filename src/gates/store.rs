//! Validation records: who validated which checklist item, when, with what evidence.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::model::CivilDate;

/// The object a checklist item is about: the whole project, one system or one vendor.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Subject {
    /// The migration as a whole.
    Project,
    /// A system, by id.
    System(String),
    /// A vendor, by id.
    Vendor(String),
}

impl fmt::Display for Subject {
    /// Writes `project`, `system ID` or `vendor ID`, the form [`Subject::from_str`] reads.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Project => f.write_str("project"),
            Subject::System(id) => write!(f, "system {id}"),
            Subject::Vendor(id) => write!(f, "vendor {id}"),
        }
    }
}

impl FromStr for Subject {
    type Err = String;

    /// Parses `project`, `system ID` or `vendor ID`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if text == "project" {
            return Ok(Subject::Project);
        }
        let parsed = match text.split_once(char::is_whitespace) {
            Some(("system", id)) if !id.trim().is_empty() => {
                Some(Subject::System(id.trim().to_owned()))
            }
            Some(("vendor", id)) if !id.trim().is_empty() => {
                Some(Subject::Vendor(id.trim().to_owned()))
            }
            _ => None,
        };
        parsed.ok_or_else(|| {
            format!(
                "invalid subject `{text}`: write `project`, `system ID` or `vendor ID`, such as \
                 `system patient-db`"
            )
        })
    }
}

/// The outcome a reviewer records for one checklist item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValidationStatus {
    /// The control holds for the subject, and the evidence shows it.
    Validated,
    /// The control was checked and does not hold.
    Failed,
    /// The control does not apply to the subject. It counts only with a justification.
    NotApplicable,
    /// An earlier record is withdrawn, so the item is open again.
    Reset,
}

impl ValidationStatus {
    /// Returns the lowercase words used in text output.
    pub fn label(self) -> &'static str {
        match self {
            ValidationStatus::Validated => "validated",
            ValidationStatus::Failed => "failed",
            ValidationStatus::NotApplicable => "not applicable",
            ValidationStatus::Reset => "reset",
        }
    }
}

/// One recorded validation of a checklist item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validation {
    /// The recorded outcome.
    pub status: ValidationStatus,
    /// Person who made the record.
    pub by: String,
    /// Date the check was done. Review intervals count from this date.
    pub on: CivilDate,
    /// Reference to the evidence, such as a ticket, report or configuration export.
    pub evidence: String,
    /// Reason the control does not apply. A `NotApplicable` record without one does not count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
}

/// Read access to recorded validations, by control id and subject.
pub trait ValidationStore {
    /// Returns the most recent record for the control and subject, if any.
    fn latest(&self, control: &str, subject: &Subject) -> Option<&Validation>;
}

/// A validation store held in memory, for tests and for callers that build records in code.
#[derive(Clone, Debug, Default)]
pub struct MemoryStore {
    records: HashMap<String, HashMap<Subject, Validation>>,
}

impl MemoryStore {
    /// Creates an empty store.
    pub fn new() -> Self {
        MemoryStore::default()
    }

    /// Records a validation, replacing any earlier record for the same control and subject.
    pub fn record(&mut self, control: &str, subject: Subject, validation: Validation) {
        self.records
            .entry(control.to_owned())
            .or_default()
            .insert(subject, validation);
    }
}

impl ValidationStore for MemoryStore {
    fn latest(&self, control: &str, subject: &Subject) -> Option<&Validation> {
        self.records.get(control)?.get(subject)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn validation(status: ValidationStatus, on: &str) -> Validation {
        Validation {
            status,
            by: "Dana Reyes".to_owned(),
            on: CivilDate::parse(on).expect("valid test date"),
            evidence: "CHG-1042".to_owned(),
            justification: None,
        }
    }

    #[test]
    fn subject_display_round_trips() {
        let subjects = [
            Subject::Project,
            Subject::System("patient-api".to_owned()),
            Subject::Vendor("aws".to_owned()),
        ];
        let texts = ["project", "system patient-api", "vendor aws"];
        for (subject, text) in subjects.iter().zip(texts) {
            assert_eq!(subject.to_string(), text);
            assert_eq!(text.parse::<Subject>().as_ref(), Ok(subject));
        }
    }

    #[test]
    fn subject_parse_rejects_unknown_kind() {
        for text in ["", "system", "system   ", "service s3", "projects"] {
            let error = text.parse::<Subject>().expect_err(text);
            assert!(error.starts_with("invalid subject"), "{error}");
        }
    }

    #[test]
    fn subject_serializes_kind_and_id() {
        let json = serde_json::to_string(&Subject::System("db".to_owned())).expect("serializes");
        assert_eq!(json, r#"{"kind":"system","id":"db"}"#);
        let json = serde_json::to_string(&Subject::Project).expect("serializes");
        assert_eq!(json, r#"{"kind":"project"}"#);
    }

    #[test]
    fn subjects_order_project_first() {
        let mut subjects = vec![
            Subject::Vendor("a".to_owned()),
            Subject::System("b".to_owned()),
            Subject::Project,
            Subject::System("a".to_owned()),
        ];
        subjects.sort();
        assert_eq!(
            subjects,
            [
                Subject::Project,
                Subject::System("a".to_owned()),
                Subject::System("b".to_owned()),
                Subject::Vendor("a".to_owned()),
            ]
        );
    }

    #[test]
    fn memory_store_keeps_latest_record() {
        let mut store = MemoryStore::new();
        let subject = Subject::System("db".to_owned());
        assert!(store.latest("restore-test", &subject).is_none());

        store.record(
            "restore-test",
            subject.clone(),
            validation(ValidationStatus::Failed, "2026-01-05"),
        );
        store.record(
            "restore-test",
            subject.clone(),
            validation(ValidationStatus::Validated, "2026-01-09"),
        );
        let latest = store.latest("restore-test", &subject);
        assert_eq!(latest.map(|v| v.status), Some(ValidationStatus::Validated));
        assert_eq!(
            latest.map(|v| v.on.to_string()).as_deref(),
            Some("2026-01-09")
        );
        assert!(store.latest("restore-test", &Subject::Project).is_none());
        assert!(store.latest("access-review", &subject).is_none());
    }
}
