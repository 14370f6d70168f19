//! Rules about where ePHI goes: undeclared ePHI, ineligible services, real patient data
//! outside production, logs leaving the boundary and flows without strong transport.

use super::Context;
use super::baa::{BAA_CITATIONS, baa_in_force};
use crate::analysis::finding::{Finding, FindingSeverity, ObjectKind, ObjectRef};
use crate::analysis::graph::{Edge, Node};
use crate::catalog::{self, Provider};
use crate::model::{DataClass, Environment, Phase, System, Transport};

pub fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    for (index, system) in context.inventory.systems.iter().enumerate() {
        if !context.system_in_boundary(index) {
            unlisted_services(context, system, findings);
            continue;
        }
        undeclared_ephi(context, index, system, findings);
        eligibility(context, system, findings);
        real_data_outside_production(context, index, system, findings);
        log_sinks(context, system, findings);
        transport(context, system, findings);
    }
}

fn undeclared_ephi(
    context: &Context<'_>,
    index: usize,
    system: &System,
    findings: &mut Vec<Finding>,
) {
    if system.declares_ephi() || system.real_patient_data {
        return;
    }
    let node = context.graph.systems[index];
    let Some(reach) = context.boundary.reached_by(node) else {
        sends_undeclared_ephi(context, system, findings);
        return;
    };
    let how = match reach.edge {
        Edge::Flow(_) => "an ePHI data flow",
        Edge::LogsTo => "logs",
        Edge::BackupsTo => "backups",
        _ => "a link",
    };
    let source = context.node_id(reach.from);
    findings.push(Finding {
        rule: "undeclared-ephi",
        severity: FindingSeverity::Blocker,
        objects: vec![context.system_ref(system), context.node_ref(reach.from)],
        message: format!(
            "`{}` receives ePHI from `{source}` through {how} but does not list `ephi` in \
             `data_classes`",
            system.id
        ),
        remediation: format!(
            "add `ephi` to `{}`'s data classes so every ePHI control applies to it, or stop the \
             ePHI reaching it",
            system.id
        ),
        citations: vec!["164.308(a)(1)(ii)(A)"],
        phase: Phase::MapPhiAndVendors,
        path: context.reach_path(node),
        lapsed: false,
    });
}

/// Reports a system that sends ePHI in a flow without declaring it.
fn sends_undeclared_ephi(context: &Context<'_>, system: &System, findings: &mut Vec<Finding>) {
    let Some(flow) = system
        .flows
        .iter()
        .find(|flow| flow.data_classes.contains(&DataClass::Ephi))
    else {
        return;
    };
    findings.push(Finding {
        rule: "undeclared-ephi",
        severity: FindingSeverity::Blocker,
        objects: vec![context.system_ref(system)],
        message: format!(
            "`{}` sends ePHI to `{}` but does not list `ephi` in `data_classes`",
            system.id, flow.to
        ),
        remediation: format!(
            "add `ephi` to `{}`'s data classes so every ePHI control applies to it",
            system.id
        ),
        citations: vec!["164.308(a)(1)(ii)(A)"],
        phase: Phase::MapPhiAndVendors,
        path: vec![system.id.value.clone(), flow.to.value.clone()],
        lapsed: false,
    });
}

/// The eligibility of one service, with the list or entry the verdict comes from.
enum Verdict {
    Eligible,
    NotEligible {
        list: String,
        suggestion: Option<String>,
    },
    Unknown {
        reason: String,
    },
}

fn verdict(context: &Context<'_>, provider: Provider, service: &str) -> Verdict {
    let declared =
        context.inventory.services.iter().find(|entry| {
            entry.provider == provider && entry.name.value.eq_ignore_ascii_case(service)
        });
    if let Some(entry) = declared {
        return if entry.eligible {
            Verdict::Eligible
        } else {
            Verdict::NotEligible {
                list: format!("services.yaml ({}, confirmed {})", entry.source, entry.date),
                suggestion: None,
            }
        };
    }
    let list = catalog::eligibility_list(provider);
    if provider == Provider::Azure {
        return Verdict::Unknown {
            reason: "Microsoft publishes no per-service HIPAA list for Azure, and services.yaml \
                     does not state this service's eligibility"
                .to_owned(),
        };
    }
    if list.find(service).is_some() {
        return Verdict::Eligible;
    }
    Verdict::NotEligible {
        list: format!("{} of {}", list.title, list.date),
        suggestion: list.closest(service).map(str::to_owned),
    }
}

fn eligibility(context: &Context<'_>, system: &System, findings: &mut Vec<Finding>) {
    let Some(project) = &context.inventory.project else {
        return;
    };
    for service in &system.target_services {
        let objects = vec![
            context.system_ref(system),
            ObjectRef {
                kind: ObjectKind::Service,
                id: service.value.clone(),
                file: context.inventory.path(system.origin.file).to_path_buf(),
                line: service.pos.line,
            },
        ];
        match verdict(context, project.provider, service) {
            Verdict::Eligible => {}
            Verdict::NotEligible { list, suggestion } => {
                let remediation = match suggestion {
                    Some(name) => format!(
                        "if you meant `{name}`, spell it as the list does; otherwise choose an \
                         eligible service, or record in services.yaml where the provider \
                         confirmed eligibility"
                    ),
                    None => "choose an eligible service for ePHI, or record in services.yaml \
                             where the provider confirmed eligibility"
                        .to_owned(),
                };
                findings.push(Finding {
                    rule: "service-not-eligible",
                    severity: FindingSeverity::Blocker,
                    objects,
                    message: format!(
                        "`{}` handles ePHI on `{service}`, which is not on {list}",
                        system.id
                    ),
                    remediation,
                    citations: BAA_CITATIONS.to_vec(),
                    phase: Phase::DesignLandingZone,
                    path: Vec::new(),
                    lapsed: false,
                });
            }
            Verdict::Unknown { reason } => findings.push(Finding {
                rule: "service-eligibility-unknown",
                severity: FindingSeverity::Warning,
                objects,
                message: format!(
                    "eligibility of `{service}` for `{}` is unknown: {reason}",
                    system.id
                ),
                remediation: "confirm the service is in scope of the provider's BAA and record \
                              it in services.yaml with the source and date"
                    .to_owned(),
                citations: BAA_CITATIONS.to_vec(),
                phase: Phase::DesignLandingZone,
                path: Vec::new(),
                lapsed: false,
            }),
        }
    }
}

/// Notes services of systems outside the boundary that are not on the provider's list but
/// close to a listed name, which is most often a misspelling. A service far from every listed
/// name is simply not HIPAA eligible, which does not matter outside the boundary.
fn unlisted_services(context: &Context<'_>, system: &System, findings: &mut Vec<Finding>) {
    let Some(project) = &context.inventory.project else {
        return;
    };
    for service in &system.target_services {
        let Verdict::NotEligible {
            list,
            suggestion: Some(name),
        } = verdict(context, project.provider, service)
        else {
            continue;
        };
        let remediation = format!("if you meant `{name}`, spell it as the list does");
        findings.push(Finding {
            rule: "service-unlisted",
            severity: FindingSeverity::Notice,
            objects: vec![
                context.system_ref(system),
                ObjectRef {
                    kind: ObjectKind::Service,
                    id: service.value.clone(),
                    file: context.inventory.path(system.origin.file).to_path_buf(),
                    line: service.pos.line,
                },
            ],
            message: format!("`{}` uses `{service}`, which is not on {list}", system.id),
            remediation,
            citations: Vec::new(),
            phase: Phase::DesignLandingZone,
            path: Vec::new(),
            lapsed: false,
        });
    }
}

fn real_data_outside_production(
    context: &Context<'_>,
    index: usize,
    system: &System,
    findings: &mut Vec<Finding>,
) {
    if system.environment == Environment::Production || !system.real_patient_data {
        return;
    }
    let node = context.graph.systems[index];
    let mut lacking: Vec<usize> = context
        .graph
        .graph
        .neighbors(node)
        .filter_map(|target| match context.graph.node(target) {
            Node::Vendor(vendor) if !baa_in_force(context, &context.inventory.vendors[vendor]) => {
                Some(vendor)
            }
            _ => None,
        })
        .collect();
    lacking.sort_unstable();
    lacking.dedup();
    if lacking.is_empty() {
        return;
    }
    let mut objects = vec![context.system_ref(system)];
    objects.extend(
        lacking
            .iter()
            .map(|&v| context.vendor_ref(&context.inventory.vendors[v])),
    );
    let names: Vec<String> = lacking
        .iter()
        .map(|&v| format!("`{}`", context.inventory.vendors[v].id))
        .collect();
    findings.push(Finding {
        rule: "real-data-outside-production",
        severity: FindingSeverity::Blocker,
        objects,
        message: format!(
            "{} system `{}` holds real patient data and uses {} without a BAA in force",
            environment_name(system.environment),
            system.id,
            names.join(", ")
        ),
        remediation: "replace the data with synthetic or de-identified data, or sign BAAs with \
                      every vendor involved and apply production controls"
            .to_owned(),
        citations: BAA_CITATIONS.to_vec(),
        phase: Phase::MapPhiAndVendors,
        path: Vec::new(),
        lapsed: false,
    });
}

fn environment_name(environment: Environment) -> &'static str {
    match environment {
        Environment::Production => "production",
        Environment::Staging => "staging",
        Environment::Development => "development",
        Environment::Test => "test",
    }
}

fn log_sinks(context: &Context<'_>, system: &System, findings: &mut Vec<Finding>) {
    if !system.declares_ephi() && !system.real_patient_data {
        return;
    }
    for sink in &system.logs_to {
        let Some(node) = context.graph.node_of(sink) else {
            continue;
        };
        let problem = match context.graph.node(node) {
            Node::Vendor(vendor) => {
                let vendor = &context.inventory.vendors[vendor];
                (!baa_in_force(context, vendor))
                    .then(|| format!("vendor `{}`, which has no BAA in force", vendor.id))
            }
            Node::System(target) => {
                let target = &context.inventory.systems[target];
                (!target.declares_ephi()).then(|| {
                    format!(
                        "`{}`, which does not declare ePHI, so no ePHI control covers it",
                        target.id
                    )
                })
            }
            Node::Service(_) => None,
        };
        let Some(problem) = problem else {
            continue;
        };
        findings.push(Finding {
            rule: "ephi-log-sink",
            severity: FindingSeverity::Blocker,
            objects: vec![context.system_ref(system), context.node_ref(node)],
            message: format!("`{}` sends logs and error reports to {problem}", system.id),
            remediation: "strip patient data from logs before they leave the boundary, send them \
                          to a sink inside it, or bring the sink under a BAA"
                .to_owned(),
            citations: vec!["164.312(b)", "164.308(b)(1)"],
            phase: Phase::ValidateControls,
            path: vec![system.id.value.clone(), sink.value.clone()],
            lapsed: false,
        });
    }
}

fn transport(context: &Context<'_>, system: &System, findings: &mut Vec<Finding>) {
    for flow in &system.flows {
        if !flow.data_classes.contains(&DataClass::Ephi) {
            continue;
        }
        let weakness = match flow.transport {
            Transport::PrivateLink | Transport::Vpn | Transport::Tls12OrHigher => continue,
            Transport::TlsBelow12 => "TLS below 1.2",
            Transport::Plaintext => "no encryption",
            Transport::PublicInternet => "the public internet with no stated protection",
        };
        let mut objects = vec![context.system_ref(system)];
        if let Some(node) = context.graph.node_of(&flow.to) {
            objects.push(context.node_ref(node));
        }
        findings.push(Finding {
            rule: "ephi-transport",
            severity: FindingSeverity::Blocker,
            objects,
            message: format!(
                "ePHI flows from `{}` to `{}` over {weakness}",
                system.id, flow.to
            ),
            remediation: "carry the flow over a private link or VPN, or enforce TLS 1.2 or \
                          higher and reject weaker connections"
                .to_owned(),
            citations: vec!["164.312(e)(1)", "164.312(e)(2)(ii)"],
            phase: Phase::DesignLandingZone,
            path: vec![system.id.value.clone(), flow.to.value.clone()],
            lapsed: false,
        });
    }
}
