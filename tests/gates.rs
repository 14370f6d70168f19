//! Phase gates evaluated on small inventories written to temporary folders: expansion of
//! controls into items, phase states as validations are recorded, expiry, blocker findings
//! and the lock on recording.

use std::fs;
use std::path::Path;

use hipaa_migrate::analysis::{self, Analysis, FindingSeverity};
use hipaa_migrate::gates::PhaseState::{Complete, Locked, Open, Regressed};
use hipaa_migrate::gates::{
    self, ItemState, MemoryStore, PhaseGate, PhaseState, Subject, Validation, ValidationStatus,
};
use hipaa_migrate::loader::{self, Inventory};
use hipaa_migrate::model::{CivilDate, Phase};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use tempfile::TempDir;

const PROJECT: &str = "\
organisation: Test Clinic
migration: Test migration
provider: aws
review_intervals:
  restore_test_days: 30
  access_review_days: 365
";

/// Two ePHI systems (an application and its database) and one internal wiki outside the
/// boundary. The analysis finds no blocker on `TODAY`.
const SYSTEMS: &str = "\
- id: portal
  name: Patient portal
  kind: application
  environment: production
  owner: Web team
  data_classes: [ephi]
  target_services: [Amazon Elastic Container Service (ECS)]
  vendors: [aws]
  depends_on: [patient-db]
  flows:
    - to: patient-db
      data_classes: [ephi]
      transport: tls_1_2_or_higher
  rollback_plan: Switch DNS back to the old VM.
  risk: high

- id: patient-db
  name: Patient database
  kind: database
  environment: production
  owner: Web team
  data_classes: [ephi]
  target_services: [Amazon Relational Database Service (Amazon RDS)]
  vendors: [aws]
  storage:
    encryption_at_rest: true
    key_model: customer_managed
    min_tls: \"1.2\"
    public_access: false
    wildcard_permissions: false
  backup:
    schedule: daily
    last_restore_test: 2026-11-20
    cross_region_copy: true
    retention_rule: Daily recovery points kept 35 days, then deleted
    encrypted: true
    access_restricted: true
  last_access_review: 2026-11-10
  rollback_plan: Restore the latest dump to the old server.
  risk: high

- id: wiki
  name: Staff wiki
  kind: application
  environment: production
  owner: IT
  data_classes: [internal]
  target_services: [Amazon Elastic Container Service (ECS)]
  vendors: [aws]
  risk: low
";

const VENDORS: &str = "\
- id: aws
  name: Amazon Web Services
  kind: cloud_provider
  services: [Amazon Elastic Container Service (ECS),
             Amazon Relational Database Service (Amazon RDS)]
  baa:
    status: signed
    signed: 2026-03-02
    expires: 2029-03-01
";

/// A SaaS mailer without a signed BAA, used by the portal: a phase 1 blocker.
const PENDING_VENDOR: &str = "
- id: mailer
  name: Mailer Inc.
  kind: saas
  services: [Transactional email]
  baa:
    status: pending
";

const TODAY: &str = "2026-12-01";

fn date(text: &str) -> CivilDate {
    CivilDate::parse(text).expect("valid test date")
}

/// An inventory folder, its loaded inventory and its analysis on `TODAY`.
struct Fixture {
    _dir: TempDir,
    inventory: Inventory,
    analysis: Analysis,
}

impl Fixture {
    fn write(systems: &str, vendors: &str, controls: Option<&str>) -> Self {
        let dir = tempfile::tempdir().expect("create temporary folder");
        write_file(dir.path(), "project.yaml", PROJECT);
        write_file(dir.path(), "systems.yaml", systems);
        write_file(dir.path(), "vendors.yaml", vendors);
        if let Some(controls) = controls {
            write_file(dir.path(), "controls.yaml", controls);
        }
        let loaded = loader::load(dir.path());
        let problems: Vec<String> = loaded.problems.iter().map(ToString::to_string).collect();
        assert!(
            !loaded.has_errors(),
            "fixture does not load:\n{problems:#?}"
        );
        let analysis = analysis::analyse(&loaded.inventory, date(TODAY));
        Fixture {
            _dir: dir,
            inventory: loaded.inventory,
            analysis,
        }
    }

    fn clean() -> Self {
        Fixture::write(SYSTEMS, VENDORS, None)
    }

    /// Writes the clean inventory with the portal also using a vendor whose BAA is pending.
    fn with_pending_baa() -> Self {
        let systems = SYSTEMS.replacen("  vendors: [aws]", "  vendors: [aws, mailer]", 1);
        Fixture::write(&systems, &format!("{VENDORS}{PENDING_VENDOR}"), None)
    }

    fn evaluate(&self, store: &MemoryStore, today: &str) -> Vec<PhaseGate> {
        gates::evaluate(&self.inventory, &self.analysis, store, date(today))
    }

    fn blockers(&self, phase: Phase) -> Vec<String> {
        self.analysis
            .findings
            .iter()
            .filter(|finding| finding.severity == FindingSeverity::Blocker)
            .filter(|finding| finding.phase == phase)
            .map(|finding| format!("{}: {}", finding.rule, finding.message))
            .collect()
    }
}

fn write_file(dir: &Path, name: &str, text: &str) {
    fs::write(dir.join(name), text).expect("write fixture file");
}

fn validation(status: ValidationStatus, on: &str, justification: Option<&str>) -> Validation {
    Validation {
        status,
        by: "Dana Reyes".to_owned(),
        on: date(on),
        evidence: "CHG-1042".to_owned(),
        justification: justification.map(str::to_owned),
    }
}

/// Records a validation on `on` for every item of `phase`.
fn validate_phase(store: &mut MemoryStore, gates: &[PhaseGate], phase: Phase, on: &str) {
    for item in &gate(gates, phase).items {
        store.record(
            &item.control,
            item.subject.clone(),
            validation(ValidationStatus::Validated, on, None),
        );
    }
}

fn gate(gates: &[PhaseGate], phase: Phase) -> &PhaseGate {
    gates
        .iter()
        .find(|gate| gate.phase == phase)
        .expect("evaluate returns a gate for every phase")
}

fn states(gates: &[PhaseGate]) -> Vec<PhaseState> {
    gates.iter().map(|gate| gate.state).collect()
}

fn subjects_of(gates: &[PhaseGate], phase: Phase, control: &str) -> Vec<String> {
    gate(gates, phase)
        .items_of(control)
        .map(|item| item.subject.to_string())
        .collect()
}

#[test]
fn fixture_has_no_blockers() {
    let fixture = Fixture::clean();
    for phase in Phase::ALL {
        assert_eq!(
            fixture.blockers(phase),
            Vec::<String>::new(),
            "phase {}",
            phase.number()
        );
    }
}

#[test]
fn gates_follow_phase_order() {
    let fixture = Fixture::clean();
    let gates = fixture.evaluate(&MemoryStore::new(), TODAY);
    let phases: Vec<Phase> = gates.iter().map(|gate| gate.phase).collect();
    assert_eq!(phases, Phase::ALL);
    for gate in &gates {
        assert!(
            gate.controls.iter().all(|c| c.entry.phase == gate.phase),
            "phase {} holds a control of another phase",
            gate.phase.number()
        );
        assert_eq!(gate.total, gate.items.len());
    }
}

#[test]
fn controls_expand_per_subject() {
    let fixture = Fixture::clean();
    let gates = fixture.evaluate(&MemoryStore::new(), TODAY);
    assert_eq!(
        subjects_of(&gates, Phase::MapPhiAndVendors, "data-inventory"),
        ["project"]
    );
    assert_eq!(
        subjects_of(&gates, Phase::MapPhiAndVendors, "system-data-classified"),
        ["system portal", "system patient-db", "system wiki"]
    );
    assert_eq!(
        subjects_of(&gates, Phase::MapPhiAndVendors, "baa-signed"),
        ["vendor aws"]
    );
    assert_eq!(
        subjects_of(&gates, Phase::ValidateControls, "restore-test"),
        ["system patient-db"]
    );
    assert_eq!(
        subjects_of(&gates, Phase::MigrateProductionEphi, "rollback-plan-tested"),
        ["system portal", "system patient-db"]
    );
}

#[test]
fn fresh_inventory_opens_phase_one() {
    let fixture = Fixture::clean();
    let gates = fixture.evaluate(&MemoryStore::new(), TODAY);
    assert_eq!(states(&gates), [Open, Locked, Locked, Locked, Locked]);

    let first = gate(&gates, Phase::MapPhiAndVendors);
    assert_eq!(first.done, 0);
    assert!(first.total > 0);
    assert!(first.items.iter().all(|item| item.state == ItemState::Open));
    assert_eq!(first.locked_by, None);

    let expected = format!(
        "phase 1 (Map PHI and vendors) is not complete: {0} of {0} items not satisfied",
        first.total
    );
    for gate in &gates[1..] {
        assert_eq!(
            gate.locked_by.as_deref(),
            Some(expected.as_str()),
            "phase {}",
            gate.phase.number()
        );
    }
}

#[test]
fn validated_phase_one_opens_phase_two() {
    let fixture = Fixture::clean();
    let mut store = MemoryStore::new();
    let gates = fixture.evaluate(&store, TODAY);
    validate_phase(&mut store, &gates, Phase::MapPhiAndVendors, TODAY);

    let gates = fixture.evaluate(&store, TODAY);
    assert_eq!(states(&gates), [Complete, Open, Locked, Locked, Locked]);
    let first = gate(&gates, Phase::MapPhiAndVendors);
    assert_eq!(first.done, first.total);
    assert!(
        gate(&gates, Phase::MoveLowRiskWorkloads)
            .locked_by
            .as_deref()
            .is_some_and(|text| text.starts_with("phase 2 (Design the landing zone)")),
        "{:?}",
        gate(&gates, Phase::MoveLowRiskWorkloads).locked_by
    );
}

#[test]
fn blocker_keeps_phase_one_incomplete() {
    let fixture = Fixture::with_pending_baa();
    let blockers = fixture.blockers(Phase::MapPhiAndVendors);
    assert!(!blockers.is_empty(), "a pending BAA is a phase 1 blocker");

    let mut store = MemoryStore::new();
    let gates = fixture.evaluate(&store, TODAY);
    let first = gate(&gates, Phase::MapPhiAndVendors);
    assert_eq!(first.blocking_findings.len(), blockers.len());
    for &index in &first.blocking_findings {
        let finding = &fixture.analysis.findings[index];
        assert_eq!(finding.severity, FindingSeverity::Blocker);
        assert_eq!(finding.phase, Phase::MapPhiAndVendors);
    }
    assert_eq!(
        subjects_of(&gates, Phase::MapPhiAndVendors, "baa-signed"),
        ["vendor aws", "vendor mailer"]
    );

    let gates = fixture.evaluate(&store, TODAY);
    validate_phase(&mut store, &gates, Phase::MapPhiAndVendors, TODAY);
    let gates = fixture.evaluate(&store, TODAY);
    let first = gate(&gates, Phase::MapPhiAndVendors);
    assert_eq!(first.done, first.total);
    // The pending BAA was never resolved, so the phase never finished: it is open, not
    // regressed, and phase 2 stays locked.
    assert_eq!(first.state, PhaseState::Open);
    assert_eq!(
        gate(&gates, Phase::DesignLandingZone).state,
        PhaseState::Locked
    );
}

#[test]
fn unjustified_not_applicable_stays_open() {
    let fixture = Fixture::clean();
    let mut store = MemoryStore::new();
    let gates = fixture.evaluate(&store, TODAY);
    validate_phase(&mut store, &gates, Phase::MapPhiAndVendors, TODAY);
    let wiki = Subject::System("wiki".to_owned());
    store.record(
        "system-data-classified",
        wiki.clone(),
        validation(ValidationStatus::NotApplicable, TODAY, None),
    );

    let gates = fixture.evaluate(&store, TODAY);
    let first = gate(&gates, Phase::MapPhiAndVendors);
    assert_eq!(first.state, PhaseState::Open);
    assert_eq!(first.done, first.total - 1);
    let item = first
        .items
        .iter()
        .find(|item| item.control == "system-data-classified" && item.subject == wiki)
        .expect("the wiki has a classification item");
    assert_eq!(item.state, ItemState::Open);
    assert_eq!(
        item.validation.as_ref().map(|v| v.status),
        Some(ValidationStatus::NotApplicable)
    );
    assert_eq!(
        gate(&gates, Phase::DesignLandingZone).state,
        PhaseState::Locked
    );

    store.record(
        "system-data-classified",
        wiki,
        validation(
            ValidationStatus::NotApplicable,
            TODAY,
            Some("The wiki holds staff procedures only."),
        ),
    );
    let gates = fixture.evaluate(&store, TODAY);
    assert_eq!(
        gate(&gates, Phase::MapPhiAndVendors).state,
        PhaseState::Complete
    );
}

/// Validates phases 1 to 4 in order on `on`.
fn validate_through_phase_four(fixture: &Fixture, store: &mut MemoryStore, on: &str) {
    for phase in &Phase::ALL[..4] {
        let gates = fixture.evaluate(store, on);
        validate_phase(store, &gates, *phase, on);
    }
}

#[test]
fn expired_restore_test_regresses_phase() {
    let fixture = Fixture::clean();
    let mut store = MemoryStore::new();
    validate_through_phase_four(&fixture, &mut store, "2026-11-01");

    // restore_test_days is 30, so the restore test of 2026-11-01 counts through 2026-12-01.
    let gates = fixture.evaluate(&store, "2026-12-01");
    assert_eq!(
        states(&gates),
        [Complete, Complete, Complete, Complete, Open]
    );

    let gates = fixture.evaluate(&store, "2026-12-02");
    assert_eq!(
        states(&gates),
        [Complete, Complete, Complete, Regressed, Open]
    );
    let fourth = gate(&gates, Phase::ValidateControls);
    let expired: Vec<(&str, String)> = fourth
        .items
        .iter()
        .filter(|item| item.state == ItemState::Expired)
        .map(|item| (item.control.as_str(), item.subject.to_string()))
        .collect();
    assert_eq!(expired, [("restore-test", "system patient-db".to_owned())]);
    let restore = fourth
        .items_of("restore-test")
        .next()
        .expect("patient-db has a restore test item");
    assert_eq!(restore.due, Some(date("2026-12-01")));
    assert_eq!(fourth.done, fourth.total - 1);
    assert_eq!(fourth.locked_by, None);

    store.record(
        "restore-test",
        Subject::System("patient-db".to_owned()),
        validation(ValidationStatus::Validated, "2026-12-02", None),
    );
    let gates = fixture.evaluate(&store, "2026-12-02");
    assert_eq!(gate(&gates, Phase::ValidateControls).state, Complete);
}

#[test]
fn regressed_phase_keeps_later_phases_incomplete() {
    let fixture = Fixture::clean();
    let mut store = MemoryStore::new();
    validate_through_phase_four(&fixture, &mut store, "2026-11-01");
    let gates = fixture.evaluate(&store, "2026-11-01");
    validate_phase(
        &mut store,
        &gates,
        Phase::MigrateProductionEphi,
        "2026-11-01",
    );

    let gates = fixture.evaluate(&store, "2026-11-15");
    assert_eq!(
        gate(&gates, Phase::MigrateProductionEphi).state,
        PhaseState::Complete
    );
    let gates = fixture.evaluate(&store, "2026-12-02");
    assert_eq!(
        gate(&gates, Phase::ValidateControls).state,
        PhaseState::Regressed
    );
    assert_eq!(
        gate(&gates, Phase::MigrateProductionEphi).state,
        PhaseState::Regressed
    );
}

#[test]
fn failed_item_reopens_phase() {
    let fixture = Fixture::clean();
    let mut store = MemoryStore::new();
    let gates = fixture.evaluate(&store, TODAY);
    validate_phase(&mut store, &gates, Phase::MapPhiAndVendors, TODAY);
    store.record(
        "baa-signed",
        Subject::Vendor("aws".to_owned()),
        validation(ValidationStatus::Failed, TODAY, None),
    );
    let gates = fixture.evaluate(&store, TODAY);
    assert_eq!(
        gate(&gates, Phase::MapPhiAndVendors).state,
        PhaseState::Open
    );
    assert_eq!(
        gate(&gates, Phase::DesignLandingZone).state,
        PhaseState::Locked
    );

    store.record(
        "baa-signed",
        Subject::Vendor("aws".to_owned()),
        validation(ValidationStatus::Reset, TODAY, None),
    );
    let gates = fixture.evaluate(&store, TODAY);
    let item = gate(&gates, Phase::MapPhiAndVendors)
        .items_of("baa-signed")
        .next()
        .expect("aws has a BAA item");
    assert_eq!(item.state, ItemState::Open);
}

#[test]
fn check_can_record_names_open_gate() {
    let fixture = Fixture::clean();
    let mut store = MemoryStore::new();
    let gates = fixture.evaluate(&store, TODAY);
    assert_eq!(
        gates::check_can_record(&gates, Phase::MapPhiAndVendors),
        Ok(())
    );

    let error = gates::check_can_record(&gates, Phase::MoveLowRiskWorkloads)
        .expect_err("phase 3 is locked");
    assert!(
        error.starts_with(
            "cannot record a validation for phase 3 (Move low-risk workloads first), which is \
             locked because phase 1 (Map PHI and vendors) is not complete: "
        ),
        "{error}"
    );

    validate_phase(&mut store, &gates, Phase::MapPhiAndVendors, TODAY);
    let gates = fixture.evaluate(&store, TODAY);
    assert_eq!(
        gates::check_can_record(&gates, Phase::DesignLandingZone),
        Ok(())
    );
    let error = gates::check_can_record(&gates, Phase::MoveLowRiskWorkloads)
        .expect_err("phase 3 is still locked");
    assert!(
        error.contains("because phase 2 (Design the landing zone) is not complete"),
        "{error}"
    );
    assert!(gates::check_can_record(&[], Phase::MapPhiAndVendors).is_err());
}

#[test]
fn inventory_controls_join_gates() {
    let controls = "\
- id: restore-test
  phase: validate_controls
  title: Weekly restore test
  citations: [\"164.308(a)(7)(ii)(D)\"]
  applies_to: each_ephi_store
  review_interval_days: 7

- id: vendor-security-review
  phase: map_phi_and_vendors
  title: Security questionnaire reviewed
  citations: [\"164.308(b)(1)\"]
  applies_to: each_ephi_vendor
";
    let fixture = Fixture::write(SYSTEMS, VENDORS, Some(controls));
    let mut store = MemoryStore::new();
    let gates = fixture.evaluate(&store, TODAY);
    assert_eq!(
        subjects_of(&gates, Phase::MapPhiAndVendors, "vendor-security-review"),
        ["vendor aws"]
    );
    let added = gate(&gates, Phase::MapPhiAndVendors)
        .control("vendor-security-review")
        .expect("the added control is in phase 1");
    assert!(!added.builtin);
    let replaced = gate(&gates, Phase::ValidateControls)
        .control("restore-test")
        .expect("restore-test stays in phase 4");
    assert_eq!(replaced.entry.title, "Weekly restore test");
    assert!(!replaced.builtin);

    store.record(
        "restore-test",
        Subject::System("patient-db".to_owned()),
        validation(ValidationStatus::Validated, "2026-11-20", None),
    );
    let gates = fixture.evaluate(&store, TODAY);
    let item = gate(&gates, Phase::ValidateControls)
        .items_of("restore-test")
        .next()
        .expect("patient-db has a restore test item");
    assert_eq!(item.state, ItemState::Expired);
    assert_eq!(item.due, Some(date("2026-11-27")));
}

/// How one item's record is set in a generated case.
#[derive(Clone, Copy, Debug)]
enum Choice {
    Nothing,
    Validated { days_ago: u16 },
    Failed,
    NotApplicable { justified: bool },
    Reset,
}

fn choice() -> impl Strategy<Value = Choice> {
    prop_oneof![
        1 => Just(Choice::Nothing),
        6 => (0u16..120).prop_map(|days_ago| Choice::Validated { days_ago }),
        1 => Just(Choice::Failed),
        1 => any::<bool>().prop_map(|justified| Choice::NotApplicable { justified }),
        1 => Just(Choice::Reset),
    ]
}

/// How the items of one phase are set in a generated case. Purely random choices almost
/// never satisfy a whole phase, so most phases take one of the uniform modes, which produce
/// long chains of complete phases and phases that regress.
#[derive(Clone, Copy, Debug)]
enum PhaseMode {
    /// Each item takes its own random choice.
    Random,
    /// Every item is validated on the evaluation date.
    Fresh,
    /// Every item was validated 45 days before the evaluation date, past the fixture's 30-day
    /// restore test interval.
    Aged,
}

fn phase_mode() -> impl Strategy<Value = PhaseMode> {
    prop_oneof![
        Just(PhaseMode::Random),
        Just(PhaseMode::Fresh),
        Just(PhaseMode::Aged),
    ]
}

/// Returns the record a choice stands for, dated relative to `today`.
fn record_for(choice: Choice, today: CivilDate) -> Option<Validation> {
    let (status, days_ago, justification) = match choice {
        Choice::Nothing => return None,
        Choice::Validated { days_ago } => (ValidationStatus::Validated, days_ago, None),
        Choice::Failed => (ValidationStatus::Failed, 0, None),
        Choice::NotApplicable { justified } => (
            ValidationStatus::NotApplicable,
            0,
            justified.then_some("Does not apply here."),
        ),
        Choice::Reset => (ValidationStatus::Reset, 0, None),
    };
    let on = today
        .0
        .checked_sub(jiff::Span::new().days(i64::from(days_ago)))
        .map(CivilDate)
        .expect("a date within range");
    Some(Validation {
        status,
        by: "Dana Reyes".to_owned(),
        on,
        evidence: "CHG-1042".to_owned(),
        justification: justification.map(str::to_owned),
    })
}

/// Checks the ordering rules of phase states that every evaluation must keep.
fn check_order(gates: &[PhaseGate]) -> Result<(), TestCaseError> {
    prop_assert_ne!(gates[0].state, PhaseState::Locked);
    for pair in gates.windows(2) {
        let (previous, next) = (&pair[0], &pair[1]);
        if next.state == PhaseState::Complete {
            prop_assert_eq!(
                previous.state,
                PhaseState::Complete,
                "phase {} is complete after a {} phase",
                next.phase.number(),
                previous.state.label()
            );
        }
        let previous_unfinished = matches!(previous.state, PhaseState::Locked | PhaseState::Open);
        prop_assert_eq!(next.state == PhaseState::Locked, previous_unfinished);
    }
    for gate in gates {
        if gate.state == PhaseState::Complete {
            prop_assert_eq!(gate.done, gate.total);
            prop_assert!(gate.blocking_findings.is_empty());
        }
        prop_assert_eq!(gate.state == PhaseState::Locked, gate.locked_by.is_some());
    }
    Ok(())
}

#[test]
fn complete_phase_never_follows_incomplete() {
    let fixtures = [Fixture::clean(), Fixture::with_pending_baa()];
    for fixture in &fixtures {
        let items: Vec<(String, Subject, Phase)> = fixture
            .evaluate(&MemoryStore::new(), TODAY)
            .iter()
            .flat_map(|gate| {
                gate.items
                    .iter()
                    .map(|item| (item.control.clone(), item.subject.clone(), gate.phase))
            })
            .collect();
        let strategy = (
            prop::collection::vec(choice(), items.len()),
            prop::array::uniform5(phase_mode()),
            0u16..60,
        );
        // A runner counts passed cases over all its runs, so each fixture gets its own.
        let mut runner = TestRunner::new(Config {
            cases: 256,
            ..Config::default()
        });
        runner
            .run(&strategy, |(choices, modes, days_later)| {
                let today = date(TODAY)
                    .0
                    .checked_add(jiff::Span::new().days(i64::from(days_later)))
                    .map(CivilDate)
                    .expect("a date within range");
                let mut store = MemoryStore::new();
                for ((control, subject, phase), choice) in items.iter().zip(&choices) {
                    let choice = match modes[phase.number() as usize - 1] {
                        PhaseMode::Random => *choice,
                        PhaseMode::Fresh => Choice::Validated { days_ago: 0 },
                        PhaseMode::Aged => Choice::Validated { days_ago: 45 },
                    };
                    if let Some(validation) = record_for(choice, today) {
                        store.record(control, subject.clone(), validation);
                    }
                }
                let gates = gates::evaluate(&fixture.inventory, &fixture.analysis, &store, today);
                check_order(&gates)
            })
            .expect("phase states keep their order");
    }
}
