//! The storage and backup checklist for every store inside the ePHI boundary.

use super::Context;
use crate::analysis::finding::{Finding, FindingSeverity};
use crate::analysis::graph::Node;
use crate::model::{Backup, BackupSchedule, Phase, System, SystemKind, TlsVersion};

/// Builds one checklist finding about `system`; every finding here gates phase 4.
fn finding(
    context: &Context<'_>,
    system: &System,
    rule: &'static str,
    severity: FindingSeverity,
    message: String,
    remediation: &str,
    citations: &[&'static str],
) -> Finding {
    Finding {
        rule,
        severity,
        objects: vec![context.system_ref(system)],
        message,
        remediation: remediation.to_owned(),
        citations: citations.to_vec(),
        phase: Phase::ValidateControls,
        path: Vec::new(),
        lapsed: false,
    }
}

/// Returns whether systems of this kind need their own backups.
fn needs_backup(kind: SystemKind) -> bool {
    matches!(
        kind,
        SystemKind::Database | SystemKind::ObjectStorage | SystemKind::Analytics
    )
}

pub fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    for (index, system) in context.inventory.systems.iter().enumerate() {
        let is_store = system.kind.stores_data() || system.storage.is_some();
        if !context.system_in_boundary(index) || !is_store {
            continue;
        }
        storage(context, system, findings);
        if needs_backup(system.kind) || system.backup.is_some() {
            backup(context, system, findings);
        }
        access_review(context, system, findings);
    }
}

fn storage(context: &Context<'_>, system: &System, findings: &mut Vec<Finding>) {
    let storage = system.storage.clone().unwrap_or_default();
    let id = &system.id;
    match storage.encryption_at_rest {
        Some(true) => {}
        Some(false) => findings.push(finding(
            context,
            system,
            "encryption-at-rest",
            FindingSeverity::Blocker,
            format!("ePHI store `{id}` is not encrypted at rest"),
            "turn on encryption at rest, with customer-managed keys where the risk analysis \
             calls for them",
            &["164.312(a)(2)(iv)"],
        )),
        None => findings.push(finding(
            context,
            system,
            "encryption-at-rest",
            FindingSeverity::Warning,
            format!("ePHI store `{id}` does not record whether it is encrypted at rest"),
            "check the store and record `storage.encryption_at_rest`",
            &["164.312(a)(2)(iv)"],
        )),
    }
    if let Some(version) = storage.min_tls
        && version < TlsVersion::Tls12
    {
        findings.push(finding(
            context,
            system,
            "weak-tls",
            FindingSeverity::Blocker,
            format!("ePHI store `{id}` accepts connections below TLS 1.2"),
            "enforce TLS 1.2 or higher and reject unencrypted requests",
            &["164.312(e)(1)", "164.312(e)(2)(ii)"],
        ));
    }
    match storage.public_access {
        Some(false) => {}
        Some(true) => findings.push(finding(
            context,
            system,
            "public-access",
            FindingSeverity::Blocker,
            format!("ePHI store `{id}` can be read without authentication"),
            "block public access on the store and every object in it",
            &["164.312(a)(1)", "164.308(a)(4)(ii)(B)"],
        )),
        None => findings.push(finding(
            context,
            system,
            "public-access",
            FindingSeverity::Warning,
            format!("ePHI store `{id}` does not record whether it is publicly accessible"),
            "check the store and record `storage.public_access`",
            &["164.312(a)(1)"],
        )),
    }
    if storage.wildcard_permissions == Some(true) {
        findings.push(finding(
            context,
            system,
            "wildcard-permissions",
            FindingSeverity::Blocker,
            format!("ePHI store `{id}` has a policy granting `*` actions or principals"),
            "replace wildcard grants with the least privilege each role needs",
            &["164.312(a)(1)", "164.308(a)(4)(ii)(B)"],
        ));
    }
    if system.kind == SystemKind::ObjectStorage && storage.versioning != Some(true) {
        let state = if storage.versioning == Some(false) {
            "off"
        } else {
            "not recorded"
        };
        findings.push(finding(
            context,
            system,
            "versioning-off",
            FindingSeverity::Warning,
            format!("object versioning on ePHI store `{id}` is {state}"),
            "turn on versioning so overwritten or deleted objects can be recovered",
            &["164.312(c)(1)"],
        ));
    }
}

fn backup(context: &Context<'_>, system: &System, findings: &mut Vec<Finding>) {
    let backup = system.backup.clone().unwrap_or_default();
    let id = &system.id;
    let intervals = context.intervals();
    match backup.schedule {
        None | Some(BackupSchedule::None) => findings.push(finding(
            context,
            system,
            "backup-schedule",
            FindingSeverity::Blocker,
            format!("ePHI store `{id}` has no automated backup schedule"),
            "set up automated backups, daily or more often as the recovery point objective \
             requires, and record `backup.schedule`",
            &["164.308(a)(7)(ii)(A)"],
        )),
        Some(BackupSchedule::Weekly | BackupSchedule::Monthly) => findings.push(finding(
            context,
            system,
            "backup-schedule",
            FindingSeverity::Warning,
            format!("ePHI store `{id}` is backed up less often than daily"),
            "back up daily or more often unless the recovery point objective allows less",
            &["164.308(a)(7)(ii)(A)"],
        )),
        Some(_) => {}
    }
    match &backup.last_restore_test {
        None => findings.push(finding(
            context,
            system,
            "restore-test",
            FindingSeverity::Blocker,
            format!("backups of ePHI store `{id}` have never been restore-tested"),
            "restore a backup end to end, time it against the recovery time objective, and \
             record `backup.last_restore_test`",
            &["164.308(a)(7)(ii)(D)", "164.308(a)(7)(ii)(B)"],
        )),
        Some(date) => {
            let age = context.days_since(date.value);
            if age > i64::from(intervals.restore_test_days) {
                findings.push(Finding {
                    lapsed: true,
                    ..finding(
                        context,
                        system,
                        "restore-test",
                        FindingSeverity::Blocker,
                        format!(
                            "last restore test of `{id}` was on {date}, {age} days ago; the \
                         interval is {} days",
                            intervals.restore_test_days
                        ),
                        "run a restore test and record its date",
                        &["164.308(a)(7)(ii)(D)"],
                    )
                });
            }
        }
    }
    backup_protection(context, system, &backup, findings);
    if backup
        .retention_rule
        .as_deref()
        .is_none_or(|rule| rule.trim().is_empty())
    {
        findings.push(finding(
            context,
            system,
            "retention-rule",
            FindingSeverity::Warning,
            format!("backups of `{id}` have no retention and deletion rule"),
            "define how long backups are kept and automate their deletion",
            &["164.310(d)(2)(i)", "164.316(b)(2)(i)"],
        ));
    }
    let required = context
        .inventory
        .project
        .as_ref()
        .is_some_and(|p| p.cross_region_backup_required);
    if required && backup.cross_region_copy != Some(true) {
        findings.push(finding(
            context,
            system,
            "cross-region-copy",
            FindingSeverity::Blocker,
            format!("backups of `{id}` have no copy in a second region or account"),
            "copy backups to a second region or account, as the recovery plan requires",
            &["164.308(a)(7)(ii)(B)"],
        ));
    }
}

/// Reports backups protected less well than the store they copy.
fn backup_protection(
    context: &Context<'_>,
    system: &System,
    backup: &Backup,
    findings: &mut Vec<Finding>,
) {
    let id = &system.id;
    if backup.encrypted == Some(false) {
        findings.push(finding(
            context,
            system,
            "backup-protection",
            FindingSeverity::Blocker,
            format!("backups of ePHI store `{id}` are not encrypted"),
            "encrypt backups at least as strongly as production",
            &["164.312(a)(2)(iv)", "164.310(d)(2)(iv)"],
        ));
    }
    if backup.access_restricted == Some(false) {
        findings.push(finding(
            context,
            system,
            "backup-protection",
            FindingSeverity::Blocker,
            format!("access to backups of `{id}` is wider than access to production"),
            "restrict backup access to the roles that may restore production",
            &["164.312(a)(1)", "164.310(d)(2)(iv)"],
        ));
    }
    for target in &system.backups_to {
        let Some(Node::System(index)) =
            context.graph.node_of(target).map(|n| context.graph.node(n))
        else {
            continue;
        };
        let vault = &context.inventory.systems[index];
        let weaker = vault.storage.as_ref().is_some_and(|storage| {
            storage.encryption_at_rest == Some(false) || storage.public_access == Some(true)
        });
        if weaker {
            findings.push(Finding {
                objects: vec![context.system_ref(system), context.system_ref(vault)],
                ..finding(
                    context,
                    system,
                    "backup-protection",
                    FindingSeverity::Blocker,
                    format!(
                        "backups of `{id}` go to `{}`, which is unencrypted or public",
                        vault.id
                    ),
                    "protect the backup store at least as well as production",
                    &["164.310(d)(2)(iv)", "164.312(a)(2)(iv)"],
                )
            });
        }
    }
}

fn access_review(context: &Context<'_>, system: &System, findings: &mut Vec<Finding>) {
    let interval = context.intervals().access_review_days;
    let id = &system.id;
    match &system.last_access_review {
        None => findings.push(finding(
            context,
            system,
            "access-review",
            FindingSeverity::Warning,
            format!("ePHI store `{id}` records no access review"),
            "review who can reach the store and record `last_access_review`",
            &["164.308(a)(4)(ii)(C)", "164.308(a)(1)(ii)(D)"],
        )),
        Some(date) => {
            let age = context.days_since(date.value);
            if age > i64::from(interval) {
                findings.push(Finding {
                    lapsed: true,
                    ..finding(
                        context,
                        system,
                        "access-review",
                        FindingSeverity::Blocker,
                        format!(
                            "last access review of `{id}` was on {date}, {age} days ago; the \
                         interval is {interval} days"
                        ),
                        "review access to the store and record the date",
                        &["164.308(a)(4)(ii)(C)", "164.308(a)(1)(ii)(D)"],
                    )
                });
            }
        }
    }
}
