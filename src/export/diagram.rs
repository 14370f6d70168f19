//! The part of the inventory graph that one diagram shows, ready for the Mermaid and DOT
//! writers.
//!
//! A diagram contains the chosen systems, vendors and services, and every graph edge whose two
//! ends are both chosen. Edges between the same two nodes merge into one, whose label lists
//! each relation, so a system that both uses a vendor and logs to it gets one arrow.

use std::collections::HashMap;

use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use crate::analysis::Analysis;
use crate::analysis::graph::{Edge, Node};
use crate::loader::Inventory;
use crate::model::{BaaStatus, CivilDate, DataClass, Transport, Vendor};

/// What a diagram node is, which decides its shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// A system whose kind does not store data.
    System,
    /// A system that stores data: a database, bucket, queue, analytics, logging or backup store.
    Store,
    /// A vendor.
    Vendor,
    /// A cloud service named in `target_services`.
    Service,
}

/// One node of a diagram.
#[derive(Clone, Debug)]
pub struct DiagramNode {
    /// Shape-deciding kind.
    pub kind: NodeKind,
    /// Position of the system or vendor in the inventory, or of the service name.
    pub position: usize,
    /// The id, or the service name.
    pub id: String,
    /// The name, as written in the inventory.
    pub name: String,
    /// A short addition to the label, such as `wave 2`.
    pub note: Option<String>,
    /// Whether the node is inside the ePHI boundary.
    pub in_boundary: bool,
    /// Whether the node is a vendor without a BAA in force that needs one: every such vendor
    /// except a `not_required` one that ePHI does not reach.
    pub lacks_baa: bool,
}

/// One arrow: every relation from one node to another.
#[derive(Clone, Debug)]
pub struct DiagramEdge {
    /// Index into [`Diagram::nodes`] of the node whose record states the relation.
    pub from: usize,
    /// Index into [`Diagram::nodes`] of the other node.
    pub to: usize,
    /// One label per relation, in graph order.
    pub labels: Vec<String>,
    /// Whether every relation is a dependency, which is drawn dashed because no data moves.
    pub dependency_only: bool,
}

/// The nodes and edges one diagram shows.
#[derive(Clone, Debug, Default)]
pub struct Diagram {
    /// Nodes in graph order: systems, then vendors, then services.
    pub nodes: Vec<DiagramNode>,
    /// Edges in graph order of their first relation.
    pub edges: Vec<DiagramEdge>,
}

impl Diagram {
    /// Builds the diagram of the graph nodes that `include` accepts. `label_note` returns text
    /// to add to a node's label.
    pub fn build(
        inventory: &Inventory,
        analysis: &Analysis,
        as_of: CivilDate,
        include: &dyn Fn(NodeIndex) -> bool,
        label_note: &dyn Fn(NodeIndex) -> Option<String>,
    ) -> Self {
        let graph = &analysis.graph;
        let mut diagram = Diagram::default();
        let mut position_of: HashMap<NodeIndex, usize> = HashMap::new();
        for index in graph.graph.node_indices().filter(|&index| include(index)) {
            let in_boundary = analysis.boundary.contains(index);
            let node = match graph.node(index) {
                Node::System(position) => {
                    let system = &inventory.systems[position];
                    let stores = system.kind.stores_data() || system.storage.is_some();
                    DiagramNode {
                        kind: if stores {
                            NodeKind::Store
                        } else {
                            NodeKind::System
                        },
                        position,
                        id: system.id.value.clone(),
                        name: system.name.clone(),
                        note: label_note(index),
                        in_boundary,
                        lacks_baa: false,
                    }
                }
                Node::Vendor(position) => {
                    let vendor = &inventory.vendors[position];
                    DiagramNode {
                        kind: NodeKind::Vendor,
                        position,
                        id: vendor.id.value.clone(),
                        name: vendor.name.clone(),
                        note: label_note(index),
                        in_boundary,
                        lacks_baa: lacks_needed_baa(vendor, in_boundary, as_of),
                    }
                }
                Node::Service(position) => {
                    let name = graph.service_names[position].clone();
                    DiagramNode {
                        kind: NodeKind::Service,
                        position,
                        id: name.clone(),
                        name,
                        note: label_note(index),
                        in_boundary,
                        lacks_baa: false,
                    }
                }
            };
            position_of.insert(index, diagram.nodes.len());
            diagram.nodes.push(node);
        }

        let mut edge_of: HashMap<(usize, usize), usize> = HashMap::new();
        for edge in graph.graph.edge_references() {
            let (Some(&from), Some(&to)) = (
                position_of.get(&edge.source()),
                position_of.get(&edge.target()),
            ) else {
                continue;
            };
            let label = edge_label(inventory, graph.node(edge.source()), *edge.weight());
            let dependency = *edge.weight() == Edge::DependsOn;
            if let Some(&existing) = edge_of.get(&(from, to)) {
                let merged = &mut diagram.edges[existing];
                if !merged.labels.contains(&label) {
                    merged.labels.push(label);
                }
                merged.dependency_only &= dependency;
            } else {
                edge_of.insert((from, to), diagram.edges.len());
                diagram.edges.push(DiagramEdge {
                    from,
                    to,
                    labels: vec![label],
                    dependency_only: dependency,
                });
            }
        }
        diagram
    }

    /// Returns whether any node is inside the ePHI boundary.
    pub fn has_boundary(&self) -> bool {
        self.nodes.iter().any(|node| node.in_boundary)
    }
}

/// Returns whether the vendor's BAA is signed and in force on `as_of`. A BAA's `expires` date
/// is its last day in force.
pub fn baa_in_force(vendor: &Vendor, as_of: CivilDate) -> bool {
    vendor.baa.status == BaaStatus::Signed
        && vendor
            .baa
            .expires
            .as_ref()
            .is_none_or(|expires| as_of <= expires.value)
}

/// Returns whether a vendor needs a BAA it does not have in force. A `not_required` vendor
/// needs one only when ePHI reaches it, which puts it inside the boundary.
pub fn lacks_needed_baa(vendor: &Vendor, in_boundary: bool, as_of: CivilDate) -> bool {
    !baa_in_force(vendor, as_of) && (vendor.baa.status != BaaStatus::NotRequired || in_boundary)
}

/// Returns the label of one relation.
fn edge_label(inventory: &Inventory, source: Node, edge: Edge) -> String {
    match edge {
        Edge::DependsOn => "depends on".to_owned(),
        Edge::Flow(flow) => {
            let Node::System(system) = source else {
                return "flow".to_owned();
            };
            let flow = &inventory.systems[system].flows[flow];
            let classes: Vec<&str> = flow
                .data_classes
                .iter()
                .map(|class| data_class_name(*class))
                .collect();
            format!(
                "flow: {} over {}",
                classes.join(", "),
                transport_name(flow.transport)
            )
        }
        Edge::UsesVendor => "uses".to_owned(),
        Edge::UsesService => "runs on".to_owned(),
        Edge::Subprocessor => "subprocessor".to_owned(),
        Edge::LogsTo => "logs to".to_owned(),
        Edge::BackupsTo => "backs up to".to_owned(),
    }
}

/// Returns the name inventories use for a data class.
pub fn data_class_name(class: DataClass) -> &'static str {
    match class {
        DataClass::Ephi => "ePHI",
        DataClass::Pii => "PII",
        DataClass::Internal => "internal",
        DataClass::Public => "public",
    }
}

/// Returns a transport in words.
pub fn transport_name(transport: Transport) -> &'static str {
    match transport {
        Transport::PrivateLink => "private link",
        Transport::Vpn => "VPN",
        Transport::Tls12OrHigher => "TLS 1.2 or higher",
        Transport::TlsBelow12 => "TLS below 1.2",
        Transport::Plaintext => "plaintext",
        Transport::PublicInternet => "public internet",
    }
}
