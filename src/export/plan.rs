//! The values of one phase plan.
//!
//! The systems of a phase are the ePHI boundary systems for phases 1, 2 and 4, and the systems
//! of the phase's waves for phases 3 and 5. The vendors in scope are, for phase 1, every vendor
//! inside the ePHI boundary, since phase 1 confirms their BAAs. For the other phases they are
//! the vendors the phase's systems send data, logs or backups to or use, and the subprocessors
//! of those vendors, because each of them must hold a BAA before those systems move. The
//! diagram shows the phase's systems and vendors in scope.

use std::collections::{HashMap, HashSet};

use minijinja::value::{Serde, Value, merge_maps};
use petgraph::Direction;
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use serde::Serialize;

use super::ExportContext;
use super::diagram::Diagram;
use super::mermaid;
use super::rules::rules_of;
use super::view::{CitationView, FindingView, VendorView, citations_of};
use crate::analysis::graph::{Edge, Node};
use crate::analysis::{Finding, FindingSeverity, Wave};
use crate::gates::{GateItem, ItemState, PhaseGate, Subject};
use crate::model::Phase;

/// Maximum number of next actions a plan lists; the rest are counted.
const MAX_ACTIONS: usize = 10;

/// One phase plan.
#[derive(Debug, Serialize)]
struct PlanView {
    number: u8,
    title: &'static str,
    goal: &'static str,
    owner: Option<String>,
    state: &'static str,
    done: usize,
    total: usize,
    /// Number of checklist items in each state, every state listed.
    state_counts: Vec<StateCount>,
    locked_by: Option<String>,
    checklist: Vec<ItemView>,
    checks: Vec<CheckView>,
    blockers: Vec<FindingView>,
    /// Warnings and notices of this phase.
    other_findings: Vec<FindingView>,
    citations: Vec<CitationView>,
    /// Whether the phase moves systems in waves (phases 3 and 5).
    has_waves: bool,
    waves: Vec<WaveView>,
    /// Sentence part naming the vendors the plan lists.
    vendor_scope: &'static str,
    vendors: Vec<ScopedVendorView>,
    actions: Vec<ActionView>,
    /// Actions left out of `actions` by the bound.
    more_actions: usize,
    /// Sentence part naming the systems the diagram shows.
    diagram_scope: &'static str,
    diagram_nodes: usize,
}

#[derive(Debug, Serialize)]
struct StateCount {
    state: &'static str,
    count: usize,
}

/// One checklist item.
#[derive(Debug, Serialize)]
struct ItemView {
    control: String,
    control_title: String,
    /// "project", "system" or "vendor".
    subject_kind: &'static str,
    subject_id: Option<String>,
    /// The subject as a reader names it, such as "Clinical database (system clinical-db)".
    subject: String,
    state: &'static str,
    satisfied: bool,
    by: Option<String>,
    on: Option<String>,
    valid_through: Option<String>,
    evidence: Option<String>,
    justification: Option<String>,
}

/// One automatic check: a finding rule and its open findings in this phase.
#[derive(Debug, Serialize)]
struct CheckView {
    rule: &'static str,
    severity: &'static str,
    finds: &'static str,
    open: usize,
    blockers: usize,
}

#[derive(Debug, Serialize)]
struct WaveView {
    number: u32,
    systems: Vec<NamedView>,
}

#[derive(Debug, Serialize)]
struct NamedView {
    id: String,
    name: String,
}

#[derive(Debug, Serialize)]
struct ScopedVendorView {
    #[serde(flatten)]
    vendor: VendorView,
    /// Ids of the phase's systems that use the vendor or send it data, logs or backups.
    used_by: Vec<String>,
    /// Ids of vendors in scope that pass data to this one.
    subprocessor_of: Vec<String>,
}

#[derive(Debug, Serialize)]
struct ActionView {
    /// "unlock", "blocker", "failed", "expired" or "open".
    kind: &'static str,
    text: String,
}

/// Builds the template value of one phase's plan, diagram included.
pub fn build(context: &ExportContext<'_>, gate: &PhaseGate) -> Value {
    let phase = gate.phase;
    let inventory = context.inventory;
    let analysis = context.analysis;
    let root = &inventory.root;

    let phase_findings: Vec<&Finding> = analysis
        .findings
        .iter()
        .filter(|finding| finding.phase == phase)
        .collect();
    let blockers: Vec<&Finding> = gate
        .blocking_findings
        .iter()
        .filter_map(|&index| analysis.findings.get(index))
        .collect();
    let others: Vec<&Finding> = phase_findings
        .iter()
        .copied()
        .filter(|finding| finding.severity != FindingSeverity::Blocker)
        .collect();

    let systems = PhaseSystems::collect(context, phase);
    let scope = VendorScope::collect(context, &systems.nodes, phase == Phase::MapPhiAndVendors);
    let in_diagram: HashSet<NodeIndex> = systems
        .nodes
        .iter()
        .copied()
        .chain(scope.vendors.iter().map(|(node, _)| *node))
        .collect();
    let diagram = Diagram::build(
        inventory,
        analysis,
        context.as_of,
        &|node| in_diagram.contains(&node),
        &|node| {
            systems
                .wave_of
                .get(&node)
                .map(|wave| format!("wave {wave}"))
        },
    );

    let (actions, more_actions) = next_actions(context, gate, &blockers);
    let plan = PlanView {
        number: phase.number(),
        title: phase.title(),
        goal: goal(phase),
        owner: owner(context, phase),
        state: gate.state.label(),
        done: gate.done,
        total: gate.total,
        state_counts: state_counts(&gate.items),
        locked_by: gate.locked_by.clone(),
        checklist: gate
            .items
            .iter()
            .map(|item| item_view(context, gate, item))
            .collect(),
        checks: checks(phase, &phase_findings),
        blockers: blockers
            .iter()
            .map(|finding| FindingView::of(finding, root))
            .collect(),
        other_findings: others
            .iter()
            .map(|finding| FindingView::of(finding, root))
            .collect(),
        citations: citations_of(blockers.iter().chain(&others).copied()),
        has_waves: systems.waves.is_some(),
        waves: systems
            .waves
            .map(|waves| wave_views(context, waves))
            .unwrap_or_default(),
        vendor_scope: if phase == Phase::MapPhiAndVendors {
            "every vendor inside the ePHI boundary"
        } else {
            "the vendors the systems of this phase use or send data, logs or backups to, and \
             their subprocessors"
        },
        vendors: scope.into_views(context),
        actions,
        more_actions,
        diagram_scope: if systems.waves.is_some() {
            "the systems of this phase's waves and the vendors in scope"
        } else {
            "the systems inside the ePHI boundary and the vendors in scope"
        },
        diagram_nodes: diagram.nodes.len(),
    };
    let diagram = mermaid::render(&diagram).trim_end().to_owned();
    merge_maps([
        Value::from(Serde(&plan)),
        Value::from_pairs([("diagram", Value::from_safe_string(diagram))]),
    ])
}

/// The systems a phase is about: its waves' systems for phases 3 and 5, the ePHI boundary
/// systems otherwise.
struct PhaseSystems<'a> {
    /// The phase's waves, for phases 3 and 5.
    waves: Option<&'a [Wave]>,
    /// Graph nodes of the systems, in wave order or inventory order.
    nodes: Vec<NodeIndex>,
    /// Wave number of each system, for phases 3 and 5.
    wave_of: HashMap<NodeIndex, u32>,
}

impl<'a> PhaseSystems<'a> {
    fn collect(context: &ExportContext<'a>, phase: Phase) -> Self {
        let analysis = context.analysis;
        let waves = match phase {
            Phase::MoveLowRiskWorkloads => Some(analysis.waves.low_risk.as_slice()),
            Phase::MigrateProductionEphi => Some(analysis.waves.ephi.as_slice()),
            _ => None,
        };
        let mut wave_of = HashMap::new();
        let nodes = match waves {
            Some(waves) => {
                let mut nodes = Vec::new();
                for wave in waves {
                    for id in &wave.systems {
                        if let Some(node) = analysis.graph.node_of(id) {
                            wave_of.insert(node, wave.number);
                            nodes.push(node);
                        }
                    }
                }
                nodes
            }
            None => analysis
                .graph
                .systems
                .iter()
                .copied()
                .filter(|&node| analysis.boundary.contains(node))
                .collect(),
        };
        PhaseSystems {
            waves,
            nodes,
            wave_of,
        }
    }
}

/// Lists the rules of a phase with their open findings.
fn checks(phase: Phase, phase_findings: &[&Finding]) -> Vec<CheckView> {
    rules_of(phase)
        .map(|rule| {
            let matching = phase_findings
                .iter()
                .filter(|finding| finding.rule == rule.id);
            CheckView {
                rule: rule.id,
                severity: rule.severity,
                finds: rule.finds,
                open: matching.clone().count(),
                blockers: matching
                    .filter(|finding| finding.severity == FindingSeverity::Blocker)
                    .count(),
            }
        })
        .collect()
}

fn wave_views(context: &ExportContext<'_>, waves: &[Wave]) -> Vec<WaveView> {
    waves
        .iter()
        .map(|wave| WaveView {
            number: wave.number,
            systems: wave
                .systems
                .iter()
                .map(|id| NamedView {
                    id: id.clone(),
                    name: system_name(context, id).unwrap_or_default(),
                })
                .collect(),
        })
        .collect()
}

/// Returns what the phase is for.
pub fn goal(phase: Phase) -> &'static str {
    match phase {
        Phase::MapPhiAndVendors => {
            "Find every system that creates, receives, stores or sends ePHI, and every vendor and \
             subprocessor on the paths ePHI takes, then confirm that each of those vendors has a \
             Business Associate Agreement in force. This is where forgotten integrations and \
             shadow IT usually turn up."
        }
        Phase::DesignLandingZone => {
            "Build the target accounts, network, identity baseline, logging pipeline and \
             encryption as infrastructure as code before any workload moves, on services the \
             provider lists as HIPAA eligible, and with ePHI carried only over encrypted, \
             preferably private, connections."
        }
        Phase::MoveLowRiskWorkloads => {
            "Move the systems that hold no ePHI first. They prove the deployment pipeline, \
             monitoring and incident response in the new environment where a mistake cannot \
             cause a breach of patient data."
        }
        Phase::ValidateControls => {
            "Prove, before any ePHI arrives, that encryption is enforced, access is restricted \
             and reviewed, logs reach protected storage, alerts fire, backups restore, and a \
             penetration test or security review has been done."
        }
        Phase::MigrateProductionEphi => {
            "Move the ePHI systems wave by wave, each with a tested rollback plan, then watch \
             access patterns, errors and alerts closely for 30 to 90 days and adjust the \
             controls."
        }
    }
}

fn owner(context: &ExportContext<'_>, phase: Phase) -> Option<String> {
    let owners = &context.inventory.project.as_ref()?.phase_owners;
    match phase {
        Phase::MapPhiAndVendors => owners.map_phi_and_vendors.clone(),
        Phase::DesignLandingZone => owners.design_landing_zone.clone(),
        Phase::MoveLowRiskWorkloads => owners.move_low_risk_workloads.clone(),
        Phase::ValidateControls => owners.validate_controls.clone(),
        Phase::MigrateProductionEphi => owners.migrate_production_ephi.clone(),
    }
}

fn system_name(context: &ExportContext<'_>, id: &str) -> Option<String> {
    match context
        .analysis
        .graph
        .node(context.analysis.graph.node_of(id)?)
    {
        Node::System(index) => Some(context.inventory.systems[index].name.clone()),
        _ => None,
    }
}

fn vendor_name(context: &ExportContext<'_>, id: &str) -> Option<String> {
    match context
        .analysis
        .graph
        .node(context.analysis.graph.node_of(id)?)
    {
        Node::Vendor(index) => Some(context.inventory.vendors[index].name.clone()),
        _ => None,
    }
}

/// Returns how a reader names a subject, such as "Clinical database (system clinical-db)".
fn subject_text(context: &ExportContext<'_>, subject: &Subject) -> String {
    match subject {
        Subject::Project => "the whole migration".to_owned(),
        Subject::System(id) => match system_name(context, id) {
            Some(name) => format!("{name} (system {id})"),
            None => format!("system {id}"),
        },
        Subject::Vendor(id) => match vendor_name(context, id) {
            Some(name) => format!("{name} (vendor {id})"),
            None => format!("vendor {id}"),
        },
    }
}

fn item_view(context: &ExportContext<'_>, gate: &PhaseGate, item: &GateItem) -> ItemView {
    let (subject_kind, subject_id) = match &item.subject {
        Subject::Project => ("project", None),
        Subject::System(id) => ("system", Some(id.clone())),
        Subject::Vendor(id) => ("vendor", Some(id.clone())),
    };
    let validation = item.validation.as_ref();
    ItemView {
        control: item.control.clone(),
        control_title: control_title(gate, &item.control),
        subject_kind,
        subject_id,
        subject: subject_text(context, &item.subject),
        state: item.state.label(),
        satisfied: item.state.is_satisfied(),
        by: validation.map(|validation| validation.by.clone()),
        on: validation.map(|validation| validation.on.to_string()),
        valid_through: item.due.map(|due| due.to_string()),
        evidence: validation.map(|validation| validation.evidence.clone()),
        justification: validation.and_then(|validation| validation.justification.clone()),
    }
}

fn control_title(gate: &PhaseGate, control: &str) -> String {
    gate.control(control)
        .map_or_else(|| control.to_owned(), |control| control.entry.title.clone())
}

fn state_counts(items: &[GateItem]) -> Vec<StateCount> {
    [
        ItemState::Validated,
        ItemState::NotApplicable,
        ItemState::Open,
        ItemState::Failed,
        ItemState::Expired,
    ]
    .into_iter()
    .map(|state| StateCount {
        state: state.label(),
        count: items.iter().filter(|item| item.state == state).count(),
    })
    .collect()
}

/// Lists what to do next: unlock the phase, then resolve blockers, then fix failed items,
/// renew expired ones and validate open ones, at most [`MAX_ACTIONS`] in all. Returns the
/// actions and how many were left out.
fn next_actions(
    context: &ExportContext<'_>,
    gate: &PhaseGate,
    blockers: &[&Finding],
) -> (Vec<ActionView>, usize) {
    let mut actions = Vec::new();
    if let Some(reason) = &gate.locked_by {
        actions.push(ActionView {
            kind: "unlock",
            text: format!("Finish the earlier phase first: {reason}."),
        });
    }
    for finding in blockers {
        let object = finding
            .objects
            .first()
            .map_or("", |object| object.id.as_str());
        actions.push(ActionView {
            kind: "blocker",
            text: format!(
                "Resolve {} for {object}: {}.",
                finding.rule,
                finding.remediation.trim_end_matches('.')
            ),
        });
    }
    for (state, kind) in [
        (ItemState::Failed, "failed"),
        (ItemState::Expired, "expired"),
        (ItemState::Open, "open"),
    ] {
        for item in gate.items.iter().filter(|item| item.state == state) {
            let title = control_title(gate, &item.control);
            let subject = subject_text(context, &item.subject);
            let text = match state {
                ItemState::Failed => {
                    format!("Fix and validate again: “{title}” for {subject}.")
                }
                ItemState::Expired => {
                    let due = item.due.map(|due| due.to_string()).unwrap_or_default();
                    format!(
                        "Validate again, the last validation ran out after {due}: “{title}” for {subject}."
                    )
                }
                _ => format!("Validate “{title}” for {subject}."),
            };
            actions.push(ActionView { kind, text });
        }
    }
    let more = actions.len().saturating_sub(MAX_ACTIONS);
    actions.truncate(MAX_ACTIONS);
    (actions, more)
}

/// The vendors in scope of a phase, with who uses them.
struct VendorScope {
    /// Vendor nodes with their inventory position, in inventory order.
    vendors: Vec<(NodeIndex, usize)>,
    used_by: HashMap<usize, Vec<String>>,
    subprocessor_of: HashMap<usize, Vec<String>>,
}

impl VendorScope {
    /// Collects the vendors `systems` reach directly or through subprocessors. With
    /// `boundary_only`, only vendors inside the ePHI boundary are kept.
    fn collect(context: &ExportContext<'_>, systems: &[NodeIndex], boundary_only: bool) -> Self {
        let analysis = context.analysis;
        let graph = &analysis.graph;
        let mut reached: HashSet<usize> = HashSet::new();
        let mut used_by: HashMap<usize, Vec<String>> = HashMap::new();
        let mut queue: Vec<NodeIndex> = Vec::new();
        for &system in systems {
            let Node::System(system_index) = graph.node(system) else {
                continue;
            };
            for edge in graph.graph.edges_directed(system, Direction::Outgoing) {
                if *edge.weight() == Edge::DependsOn {
                    continue;
                }
                if let Node::Vendor(vendor) = graph.node(edge.target()) {
                    // Each system is visited once, so a repeat can only be the last entry, from
                    // a second edge of the same system. Searching the whole list would make
                    // this quadratic for a vendor that every system uses.
                    let users = used_by.entry(vendor).or_default();
                    let id = &context.inventory.systems[system_index].id.value;
                    if users.last() != Some(id) {
                        users.push(id.clone());
                    }
                    if reached.insert(vendor) {
                        queue.push(edge.target());
                    }
                }
            }
        }
        let mut subprocessor_of: HashMap<usize, Vec<String>> = HashMap::new();
        while let Some(node) = queue.pop() {
            let Node::Vendor(parent) = graph.node(node) else {
                continue;
            };
            for edge in graph.graph.edges_directed(node, Direction::Outgoing) {
                if *edge.weight() != Edge::Subprocessor {
                    continue;
                }
                if let Node::Vendor(vendor) = graph.node(edge.target()) {
                    // Each vendor is taken from the queue once, so as above a repeat can only
                    // be the last entry.
                    let parents = subprocessor_of.entry(vendor).or_default();
                    let id = &context.inventory.vendors[parent].id.value;
                    if parents.last() != Some(id) {
                        parents.push(id.clone());
                    }
                    if reached.insert(vendor) {
                        queue.push(edge.target());
                    }
                }
            }
        }
        let vendors = graph
            .vendors
            .iter()
            .enumerate()
            .filter(|(index, node)| {
                reached.contains(index) && (!boundary_only || analysis.boundary.contains(**node))
            })
            .map(|(index, node)| (*node, index))
            .collect();
        VendorScope {
            vendors,
            used_by,
            subprocessor_of,
        }
    }

    fn into_views(mut self, context: &ExportContext<'_>) -> Vec<ScopedVendorView> {
        self.vendors
            .iter()
            .map(|&(node, index)| ScopedVendorView {
                vendor: VendorView::of(
                    &context.inventory.vendors[index],
                    context.analysis.boundary.contains(node),
                    context,
                ),
                used_by: self.used_by.remove(&index).unwrap_or_default(),
                subprocessor_of: self.subprocessor_of.remove(&index).unwrap_or_default(),
            })
            .collect()
    }
}
