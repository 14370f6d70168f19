//! The finding rules. Each submodule owns a group of rules and returns its findings.

mod baa;
mod data;
mod storage;
mod structure;

use petgraph::graph::NodeIndex;

use crate::analysis::boundary::Boundary;
use crate::analysis::dependencies::DependencyGraph;
use crate::analysis::finding::{Finding, ObjectKind, ObjectRef};
use crate::analysis::graph::{InventoryGraph, Node};
use crate::loader::Inventory;
use crate::model::{CivilDate, ReviewIntervals, System, Vendor};

/// What every rule reads.
pub struct Context<'a> {
    /// The inventory under analysis.
    pub inventory: &'a Inventory,
    /// Its graph.
    pub graph: &'a InventoryGraph,
    /// Its system dependency graph.
    pub dependencies: &'a DependencyGraph,
    /// Its ePHI boundary.
    pub boundary: &'a Boundary,
    /// The date treated as today.
    pub today: CivilDate,
}

impl Context<'_> {
    /// Returns the review intervals of the project, or the defaults without a project.
    pub fn intervals(&self) -> ReviewIntervals {
        self.inventory
            .project
            .as_ref()
            .map(|project| project.review_intervals.clone())
            .unwrap_or_default()
    }

    /// Returns whether the system at `index` is inside the ePHI boundary.
    pub fn system_in_boundary(&self, index: usize) -> bool {
        self.boundary.contains(self.graph.systems[index])
    }

    /// Returns whether the vendor at `index` is inside the ePHI boundary.
    pub fn vendor_in_boundary(&self, index: usize) -> bool {
        self.boundary.contains(self.graph.vendors[index])
    }

    /// Returns a reference to a system for a finding.
    pub fn system_ref(&self, system: &System) -> ObjectRef {
        ObjectRef {
            kind: ObjectKind::System,
            id: system.id.value.clone(),
            file: self.inventory.path(system.origin.file).to_path_buf(),
            line: system.origin.pos.line,
        }
    }

    /// Returns a reference to a vendor for a finding.
    pub fn vendor_ref(&self, vendor: &Vendor) -> ObjectRef {
        ObjectRef {
            kind: ObjectKind::Vendor,
            id: vendor.id.value.clone(),
            file: self.inventory.path(vendor.origin.file).to_path_buf(),
            line: vendor.origin.pos.line,
        }
    }

    /// Returns a reference to a graph node for a finding.
    pub fn node_ref(&self, node: NodeIndex) -> ObjectRef {
        match self.graph.node(node) {
            Node::System(index) => self.system_ref(&self.inventory.systems[index]),
            Node::Vendor(index) => self.vendor_ref(&self.inventory.vendors[index]),
            Node::Service(index) => ObjectRef {
                kind: ObjectKind::Service,
                id: self.graph.service_names[index].clone(),
                file: std::path::PathBuf::new(),
                line: 0,
            },
        }
    }

    /// Returns the id or service name of a node.
    pub fn node_id(&self, node: NodeIndex) -> &str {
        match self.graph.node(node) {
            Node::System(index) => &self.inventory.systems[index].id.value,
            Node::Vendor(index) => &self.inventory.vendors[index].id.value,
            Node::Service(index) => &self.graph.service_names[index],
        }
    }

    /// Returns the chain of ids by which ePHI first reached `node`, starting at the ePHI
    /// system it came from and ending at `node`.
    pub fn reach_path(&self, node: NodeIndex) -> Vec<String> {
        let mut path = vec![self.node_id(node).to_owned()];
        let mut current = node;
        // The walk follows the breadth-first tree, which has no cycles; the bound guards
        // against a broken tree all the same.
        for _ in 0..self.graph.graph.node_count() {
            let Some(reach) = self.boundary.reached_by(current) else {
                break;
            };
            current = reach.from;
            path.push(self.node_id(current).to_owned());
        }
        path.reverse();
        path
    }

    /// Returns the number of days from `date` to today; negative when `date` is in the future.
    pub fn days_since(&self, date: CivilDate) -> i64 {
        i64::from((self.today.0 - date.0).get_days())
    }
}

/// Runs every rule.
pub fn run_all(context: &Context<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    baa::check(context, &mut findings);
    data::check(context, &mut findings);
    storage::check(context, &mut findings);
    structure::check(context, &mut findings);
    findings
}
