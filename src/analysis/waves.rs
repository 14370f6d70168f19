//! Migration waves: the order in which systems move, phase 3 for systems outside the ePHI
//! boundary and phase 5 for systems inside it.

use serde::Serialize;

use crate::analysis::boundary::Boundary;
use crate::analysis::dependencies::DependencyGraph;
use crate::analysis::finding::Finding;
use crate::analysis::graph::InventoryGraph;
use crate::loader::Inventory;

/// One wave: systems that move together, after every earlier wave of the same phase.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Wave {
    /// Wave number within its phase, from 1.
    pub number: u32,
    /// Ids of the systems in the wave, in inventory order.
    pub systems: Vec<String>,
}

/// The wave plan of both migration phases.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct WavePlan {
    /// Phase 3 (move low-risk workloads): systems outside the ePHI boundary.
    pub low_risk: Vec<Wave>,
    /// Phase 5 (migrate production ePHI): systems inside the ePHI boundary.
    pub ephi: Vec<Wave>,
}

/// Plans the waves and reports wave pins that break dependency order.
pub fn plan(
    _inventory: &Inventory,
    _graph: &InventoryGraph,
    _dependencies: &DependencyGraph,
    _boundary: &Boundary,
) -> (WavePlan, Vec<Finding>) {
    (WavePlan::default(), Vec::new())
}
