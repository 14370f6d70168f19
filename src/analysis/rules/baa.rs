//! Business Associate Agreement rules: missing, expired, expiring, incomplete coverage and gaps
//! in a subprocessor chain.

use petgraph::Direction;
use petgraph::visit::EdgeRef;

use super::Context;
use crate::analysis::finding::{Finding, FindingSeverity};
use crate::analysis::graph::{Edge, Node};
use crate::model::{BaaStatus, Phase, Vendor, VendorKind};

/// Citations for business associate agreements and subcontractor agreements.
pub const BAA_CITATIONS: [&str; 3] = ["164.308(b)(1)", "164.314(a)(1)", "164.314(a)(2)(i)"];
const SUBCONTRACTOR_CITATIONS: [&str; 3] = ["164.308(b)(1)", "164.314(a)(1)", "164.314(a)(2)(iii)"];

/// Returns whether the vendor's BAA is signed and in force today.
pub fn baa_in_force(context: &Context<'_>, vendor: &Vendor) -> bool {
    vendor.baa.status == BaaStatus::Signed
        && vendor
            .baa
            .expires
            .as_ref()
            .is_none_or(|expires| context.today <= expires.value)
}

pub fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    for (index, vendor) in context.inventory.vendors.iter().enumerate() {
        if !context.vendor_in_boundary(index) {
            continue;
        }
        let node = context.graph.vendors[index];
        let path = context.reach_path(node);
        let via_subprocessor = context
            .boundary
            .reached_by(node)
            .is_some_and(|reach| reach.edge == Edge::Subprocessor);
        let mut objects = vec![context.vendor_ref(vendor)];
        objects.extend(affected_systems(context, index));

        match vendor.baa.status {
            BaaStatus::Signed => {}
            status if via_subprocessor => {
                // The ePHI system the chain starts from is the one affected.
                let mut objects = objects.clone();
                if let Some(source) = path.first().and_then(|id| context.graph.node_of(id)) {
                    objects.push(context.node_ref(source));
                }
                findings.push(Finding {
                    rule: "subprocessor-baa-gap",
                    severity: FindingSeverity::Blocker,
                    objects,
                    message: format!(
                        "subprocessor `{}` receives ePHI through {} but its BAA status is {status}",
                        vendor.id,
                        path.join(" → ")
                    ),
                    remediation: format!(
                        "confirm that `{}`'s business associate has a subcontractor BAA with \
                         `{}`, record it here, or stop the data reaching it",
                        path.get(path.len().saturating_sub(2))
                            .map_or("", String::as_str),
                        vendor.id
                    ),
                    citations: SUBCONTRACTOR_CITATIONS.to_vec(),
                    phase: Phase::MapPhiAndVendors,
                    path: path.clone(),
                    lapsed: false,
                });
                continue;
            }
            BaaStatus::NotRequired => {
                findings.push(Finding {
                    rule: "baa-missing",
                    severity: FindingSeverity::Blocker,
                    objects: objects.clone(),
                    message: format!(
                        "`{}` is marked as not needing a BAA, but ePHI reaches it through {}",
                        vendor.id,
                        path.join(" → ")
                    ),
                    remediation: "sign a BAA with the vendor, or stop the ePHI flow or log \
                                  stream that reaches it"
                        .to_owned(),
                    citations: BAA_CITATIONS.to_vec(),
                    phase: Phase::MapPhiAndVendors,
                    path: path.clone(),
                    lapsed: false,
                });
                continue;
            }
            status => {
                findings.push(Finding {
                    rule: "baa-missing",
                    severity: FindingSeverity::Blocker,
                    objects: objects.clone(),
                    message: format!(
                        "`{}` handles ePHI but its BAA status is {status}",
                        vendor.id
                    ),
                    remediation: if status == BaaStatus::Unknown {
                        "find out whether a BAA exists and record its status and dates".to_owned()
                    } else {
                        "sign a BAA before ePHI reaches the vendor, or stop using it for ePHI"
                            .to_owned()
                    },
                    citations: BAA_CITATIONS.to_vec(),
                    phase: Phase::MapPhiAndVendors,
                    path: path.clone(),
                    lapsed: false,
                });
                continue;
            }
        }

        expiry(context, vendor, &objects, &path, findings);
        coverage(context, index, vendor, findings);
    }
}

/// Reports a signed BAA that has expired or expires within the warning window.
fn expiry(
    context: &Context<'_>,
    vendor: &Vendor,
    objects: &[crate::analysis::ObjectRef],
    path: &[String],
    findings: &mut Vec<Finding>,
) {
    let warning_days = i64::from(context.intervals().baa_expiry_warning_days);
    if let Some(expires) = &vendor.baa.expires {
        let days_left = -context.days_since(expires.value);
        if days_left < 0 {
            findings.push(Finding {
                rule: "baa-expired",
                severity: FindingSeverity::Blocker,
                objects: objects.to_vec(),
                message: format!(
                    "`{}`'s BAA expired on {expires}, {} ago, and it still handles ePHI",
                    vendor.id,
                    days(-days_left)
                ),
                remediation: "renew the BAA and record the new dates, or stop sending ePHI \
                              to the vendor"
                    .to_owned(),
                citations: BAA_CITATIONS.to_vec(),
                phase: Phase::MapPhiAndVendors,
                path: path.to_vec(),
                lapsed: true,
            });
        } else if days_left <= warning_days {
            findings.push(Finding {
                rule: "baa-expiring",
                severity: FindingSeverity::Warning,
                objects: objects.to_vec(),
                message: if days_left == 0 {
                    format!(
                        "`{}`'s BAA expires on {expires}: today is its last day",
                        vendor.id
                    )
                } else {
                    format!(
                        "`{}`'s BAA expires on {expires}, in {}",
                        vendor.id,
                        days(days_left)
                    )
                },
                remediation: "start the renewal now so the agreement does not lapse".to_owned(),
                citations: BAA_CITATIONS.to_vec(),
                phase: Phase::MapPhiAndVendors,
                path: Vec::new(),
                lapsed: false,
            });
        }
    }
}

fn days(count: i64) -> String {
    if count == 1 {
        "1 day".to_owned()
    } else {
        format!("{count} days")
    }
}

/// Returns the boundary systems that send data, logs or backups to the vendor or use it.
fn affected_systems(context: &Context<'_>, vendor_index: usize) -> Vec<crate::analysis::ObjectRef> {
    let node = context.graph.vendors[vendor_index];
    let mut systems: Vec<usize> = context
        .graph
        .graph
        .edges_directed(node, Direction::Incoming)
        .filter_map(|edge| match context.graph.node(edge.source()) {
            Node::System(index) if context.system_in_boundary(index) => Some(index),
            _ => None,
        })
        .collect();
    systems.sort_unstable();
    systems.dedup();
    systems
        .into_iter()
        .map(|index| context.system_ref(&context.inventory.systems[index]))
        .collect()
}

/// Reports services used for ePHI that a signed BAA with a coverage list leaves out.
fn coverage(context: &Context<'_>, index: usize, vendor: &Vendor, findings: &mut Vec<Finding>) {
    if vendor.baa.covers.is_empty() {
        return;
    }
    let covered = |service: &str| {
        vendor
            .baa
            .covers
            .iter()
            .any(|c| c.value.eq_ignore_ascii_case(service))
    };
    let mut uncovered: Vec<(String, Vec<usize>)> = Vec::new();
    if vendor.kind == VendorKind::CloudProvider {
        let node = context.graph.vendors[index];
        for edge in context
            .graph
            .graph
            .edges_directed(node, Direction::Incoming)
        {
            let Node::System(system_index) = context.graph.node(edge.source()) else {
                continue;
            };
            if !context.system_in_boundary(system_index) || *edge.weight() != Edge::UsesVendor {
                continue;
            }
            for service in &context.inventory.systems[system_index].target_services {
                if covered(service) {
                    continue;
                }
                match uncovered
                    .iter_mut()
                    .find(|(name, _)| name == &service.value)
                {
                    Some((_, systems)) => systems.push(system_index),
                    None => uncovered.push((service.value.clone(), vec![system_index])),
                }
            }
        }
    } else {
        for service in &vendor.services {
            if !covered(service) {
                uncovered.push((service.clone(), Vec::new()));
            }
        }
    }
    // A cloud provider's uncovered service is known to carry ePHI, because an ePHI system
    // runs on it. Another vendor's services are not linked to systems, so an uncovered one
    // may be unused for ePHI and is only a warning.
    let known_use = vendor.kind == VendorKind::CloudProvider;
    for (service, systems) in uncovered {
        let mut objects = vec![context.vendor_ref(vendor)];
        objects.extend(
            systems
                .iter()
                .map(|&i| context.system_ref(&context.inventory.systems[i])),
        );
        if !known_use {
            // Which of the vendor's services a system uses is not recorded, so every boundary
            // system that uses the vendor is listed as possibly affected.
            objects.extend(affected_systems(context, index));
        }
        let (severity, message, remediation) = if known_use {
            (
                FindingSeverity::Blocker,
                format!(
                    "`{}`'s BAA does not cover `{service}`, which ePHI systems run on",
                    vendor.id
                ),
                format!(
                    "extend the BAA to cover `{service}`, or move the ePHI off it; if the BAA \
                     covers it already, add it to `baa.covers`"
                ),
            )
        } else {
            (
                FindingSeverity::Warning,
                format!("`{}`'s BAA does not cover `{service}`", vendor.id),
                format!(
                    "if `{service}` handles ePHI, extend the BAA to cover it; if the \
                     organisation does not use it, remove it from the vendor's `services`"
                ),
            )
        };
        findings.push(Finding {
            rule: "baa-coverage",
            severity,
            objects,
            message,
            remediation,
            citations: BAA_CITATIONS.to_vec(),
            phase: Phase::MapPhiAndVendors,
            path: Vec::new(),
            lapsed: false,
        });
    }
}
