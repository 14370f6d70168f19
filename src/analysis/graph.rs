//! The inventory as a directed graph of systems, vendors and cloud services.

use std::collections::HashMap;

use petgraph::graph::{DiGraph, NodeIndex};

use crate::loader::Inventory;

/// A node: the index of a system or vendor in the inventory, or of a service name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    /// Index into `Inventory::systems`.
    System(usize),
    /// Index into `Inventory::vendors`.
    Vendor(usize),
    /// Index into [`InventoryGraph::service_names`].
    Service(usize),
}

/// An edge, pointing from the system or vendor whose record states it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Edge {
    /// The source system needs the target system running.
    DependsOn,
    /// The source system sends data to the target; the index is into the source's `flows`.
    Flow(usize),
    /// The source system uses the target vendor.
    UsesVendor,
    /// The source system runs on the target service.
    UsesService,
    /// The source vendor passes data to the target vendor.
    Subprocessor,
    /// The source system sends logs, traces or error reports to the target.
    LogsTo,
    /// The source system's backups are kept by the target.
    BackupsTo,
}

/// The graph and the lookups from inventory records to its nodes.
#[derive(Debug, Default)]
pub struct InventoryGraph {
    /// The graph itself.
    pub graph: DiGraph<Node, Edge>,
    /// Node of each system, by index in `Inventory::systems`.
    pub systems: Vec<NodeIndex>,
    /// Node of each vendor, by index in `Inventory::vendors`.
    pub vendors: Vec<NodeIndex>,
    /// Service names in order of first use.
    pub service_names: Vec<String>,
    /// Node of each service, by index in `service_names`.
    pub services: Vec<NodeIndex>,
    ids: HashMap<String, NodeIndex>,
}

impl InventoryGraph {
    /// Builds the graph. References to ids that do not exist are left out; the loader has
    /// reported them.
    pub fn build(inventory: &Inventory) -> Self {
        let mut graph = DiGraph::with_capacity(
            inventory.systems.len() + inventory.vendors.len(),
            inventory.systems.len() * 6,
        );
        let mut ids = HashMap::with_capacity(inventory.systems.len() + inventory.vendors.len());
        let systems: Vec<NodeIndex> = (0..inventory.systems.len())
            .map(|index| graph.add_node(Node::System(index)))
            .collect();
        let vendors: Vec<NodeIndex> = (0..inventory.vendors.len())
            .map(|index| graph.add_node(Node::Vendor(index)))
            .collect();
        for (system, node) in inventory.systems.iter().zip(&systems) {
            ids.entry(system.id.value.clone()).or_insert(*node);
        }
        for (vendor, node) in inventory.vendors.iter().zip(&vendors) {
            ids.entry(vendor.id.value.clone()).or_insert(*node);
        }

        let mut built = InventoryGraph {
            graph,
            systems,
            vendors,
            service_names: Vec::new(),
            services: Vec::new(),
            ids,
        };
        let mut service_index: HashMap<&str, usize> = HashMap::new();
        for (index, system) in inventory.systems.iter().enumerate() {
            let from = built.systems[index];
            for dependency in &system.depends_on {
                built.link(from, dependency, Edge::DependsOn);
            }
            for (flow_index, flow) in system.flows.iter().enumerate() {
                built.link(from, &flow.to, Edge::Flow(flow_index));
            }
            for vendor in &system.vendors {
                built.link(from, vendor, Edge::UsesVendor);
            }
            for sink in &system.logs_to {
                built.link(from, sink, Edge::LogsTo);
            }
            for target in &system.backups_to {
                built.link(from, target, Edge::BackupsTo);
            }
            for service in &system.target_services {
                let next = built.service_names.len();
                let position = *service_index.entry(service.as_str()).or_insert(next);
                if position == next {
                    built.service_names.push(service.value.clone());
                    let node = built.graph.add_node(Node::Service(position));
                    built.services.push(node);
                }
                built
                    .graph
                    .add_edge(from, built.services[position], Edge::UsesService);
            }
        }
        for (index, vendor) in inventory.vendors.iter().enumerate() {
            let from = built.vendors[index];
            for subprocessor in &vendor.subprocessors {
                built.link(from, subprocessor, Edge::Subprocessor);
            }
        }
        built
    }

    fn link(&mut self, from: NodeIndex, to: &str, edge: Edge) {
        if let Some(&target) = self.ids.get(to) {
            self.graph.add_edge(from, target, edge);
        }
    }

    /// Returns the node of the system or vendor with this id.
    pub fn node_of(&self, id: &str) -> Option<NodeIndex> {
        self.ids.get(id).copied()
    }

    /// Returns what a node stands for.
    pub fn node(&self, index: NodeIndex) -> Node {
        self.graph[index]
    }
}
