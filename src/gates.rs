//! Phase gates: the checklist of each migration phase and whether the phase may proceed.
//!
//! Every control of [`controls`] expands into checklist items, one per subject its
//! `applies_to` names:
//! - `project`: one item for the whole migration.
//! - `each_ephi_system`: one per system inside the ePHI boundary.
//! - `each_ephi_store`: one per boundary system that stores data, because its kind stores
//!   data or it has a `storage` section.
//! - `each_ephi_vendor`: one per vendor inside the ePHI boundary.
//! - `each_system`: one per system, inside the boundary or not.
//!
//! Items follow control order, then inventory order of the systems or vendors.
//!
//! An item's state comes from the latest record in the [`ValidationStore`]:
//! - No record, or a `Reset` record: [`ItemState::Open`].
//! - `NotApplicable` with a non-empty justification: [`ItemState::NotApplicable`], which never
//!   expires. Without a justification the record does not count and the item stays open.
//! - `Failed`: [`ItemState::Failed`].
//! - `Validated`: [`ItemState::Validated`] until the control's review interval runs out,
//!   then [`ItemState::Expired`]. The interval is `review_interval_days` when set, otherwise
//!   the `project.yaml` interval that `review_interval` names, otherwise there is none and the
//!   validation never expires. A validation made on day D with an interval of N days counts
//!   through day D+N and is expired from day D+N+1.
//!
//! An item is satisfied when it is `Validated` or `NotApplicable`. A phase's own gate is
//! satisfied when every item is satisfied and no `Blocker` finding of that phase is open.
//! Each phase then gets a [`PhaseState`]:
//! - Phase 1 is never locked. A later phase is `Locked` while the phase before it is
//!   `Locked` or `Open`.
//! - Otherwise the phase is `Complete` when its own gate is satisfied and the phase before it
//!   is `Complete`, which phase 1 treats as true.
//! - Otherwise it is `Regressed` when every item has a `Validated` or `NotApplicable` record,
//!   fresh or expired, and every open blocker finding is one that time opened (a BAA expired,
//!   a restore test or access review outlived its interval; see `Finding::lapsed`). That
//!   happens when a validation expired, such a finding appeared or the phase before it
//!   regressed. Any other blocker means the phase never finished, so it stays `Open`.
//!   NOTE: a non-lapsed blocker that appears after completion, such as a new vendor without a
//!   BAA, shows as `Open` rather than `Regressed`, because the store keeps no history.
//! - Otherwise it is `Open`.
//!
//! So a phase is never `Complete` while the phase before it is not, and a phase whose
//! predecessor regressed stays workable (`Open` or `Regressed`) instead of locking again.

mod control;
mod store;

use std::collections::HashSet;

use serde::Serialize;

use crate::analysis::{Analysis, Boundary, FindingSeverity, InventoryGraph};
use crate::loader::Inventory;
use crate::model::{AppliesTo, CivilDate, ControlEntry, IntervalKind, Phase, ReviewIntervals};

pub use control::{Control, builtin_controls, controls};
pub use store::{MemoryStore, Subject, Validation, ValidationStatus, ValidationStore};

/// State of one checklist item on the evaluation date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    /// Not yet validated, reset, or marked not applicable without a justification.
    Open,
    /// `Validated`, and within the control's review interval.
    Validated,
    /// Marked not applicable with a justification.
    NotApplicable,
    /// Checked and found not to hold.
    Failed,
    /// `Validated`, but the review interval has run out.
    Expired,
}

impl ItemState {
    /// Returns whether the item counts towards its phase's gate.
    pub fn is_satisfied(self) -> bool {
        matches!(self, ItemState::Validated | ItemState::NotApplicable)
    }

    /// Returns whether the item has a `Validated` or `NotApplicable` record, fresh or expired.
    pub fn has_passing_record(self) -> bool {
        matches!(
            self,
            ItemState::Validated | ItemState::NotApplicable | ItemState::Expired
        )
    }

    /// Returns the lowercase words used in text output.
    pub fn label(self) -> &'static str {
        match self {
            ItemState::Open => "open",
            ItemState::Validated => "validated",
            ItemState::NotApplicable => "not applicable",
            ItemState::Failed => "failed",
            ItemState::Expired => "expired",
        }
    }
}

/// One checklist item: a control applied to one subject.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GateItem {
    /// Id of the control, one of [`PhaseGate::controls`].
    pub control: String,
    /// The project, system or vendor the item is about.
    pub subject: Subject,
    /// State on the evaluation date.
    pub state: ItemState,
    /// The latest record, including a `Reset`, `Failed` or unjustified `NotApplicable` one.
    pub validation: Option<Validation>,
    /// Last day a `Validated` record counts, when the control has a review interval. A new
    /// validation is due by this date. It is `None` for other records, for controls without an
    /// interval, and when the date would fall outside the calendar that dates support.
    pub due: Option<CivilDate>,
}

/// State of a phase's gate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PhaseState {
    /// The phase before it is not finished, so its controls cannot be validated yet.
    Locked,
    /// Its controls can be validated, and some are not.
    Open,
    /// Every item is satisfied, no blocker finding is open, and the phase before it is complete.
    Complete,
    /// Every item was validated once, but the phase is not complete any more.
    Regressed,
}

impl PhaseState {
    /// Returns the lowercase word used in text output.
    pub fn label(self) -> &'static str {
        match self {
            PhaseState::Locked => "locked",
            PhaseState::Open => "open",
            PhaseState::Complete => "complete",
            PhaseState::Regressed => "regressed",
        }
    }
}

/// The gate of one phase on the evaluation date.
#[derive(Clone, Debug, Serialize)]
pub struct PhaseGate {
    /// The phase.
    pub phase: Phase,
    /// Whether the phase is locked, open, complete or regressed.
    pub state: PhaseState,
    /// The phase's controls, in catalog order.
    pub controls: Vec<Control>,
    /// The phase's checklist items.
    pub items: Vec<GateItem>,
    /// Indexes into [`Analysis::findings`] of the `Blocker` findings of this phase.
    pub blocking_findings: Vec<usize>,
    /// Number of satisfied items.
    pub done: usize,
    /// Number of items.
    pub total: usize,
    /// For a locked phase, the earliest unfinished phase that keeps it locked and what is left
    /// there, such as "phase 1 (Map PHI and vendors) is not complete: 3 of 14 items not
    /// satisfied, 2 blocking findings".
    pub locked_by: Option<String>,
}

impl PhaseGate {
    /// Returns the control with this id, if the phase has it.
    pub fn control(&self, id: &str) -> Option<&Control> {
        self.controls.iter().find(|control| control.id() == id)
    }

    /// Returns the items of one control, in subject order.
    pub fn items_of<'a>(&'a self, control: &'a str) -> impl Iterator<Item = &'a GateItem> + 'a {
        self.items
            .iter()
            .filter(move |item| item.control == control)
    }
}

/// Evaluates the gate of every phase, in phase order, on `today`.
///
/// `analysis` must come from [`crate::analysis::analyse`] on the same inventory, because the
/// boundary it contains is indexed by the inventory's graph nodes.
pub fn evaluate(
    inventory: &Inventory,
    analysis: &Analysis,
    store: &dyn ValidationStore,
    today: CivilDate,
) -> Vec<PhaseGate> {
    let subjects = Subjects::collect(inventory, &analysis.graph, &analysis.boundary);
    let intervals = inventory
        .project
        .as_ref()
        .map(|project| project.review_intervals.clone())
        .unwrap_or_default();
    let mut all_controls = controls(inventory);

    let mut gates: Vec<PhaseGate> = Vec::with_capacity(Phase::ALL.len());
    for phase in Phase::ALL {
        let split = all_controls
            .iter()
            .position(|control| control.entry.phase != phase)
            .unwrap_or(all_controls.len());
        let phase_controls: Vec<Control> = all_controls.drain(..split).collect();

        let mut items = Vec::new();
        for control in &phase_controls {
            let interval = interval_days(&control.entry, &intervals);
            for subject in subjects.of(control.entry.applies_to) {
                let validation = store.latest(control.id(), subject);
                let (state, due) = item_state(validation, interval, today);
                items.push(GateItem {
                    control: control.id().to_owned(),
                    subject: subject.clone(),
                    state,
                    validation: validation.cloned(),
                    due,
                });
            }
        }

        let blocking_findings: Vec<usize> = analysis
            .findings
            .iter()
            .enumerate()
            .filter(|(_, finding)| {
                finding.severity == FindingSeverity::Blocker && finding.phase == phase
            })
            .map(|(index, _)| index)
            .collect();
        let done = items
            .iter()
            .filter(|item| item.state.is_satisfied())
            .count();
        let total = items.len();
        let own_gate_satisfied = done == total && blocking_findings.is_empty();
        // Without a history of past states, a phase counts as once complete when every item
        // has passed and every open blocker only opened because time passed.
        let could_have_completed = items.iter().all(|item| item.state.has_passing_record())
            && blocking_findings
                .iter()
                .all(|&index| analysis.findings[index].lapsed);

        let previous = gates.last();
        let state = phase_state(
            previous.map(|gate| gate.state),
            own_gate_satisfied,
            could_have_completed,
        );
        let locked_by = match (state, previous) {
            (PhaseState::Locked, Some(previous)) if previous.state == PhaseState::Locked => {
                previous.locked_by.clone()
            }
            (PhaseState::Locked, Some(previous)) => Some(describe_unfinished(previous)),
            _ => None,
        };
        gates.push(PhaseGate {
            phase,
            state,
            controls: phase_controls,
            items,
            blocking_findings,
            done,
            total,
            locked_by,
        });
    }
    gates
}

/// Checks that validations may be recorded for `phase`'s controls.
///
/// # Errors
/// Returns a message naming the unfinished phase when `phase` is locked, or when `gates` has
/// no gate for it.
pub fn check_can_record(gates: &[PhaseGate], phase: Phase) -> Result<(), String> {
    let Some(gate) = gates.iter().find(|gate| gate.phase == phase) else {
        return Err(format!(
            "phase {} ({}) has no gate; evaluate all five phases first",
            phase.number(),
            phase.title()
        ));
    };
    if gate.state != PhaseState::Locked {
        return Ok(());
    }
    let reason = gate
        .locked_by
        .as_deref()
        .unwrap_or("the phase before it is not complete");
    Err(format!(
        "cannot record a validation for phase {} ({}), which is locked because {reason}",
        phase.number(),
        phase.title()
    ))
}

/// Derives a phase's state from its predecessor's state and its own checklist.
fn phase_state(
    previous: Option<PhaseState>,
    own_gate_satisfied: bool,
    could_have_completed: bool,
) -> PhaseState {
    let previous_complete = match previous {
        None | Some(PhaseState::Complete) => true,
        Some(PhaseState::Regressed) => false,
        Some(PhaseState::Locked | PhaseState::Open) => return PhaseState::Locked,
    };
    if own_gate_satisfied && previous_complete {
        PhaseState::Complete
    } else if could_have_completed {
        PhaseState::Regressed
    } else {
        PhaseState::Open
    }
}

/// Describes what keeps an open phase from completing, for [`PhaseGate::locked_by`].
fn describe_unfinished(gate: &PhaseGate) -> String {
    let mut parts = Vec::new();
    let unsatisfied = gate.total - gate.done;
    if unsatisfied > 0 {
        parts.push(format!(
            "{unsatisfied} of {} {} not satisfied",
            gate.total,
            noun(gate.total, "item", "items")
        ));
    }
    let blockers = gate.blocking_findings.len();
    if blockers > 0 {
        parts.push(format!(
            "{blockers} blocking {}",
            noun(blockers, "finding", "findings")
        ));
    }
    format!(
        "phase {} ({}) is not complete: {}",
        gate.phase.number(),
        gate.phase.title(),
        parts.join(", ")
    )
}

/// Returns the singular or plural form of a noun to follow `count`.
fn noun<'a>(count: usize, singular: &'a str, plural: &'a str) -> &'a str {
    if count == 1 { singular } else { plural }
}

/// Returns the number of days a validation of the control stays valid, if it expires.
fn interval_days(entry: &ControlEntry, intervals: &ReviewIntervals) -> Option<u32> {
    entry
        .review_interval_days
        .or(entry.review_interval.map(|kind| match kind {
            IntervalKind::RestoreTest => intervals.restore_test_days,
            IntervalKind::AccessReview => intervals.access_review_days,
        }))
}

/// Derives an item's state and due date from its latest record.
fn item_state(
    validation: Option<&Validation>,
    interval: Option<u32>,
    today: CivilDate,
) -> (ItemState, Option<CivilDate>) {
    let Some(validation) = validation else {
        return (ItemState::Open, None);
    };
    // A record dated after the evaluation date does not count yet.
    if validation.on > today {
        return (ItemState::Open, None);
    }
    match validation.status {
        ValidationStatus::Reset => (ItemState::Open, None),
        ValidationStatus::Failed => (ItemState::Failed, None),
        ValidationStatus::NotApplicable => {
            let justified = validation
                .justification
                .as_deref()
                .is_some_and(|text| !text.trim().is_empty());
            let state = if justified {
                ItemState::NotApplicable
            } else {
                ItemState::Open
            };
            (state, None)
        }
        ValidationStatus::Validated => {
            let due = interval.and_then(|days| last_valid_day(validation.on, days));
            let state = if due.is_some_and(|due| today > due) {
                ItemState::Expired
            } else {
                ItemState::Validated
            };
            (state, due)
        }
    }
}

/// Returns day `on` + `days`, or `None` past the last date that [`CivilDate`] supports.
fn last_valid_day(on: CivilDate, days: u32) -> Option<CivilDate> {
    let span = jiff::Span::new().try_days(i64::from(days)).ok()?;
    on.0.checked_add(span).ok().map(CivilDate)
}

/// The subjects each `applies_to` value expands to, in inventory order.
struct Subjects {
    project: [Subject; 1],
    ephi_systems: Vec<Subject>,
    ephi_stores: Vec<Subject>,
    ephi_vendors: Vec<Subject>,
    systems: Vec<Subject>,
}

impl Subjects {
    /// Sorts systems and vendors into the subject lists. A repeated id, which the loader
    /// reports as an error, yields one subject.
    fn collect(inventory: &Inventory, graph: &InventoryGraph, boundary: &Boundary) -> Self {
        let mut subjects = Subjects {
            project: [Subject::Project],
            ephi_systems: Vec::new(),
            ephi_stores: Vec::new(),
            ephi_vendors: Vec::new(),
            systems: Vec::new(),
        };
        let mut seen_systems = HashSet::new();
        for (index, system) in inventory.systems.iter().enumerate() {
            if !seen_systems.insert(system.id.as_str()) {
                continue;
            }
            let subject = Subject::System(system.id.value.clone());
            let inside = graph
                .systems
                .get(index)
                .is_some_and(|&node| boundary.contains(node));
            if inside {
                subjects.ephi_systems.push(subject.clone());
                if system.kind.stores_data() || system.storage.is_some() {
                    subjects.ephi_stores.push(subject.clone());
                }
            }
            subjects.systems.push(subject);
        }
        let mut seen_vendors = HashSet::new();
        for (index, vendor) in inventory.vendors.iter().enumerate() {
            let inside = graph
                .vendors
                .get(index)
                .is_some_and(|&node| boundary.contains(node));
            if inside && seen_vendors.insert(vendor.id.as_str()) {
                subjects
                    .ephi_vendors
                    .push(Subject::Vendor(vendor.id.value.clone()));
            }
        }
        subjects
    }

    fn of(&self, applies_to: AppliesTo) -> &[Subject] {
        match applies_to {
            AppliesTo::Project => &self.project,
            AppliesTo::EachEphiSystem => &self.ephi_systems,
            AppliesTo::EachEphiStore => &self.ephi_stores,
            AppliesTo::EachEphiVendor => &self.ephi_vendors,
            AppliesTo::EachSystem => &self.systems,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> CivilDate {
        CivilDate::parse(text).expect("valid test date")
    }

    fn record(status: ValidationStatus, on: &str, justification: Option<&str>) -> Validation {
        Validation {
            status,
            by: "Dana Reyes".to_owned(),
            on: date(on),
            evidence: "CHG-1042".to_owned(),
            justification: justification.map(str::to_owned),
        }
    }

    #[test]
    fn missing_record_is_open() {
        assert_eq!(
            item_state(None, Some(30), date("2026-01-01")),
            (ItemState::Open, None)
        );
    }

    #[test]
    fn reset_reopens_item() {
        let reset = record(ValidationStatus::Reset, "2026-01-01", None);
        let state = item_state(Some(&reset), None, date("2026-01-02"));
        assert_eq!(state, (ItemState::Open, None));
    }

    #[test]
    fn failed_record_is_failed() {
        let failed = record(ValidationStatus::Failed, "2026-01-01", None);
        let state = item_state(Some(&failed), Some(30), date("2026-01-02"));
        assert_eq!(state, (ItemState::Failed, None));
    }

    #[test]
    fn not_applicable_needs_justification() {
        let today = date("2026-01-02");
        let cases = [
            (None, ItemState::Open),
            (Some(""), ItemState::Open),
            (Some("  \n"), ItemState::Open),
            (Some("No object storage"), ItemState::NotApplicable),
        ];
        for (justification, expected) in cases {
            let entry = record(ValidationStatus::NotApplicable, "2026-01-01", justification);
            let (state, due) = item_state(Some(&entry), Some(1), today);
            assert_eq!(state, expected, "justification {justification:?}");
            assert_eq!(due, None, "justification {justification:?}");
        }
    }

    #[test]
    fn not_applicable_never_expires() {
        let entry = record(
            ValidationStatus::NotApplicable,
            "2020-01-01",
            Some("No object storage"),
        );
        let state = item_state(Some(&entry), Some(30), date("2026-01-01"));
        assert_eq!(state.0, ItemState::NotApplicable);
    }

    #[test]
    fn validation_valid_through_interval_end() {
        let entry = record(ValidationStatus::Validated, "2026-01-01", None);
        let due = Some(date("2026-01-31"));
        assert_eq!(
            item_state(Some(&entry), Some(30), date("2026-01-31")),
            (ItemState::Validated, due)
        );
        assert_eq!(
            item_state(Some(&entry), Some(30), date("2026-02-01")),
            (ItemState::Expired, due)
        );
    }

    #[test]
    fn zero_interval_lasts_one_day() {
        let entry = record(ValidationStatus::Validated, "2026-03-10", None);
        assert_eq!(
            item_state(Some(&entry), Some(0), date("2026-03-10")).0,
            ItemState::Validated
        );
        assert_eq!(
            item_state(Some(&entry), Some(0), date("2026-03-11")).0,
            ItemState::Expired
        );
    }

    #[test]
    fn no_interval_never_expires() {
        let entry = record(ValidationStatus::Validated, "2000-01-01", None);
        assert_eq!(
            item_state(Some(&entry), None, date("2026-01-01")),
            (ItemState::Validated, None)
        );
    }

    #[test]
    fn huge_interval_never_expires() {
        let entry = record(ValidationStatus::Validated, "2026-01-01", None);
        assert_eq!(
            item_state(Some(&entry), Some(u32::MAX), date("9999-12-31")),
            (ItemState::Validated, None)
        );
    }

    #[test]
    fn explicit_interval_beats_project_interval() {
        let intervals = ReviewIntervals {
            restore_test_days: 30,
            access_review_days: 45,
            baa_expiry_warning_days: 90,
        };
        let mut entry = builtin_controls()
            .iter()
            .find(|entry| entry.id.as_str() == "restore-test")
            .expect("restore-test is built in")
            .clone();
        assert_eq!(interval_days(&entry, &intervals), Some(30));
        entry.review_interval = Some(IntervalKind::AccessReview);
        assert_eq!(interval_days(&entry, &intervals), Some(45));
        entry.review_interval_days = Some(7);
        assert_eq!(interval_days(&entry, &intervals), Some(7));
        entry.review_interval_days = None;
        entry.review_interval = None;
        assert_eq!(interval_days(&entry, &intervals), None);
    }

    #[test]
    fn phase_state_table() {
        use PhaseState::{Complete, Locked, Open, Regressed};
        // (previous, own gate satisfied, every item passed once, expected)
        let cases = [
            (None, true, true, Complete),
            (None, false, true, Regressed),
            (None, false, false, Open),
            (Some(Complete), true, true, Complete),
            (Some(Complete), false, true, Regressed),
            (Some(Complete), false, false, Open),
            (Some(Regressed), true, true, Regressed),
            (Some(Regressed), false, false, Open),
            (Some(Open), true, true, Locked),
            (Some(Locked), true, true, Locked),
        ];
        for (previous, own, passed, expected) in cases {
            assert_eq!(
                phase_state(previous, own, passed),
                expected,
                "previous {previous:?}, own gate {own}, all passed once {passed}"
            );
        }
    }

    #[test]
    fn unfinished_description_counts() {
        let gate = PhaseGate {
            phase: Phase::MapPhiAndVendors,
            state: PhaseState::Open,
            controls: Vec::new(),
            items: Vec::new(),
            blocking_findings: vec![3, 4],
            done: 11,
            total: 14,
            locked_by: None,
        };
        assert_eq!(
            describe_unfinished(&gate),
            "phase 1 (Map PHI and vendors) is not complete: 3 of 14 items not satisfied, \
             2 blocking findings"
        );
        let gate = PhaseGate {
            blocking_findings: vec![0],
            done: 14,
            ..gate
        };
        assert_eq!(
            describe_unfinished(&gate),
            "phase 1 (Map PHI and vendors) is not complete: 1 blocking finding"
        );
    }
}
