//! Rules about the shape of the inventory: dependency cycles and vendors entered twice.

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
/// Names are normalised and sorted, and each is compared with the next few in sorted order
/// (the sorted-neighbourhood method): exact matches and typos that keep the first letters end
/// up close together, and the work stays near-linear even for thousands of similar names.
fn duplicate_vendors(context: &Context<'_>, findings: &mut Vec<Finding>) {
    const WINDOW: usize = 4;
    let vendors = &context.inventory.vendors;
    let normalised: Vec<String> = vendors
        .iter()
        .map(|v| normalise_vendor_name(&v.name))
        .collect();
    let mut order: Vec<usize> = (0..vendors.len())
        .filter(|&i| !normalised[i].is_empty())
        .collect();
    order.sort_by(|&a, &b| normalised[a].cmp(&normalised[b]).then(a.cmp(&b)));
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for (position, &first) in order.iter().enumerate() {
        for &second in order.iter().skip(position + 1).take(WINDOW) {
            let (a, b) = (&normalised[first], &normalised[second]);
            // Names that differ in their digits ("Clinic 1", "Clinic 2") are different
            // companies however alike the letters are.
            let digits = |name: &str| {
                name.chars()
                    .filter(char::is_ascii_digit)
                    .collect::<String>()
            };
            let same = a == b || (digits(a) == digits(b) && strsim::jaro_winkler(a, b) >= 0.95);
            if same {
                pairs.push((first.min(second), first.max(second)));
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    for (first, second) in pairs {
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
