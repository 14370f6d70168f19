//! Rules about the shape of the inventory: dependency cycles and vendors entered twice.

use std::collections::{HashMap, HashSet};

use super::Context;
use crate::analysis::finding::{Finding, FindingSeverity};
use crate::model::Phase;

pub fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    cycles(context, findings);
    duplicate_vendors(context, findings);
}

fn cycles(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let systems = &context.inventory.systems;
    let dependencies = context.dependencies;
    for component in dependencies.cycles() {
        let cycle = dependencies.cycle_path(&component);
        let path: Vec<String> = cycle.iter().map(|&i| systems[i].id.value.clone()).collect();
        let objects = component
            .iter()
            .map(|&i| context.system_ref(&systems[i]))
            .collect();
        // The cycle moves in phase 5 when any member is inside the ePHI boundary.
        let phase = if component.iter().any(|&i| context.system_in_boundary(i)) {
            Phase::MigrateProductionEphi
        } else {
            Phase::MoveLowRiskWorkloads
        };
        let (message, remediation) = if component.len() == 1 {
            (
                format!(
                    "`{}` lists itself in `depends_on`",
                    systems[component[0]].id
                ),
                "remove the system from its own `depends_on`".to_owned(),
            )
        } else {
            (
                format!("dependency cycle: {}", path.join(" → ")),
                "these systems must move in the same wave; break the cycle if one of them can \
                 run without the other"
                    .to_owned(),
            )
        };
        findings.push(Finding {
            rule: "dependency-cycle",
            severity: FindingSeverity::Warning,
            objects,
            message,
            remediation,
            citations: Vec::new(),
            phase,
            path,
            lapsed: false,
        });
    }
}

/// Reduces a vendor name to letters and digits, without legal suffixes such as "Inc".
fn normalise_vendor_name(name: &str) -> String {
    const SUFFIXES: [&str; 10] = [
        "inc",
        "llc",
        "ltd",
        "limited",
        "corp",
        "corporation",
        "co",
        "company",
        "gmbh",
        "plc",
    ];
    let words: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect();
    let kept: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .filter(|word| !SUFFIXES.contains(word) && *word != "the")
        .collect();
    kept.concat()
}

/// Reports pairs of vendors whose names are probably spellings of one company.
///
/// Names are compared exactly after normalising, and by Jaro-Winkler similarity within groups
/// that share their first three letters, which keeps the work close to linear.
fn duplicate_vendors(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let vendors = &context.inventory.vendors;
    let normalised: Vec<String> = vendors
        .iter()
        .map(|v| normalise_vendor_name(&v.name))
        .collect();
    let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
    for (index, name) in normalised.iter().enumerate() {
        if !name.is_empty() {
            groups
                .entry(name.chars().take(3).collect())
                .or_default()
                .push(index);
        }
    }
    let mut reported: HashSet<(usize, usize)> = HashSet::new();
    let mut keys: Vec<&String> = groups.keys().collect();
    keys.sort();
    for key in keys {
        let members = &groups[key];
        for (position, &first) in members.iter().enumerate() {
            for &second in &members[position + 1..] {
                let same = normalised[first] == normalised[second]
                    || strsim::jaro_winkler(&normalised[first], &normalised[second]) >= 0.95;
                if !same || !reported.insert((first, second)) {
                    continue;
                }
                let (a, b) = (&vendors[first], &vendors[second]);
                findings.push(Finding {
                    rule: "duplicate-vendor",
                    severity: FindingSeverity::Warning,
                    objects: vec![context.vendor_ref(a), context.vendor_ref(b)],
                    message: format!(
                        "vendors `{}` ({}) and `{}` ({}) are probably the same company",
                        a.id, a.name, b.id, b.name
                    ),
                    remediation: "merge them into one vendor entry so its BAA is tracked once, \
                                  or make the names distinct if they are different companies"
                        .to_owned(),
                    citations: vec!["164.308(b)(1)"],
                    phase: Phase::MapPhiAndVendors,
                    path: Vec::new(),
                    lapsed: false,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::normalise_vendor_name;

    #[test]
    fn legal_suffixes_are_dropped() {
        assert_eq!(normalise_vendor_name("Lumenlog, Inc."), "lumenlog");
        assert_eq!(normalise_vendor_name("LumenLog LLC"), "lumenlog");
        assert_eq!(normalise_vendor_name("The Lumen-Log Company"), "lumenlog");
    }
}
