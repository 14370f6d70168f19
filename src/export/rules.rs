//! The finding rules by phase, for the "automatic checks" section of a phase plan.
//!
//! The rules themselves live in [`crate::analysis`]; this table names each rule once with the
//! phases whose gate it concerns and what it finds. It matches the rule table in
//! `docs/findings.md`, which a unit test checks.

use crate::model::Phase;

/// One finding rule as a phase plan lists it.
#[derive(Clone, Copy, Debug)]
pub struct RuleInfo {
    /// Stable rule id, such as `baa-missing`.
    pub id: &'static str,
    /// Phases whose gate the rule's findings concern. `dependency-cycle` and `wave-pin-order`
    /// belong to the phase the systems move in, 3 or 5.
    pub phases: &'static [Phase],
    /// Severities the rule reports, such as "blocker or warning".
    pub severity: &'static str,
    /// Summary of the gaps the rule finds.
    pub finds: &'static str,
}

use Phase::{
    DesignLandingZone as P2, MapPhiAndVendors as P1, MigrateProductionEphi as P5,
    MoveLowRiskWorkloads as P3, ValidateControls as P4,
};

/// Every rule, in the order of `docs/findings.md`.
pub const RULES: &[RuleInfo] = &[
    rule(
        "baa-missing",
        &[P1],
        "blocker",
        "a boundary vendor without a signed BAA, or marked not required although ePHI reaches it",
    ),
    rule(
        "baa-expired",
        &[P1],
        "blocker",
        "a signed BAA past its expiry date, for a boundary vendor",
    ),
    rule(
        "baa-expiring",
        &[P1],
        "warning",
        "a signed BAA that expires within the warning window",
    ),
    rule(
        "baa-coverage",
        &[P1],
        "blocker or warning",
        "a BAA whose covered services leave out a service in use",
    ),
    rule(
        "subprocessor-baa-gap",
        &[P1],
        "blocker",
        "a subprocessor reached by ePHI without a BAA",
    ),
    rule(
        "undeclared-ephi",
        &[P1],
        "blocker",
        "a system that receives or sends ePHI without declaring it",
    ),
    rule(
        "real-data-outside-production",
        &[P1],
        "blocker",
        "real patient data outside production at a vendor without a BAA in force",
    ),
    rule(
        "service-not-eligible",
        &[P2],
        "blocker",
        "an ePHI system on a service missing from the provider's eligible list",
    ),
    rule(
        "service-eligibility-unknown",
        &[P2],
        "warning",
        "an ePHI system on Azure with no recorded eligibility",
    ),
    rule(
        "service-unlisted",
        &[P2],
        "notice",
        "a service outside the boundary whose name is close to a listed one",
    ),
    rule(
        "ephi-transport",
        &[P2],
        "blocker",
        "an ePHI flow over the public internet, in plaintext or over TLS below 1.2",
    ),
    rule(
        "ephi-log-sink",
        &[P4],
        "blocker",
        "logs of an ePHI system sent where no BAA or ePHI declaration covers them",
    ),
    rule(
        "encryption-at-rest",
        &[P4],
        "blocker or warning",
        "an ePHI store not encrypted at rest, or not saying",
    ),
    rule(
        "weak-tls",
        &[P4],
        "blocker",
        "an ePHI store accepting TLS below 1.2",
    ),
    rule(
        "public-access",
        &[P4],
        "blocker or warning",
        "an ePHI store readable without authentication, or not saying",
    ),
    rule(
        "wildcard-permissions",
        &[P4],
        "blocker",
        "a policy granting wildcard actions or principals on an ePHI store",
    ),
    rule(
        "versioning-off",
        &[P4],
        "warning",
        "object versioning off or not recorded on ePHI object storage",
    ),
    rule(
        "backup-schedule",
        &[P4],
        "blocker or warning",
        "an ePHI store without automated backups, or backed up less than daily",
    ),
    rule(
        "restore-test",
        &[P4],
        "blocker",
        "backups never restore-tested, or tested too long ago",
    ),
    rule(
        "backup-protection",
        &[P4],
        "blocker",
        "backups less protected than production",
    ),
    rule(
        "retention-rule",
        &[P4],
        "warning",
        "backups with no retention and deletion rule",
    ),
    rule(
        "cross-region-copy",
        &[P4],
        "blocker",
        "no second-region copy where the project requires one",
    ),
    rule(
        "access-review",
        &[P4],
        "blocker or warning",
        "an ePHI store's access review overdue, or not recorded",
    ),
    rule(
        "dependency-cycle",
        &[P3, P5],
        "warning",
        "systems that depend on each other and so move in one wave",
    ),
    rule(
        "wave-pin-order",
        &[P3, P5],
        "blocker",
        "a wave pin earlier than the system's dependencies allow",
    ),
    rule(
        "duplicate-vendor",
        &[P1],
        "warning",
        "two vendor entries that are probably one company",
    ),
];

const fn rule(
    id: &'static str,
    phases: &'static [Phase],
    severity: &'static str,
    finds: &'static str,
) -> RuleInfo {
    RuleInfo {
        id,
        phases,
        severity,
        finds,
    }
}

/// Returns the rules whose findings concern `phase`, in table order.
pub fn rules_of(phase: Phase) -> impl Iterator<Item = &'static RuleInfo> {
    RULES
        .iter()
        .filter(move |rule| rule.phases.contains(&phase))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads the rule table of `docs/findings.md` as (rule id, severity, phase) rows.
    fn documented_rules() -> Vec<(String, String, String)> {
        let text = include_str!("../../docs/findings.md");
        let start = text
            .find("| rule | severity | phase |")
            .expect("rule table");
        text[start..]
            .lines()
            .skip(2)
            .take_while(|line| line.starts_with('|'))
            .map(|line| {
                let cells: Vec<&str> = line.split('|').map(str::trim).collect();
                (
                    cells[1].trim_matches('`').to_owned(),
                    cells[2].to_owned(),
                    cells[3].to_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn table_matches_docs() {
        let documented = documented_rules();
        let ids: Vec<&str> = RULES.iter().map(|rule| rule.id).collect();
        let documented_ids: Vec<&str> = documented.iter().map(|(id, _, _)| id.as_str()).collect();
        assert_eq!(ids, documented_ids);
        for (rule, (id, severity, phases)) in RULES.iter().zip(&documented) {
            let numbers: Vec<String> = rule
                .phases
                .iter()
                .map(|phase| phase.number().to_string())
                .collect();
            assert_eq!(numbers.join(" or "), *phases, "phases of {id}");
            assert_eq!(rule.severity, severity, "severity of {id}");
        }
    }

    #[test]
    fn every_phase_has_rules() {
        for phase in Phase::ALL {
            assert!(rules_of(phase).next().is_some(), "phase {phase:?}");
        }
    }
}
