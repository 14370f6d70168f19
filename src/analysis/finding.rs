//! Findings: gaps that put ePHI at risk, each tied to objects, citations and a phase.

use std::path::PathBuf;

use serde::Serialize;

use crate::model::Phase;

/// How much a finding matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingSeverity {
    /// Blocks its phase's gate until it is fixed.
    Blocker,
    /// Needs attention but does not block a gate.
    Warning,
    /// Information for the plan.
    Notice,
}

impl FindingSeverity {
    /// Returns the lowercase word used in text output.
    pub fn label(self) -> &'static str {
        match self {
            FindingSeverity::Blocker => "blocker",
            FindingSeverity::Warning => "warning",
            FindingSeverity::Notice => "notice",
        }
    }
}

/// Kinds of object a finding can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    /// A system.
    System,
    /// A vendor.
    Vendor,
    /// A cloud service, named by a system's `target_services`.
    Service,
}

/// An object a finding is about, and where it is written.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ObjectRef {
    /// System, vendor or service.
    pub kind: ObjectKind,
    /// The id, or the service name.
    pub id: String,
    /// File the object is written in.
    pub file: PathBuf,
    /// Line of the object's entry, or of the reference to a service.
    pub line: u32,
}

/// One gap found in the inventory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable rule id, such as `baa-missing`.
    pub rule: &'static str,
    /// Blocker, warning or notice.
    pub severity: FindingSeverity,
    /// The objects involved, the main one first.
    pub objects: Vec<ObjectRef>,
    /// What is wrong, in one line.
    pub message: String,
    /// What to do about it.
    pub remediation: String,
    /// Security Rule citations, such as `164.308(b)(1)`.
    pub citations: Vec<&'static str>,
    /// The phase whose gate this finding blocks or concerns.
    pub phase: Phase,
    /// A chain of ids that shows the gap, such as a subprocessor path or a dependency cycle.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub path: Vec<String>,
    /// Whether the gap opened only because time passed: a BAA expired, or a restore test or
    /// access review outlived its interval. A phase that was complete before such a finding
    /// appeared has regressed rather than never finished.
    pub lapsed: bool,
}
