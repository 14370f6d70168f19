//! `check` on the bundled Riverbend example finds each planted gap and exits 1.

use std::path::Path;

use assert_cmd::cargo::cargo_bin_cmd;
use hipaa_migrate::analysis::{self, Analysis, FindingSeverity};
use hipaa_migrate::loader;
use hipaa_migrate::model::CivilDate;

const AS_OF: &str = "2026-12-04";

fn riverbend() -> Analysis {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("inventories/riverbend");
    let loaded = loader::load(&dir);
    assert!(!loaded.has_errors(), "{:#?}", loaded.problems);
    analysis::analyse(
        &loaded.inventory,
        CivilDate::parse(AS_OF).expect("valid date"),
    )
}

fn describe(analysis: &Analysis) -> String {
    let lines: Vec<String> = analysis
        .findings
        .iter()
        .map(|f| format!("  {} [{}] {}", f.severity.label(), f.rule, f.message))
        .collect();
    lines.join("\n")
}

/// Asserts a blocker with this rule names this object first.
fn assert_blocker(analysis: &Analysis, rule: &str, object: &str) {
    let found = analysis.findings.iter().any(|f| {
        f.rule == rule
            && f.severity == FindingSeverity::Blocker
            && f.objects.first().is_some_and(|o| o.id == object)
    });
    assert!(
        found,
        "no {rule} blocker on {object}; findings:\n{}",
        describe(analysis)
    );
}

#[test]
fn expired_baa_is_found() {
    assert_blocker(&riverbend(), "baa-expired", "tri-county-lab");
}

#[test]
fn monitoring_saas_without_baa_is_found() {
    let analysis = riverbend();
    assert_blocker(&analysis, "baa-missing", "lumenlog");
    assert_blocker(&analysis, "ephi-log-sink", "clinician-portal");
}

#[test]
fn staging_with_real_data_is_found() {
    assert_blocker(
        &riverbend(),
        "real-data-outside-production",
        "staging-clinical-db",
    );
}

#[test]
fn ineligible_service_is_found() {
    let analysis = riverbend();
    assert_blocker(&analysis, "service-not-eligible", "patient-intake-forms");
    let finding = analysis
        .findings
        .iter()
        .find(|f| f.rule == "service-not-eligible")
        .expect("the finding");
    assert!(
        finding.message.contains("Amazon Lightsail"),
        "{}",
        finding.message
    );
    assert!(
        finding.message.contains("2025-04-16"),
        "{}",
        finding.message
    );
}

#[test]
fn dependency_cycle_is_found() {
    let analysis = riverbend();
    let cycle = analysis
        .findings
        .iter()
        .find(|f| f.rule == "dependency-cycle")
        .unwrap_or_else(|| panic!("no cycle; findings:\n{}", describe(&analysis)));
    assert_eq!(
        cycle.path,
        [
            "appointment-scheduling",
            "patient-notifications",
            "appointment-scheduling"
        ]
    );
}

#[test]
fn subprocessor_gap_shows_chain() {
    let analysis = riverbend();
    let gap = analysis
        .findings
        .iter()
        .find(|f| f.rule == "subprocessor-baa-gap")
        .unwrap_or_else(|| panic!("no chain gap; findings:\n{}", describe(&analysis)));
    assert_eq!(
        gap.path,
        ["patient-notifications", "beacon-messaging", "relaymail"]
    );
}

#[test]
fn check_exits_one_with_blockers() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("inventories/riverbend");
    let output = cargo_bin_cmd!("hipaa-migrate")
        .args(["check", "--format", "json", "--as-of", AS_OF])
        .arg(&dir)
        .output()
        .expect("run hipaa-migrate");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON output");
    assert_eq!(json["version"], 1);
    assert_eq!(json["as_of"], AS_OF);
    assert_eq!(json["valid"], true);
    let blockers = json["summary"]["blockers"].as_u64().expect("blocker count");
    let listed = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] == "blocker")
        .count() as u64;
    assert_eq!(blockers, listed);
    assert!(blockers > 0);
    let phases = json["phases"].as_array().expect("phases");
    assert_eq!(phases.len(), 5);
    assert_eq!(phases[0]["state"], "open");
    assert_eq!(phases[1]["state"], "locked");
}
