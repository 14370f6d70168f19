//! The ePHI boundary: every system, vendor and service that ePHI reaches.
//!
//! The boundary starts at systems that declare `ephi`, hold real patient data or send `ephi`
//! in a data flow, and follows
//! the edges ePHI travels along: data flows that carry `ephi`, logs, backups, the vendors and
//! cloud services an ePHI system uses, and a boundary vendor's subprocessors. A vendor whose
//! BAA status is `not_required` is taken at its word when it is only used or named as a
//! subprocessor, but not when an ePHI flow or a log stream reaches it.

use std::collections::VecDeque;

use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use crate::analysis::graph::{Edge, InventoryGraph, Node};
use crate::loader::Inventory;
use crate::model::{BaaStatus, DataClass, System};

/// How ePHI reached a node that did not declare it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reach {
    /// The node it came from.
    pub from: NodeIndex,
    /// The edge it travelled along.
    pub edge: Edge,
}

/// Membership of the ePHI boundary, by node.
#[derive(Clone, Debug, Default)]
pub struct Boundary {
    inside: Vec<bool>,
    reached_by: Vec<Option<Reach>>,
}

impl Boundary {
    /// Computes the boundary with one breadth-first walk, linear in nodes plus edges.
    pub fn compute(inventory: &Inventory, graph: &InventoryGraph) -> Self {
        let count = graph.graph.node_count();
        let mut boundary = Boundary {
            inside: vec![false; count],
            reached_by: vec![None; count],
        };
        let mut queue = VecDeque::new();
        for (index, system) in inventory.systems.iter().enumerate() {
            if holds_ephi(system) {
                let node = graph.systems[index];
                boundary.inside[node.index()] = true;
                queue.push_back(node);
            }
        }
        while let Some(node) = queue.pop_front() {
            for edge in graph.graph.edges(node) {
                let target = edge.target();
                if boundary.inside[target.index()]
                    || !carries_ephi(inventory, graph, node, *edge.weight(), target)
                {
                    continue;
                }
                boundary.inside[target.index()] = true;
                boundary.reached_by[target.index()] = Some(Reach {
                    from: node,
                    edge: *edge.weight(),
                });
                queue.push_back(target);
            }
        }
        boundary
    }

    /// Returns whether a node is inside the boundary.
    pub fn contains(&self, node: NodeIndex) -> bool {
        self.inside.get(node.index()).copied().unwrap_or(false)
    }

    /// Returns how ePHI first reached a node that did not declare it, if it did.
    pub fn reached_by(&self, node: NodeIndex) -> Option<Reach> {
        self.reached_by.get(node.index()).copied().flatten()
    }

    /// Returns how many nodes are inside.
    pub fn len(&self) -> usize {
        self.inside.iter().filter(|inside| **inside).count()
    }

    /// Returns whether no node is inside.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Returns whether a system holds ePHI by its own record: it declares `ephi`, holds real
/// patient data, or sends `ephi` in a data flow.
pub fn holds_ephi(system: &System) -> bool {
    system.declares_ephi()
        || system.real_patient_data
        || system
            .flows
            .iter()
            .any(|flow| flow.data_classes.contains(&DataClass::Ephi))
}

/// Returns whether ePHI travels along `edge` from a boundary node to `target`.
fn carries_ephi(
    inventory: &Inventory,
    graph: &InventoryGraph,
    from: NodeIndex,
    edge: Edge,
    target: NodeIndex,
) -> bool {
    let target_opted_out = match graph.node(target) {
        Node::Vendor(index) => inventory.vendors[index].baa.status == BaaStatus::NotRequired,
        _ => false,
    };
    match edge {
        Edge::DependsOn => false,
        Edge::Flow(flow) => match graph.node(from) {
            Node::System(index) => inventory.systems[index].flows[flow]
                .data_classes
                .contains(&DataClass::Ephi),
            _ => false,
        },
        Edge::UsesVendor | Edge::Subprocessor => !target_opted_out,
        Edge::LogsTo | Edge::BackupsTo | Edge::UsesService => true,
    }
}
