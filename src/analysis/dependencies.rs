//! The system dependency graph: one node per system, an edge from each system to each system
//! it depends on. Cycles and migration waves are computed on it.

use std::collections::HashMap;

use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use crate::loader::Inventory;

/// Systems as nodes, indexed like `Inventory::systems`; an edge points at a dependency.
#[derive(Debug)]
pub struct DependencyGraph {
    /// The graph; node `i` is system `i`.
    pub graph: DiGraph<(), ()>,
    /// The strongly connected components, computed once because both the cycle rule and the
    /// wave planner need them. See [`DependencyGraph::components`].
    components: Vec<Vec<usize>>,
}

impl DependencyGraph {
    /// Builds the graph, skipping references to systems that do not exist.
    pub fn build(inventory: &Inventory) -> Self {
        let systems = &inventory.systems;
        let mut graph = DiGraph::with_capacity(systems.len(), systems.len() * 2);
        for _ in systems {
            graph.add_node(());
        }
        // The first system with an id wins, as in `InventoryGraph`; the loader reports the
        // duplicates.
        let mut index: HashMap<&str, usize> = HashMap::with_capacity(systems.len());
        for (position, system) in systems.iter().enumerate() {
            index.entry(system.id.as_str()).or_insert(position);
        }
        for (from, system) in systems.iter().enumerate() {
            for dependency in &system.depends_on {
                if let Some(&to) = index.get(dependency.as_str()) {
                    graph.add_edge(NodeIndex::new(from), NodeIndex::new(to), ());
                }
            }
        }
        let components = strongly_connected(&graph);
        DependencyGraph { graph, components }
    }

    /// Returns the strongly connected components in dependency order: every component comes
    /// after all the components it depends on. Members are system indexes, sorted.
    pub fn components(&self) -> &[Vec<usize>] {
        &self.components
    }

    /// Returns the components that are cycles: more than one system, or one that depends on
    /// itself.
    pub fn cycles(&self) -> Vec<Vec<usize>> {
        let mut cycles: Vec<Vec<usize>> = self
            .components
            .iter()
            .filter(|component| {
                component.len() > 1 || {
                    let node = NodeIndex::new(component[0]);
                    self.graph.contains_edge(node, node)
                }
            })
            .cloned()
            .collect();
        cycles.sort();
        cycles
    }

    /// Returns one cycle through a strongly connected component, as system indexes with the
    /// first repeated at the end.
    pub fn cycle_path(&self, component: &[usize]) -> Vec<usize> {
        let Some(&start) = component.first() else {
            return Vec::new();
        };
        let mut path = vec![start];
        let mut position: HashMap<usize, usize> = HashMap::from([(start, 0)]);
        let mut current = start;
        loop {
            let mut successors: Vec<usize> = self
                .graph
                .neighbors(NodeIndex::new(current))
                .map(NodeIndex::index)
                .filter(|next| component.binary_search(next).is_ok())
                .collect();
            successors.sort_unstable();
            let Some(&next) = successors.first() else {
                return path;
            };
            if let Some(&seen) = position.get(&next) {
                let mut cycle = path[seen..].to_vec();
                cycle.push(next);
                return cycle;
            }
            position.insert(next, path.len());
            path.push(next);
            current = next;
        }
    }
}

/// Computes the strongly connected components of `graph` in dependency order, members sorted.
fn strongly_connected(graph: &DiGraph<(), ()>) -> Vec<Vec<usize>> {
    // Kosaraju's algorithm in petgraph yields components in reverse topological order of the
    // edges, and edges point at dependencies, so dependencies come first. Unlike petgraph's
    // Tarjan, it does not recurse, so long dependency chains cannot overflow the stack.
    kosaraju_scc(graph)
        .into_iter()
        .map(|component| {
            let mut members: Vec<usize> = component.iter().map(|n| n.index()).collect();
            members.sort_unstable();
            members
        })
        .collect()
}
