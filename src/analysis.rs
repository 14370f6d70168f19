//! Analysis of a loaded inventory: the graph, the ePHI boundary, findings and waves. The phase
//! gates built on it live in [`crate::gates`].
//!
//! Everything here is computed from the inventory and a date, with no terminal code, so the
//! TUI, the exports and `check` in CI show the same results.

pub mod boundary;
pub mod dependencies;
pub mod finding;
pub mod graph;
mod rules;
pub mod waves;

use serde::Serialize;

use crate::loader::Inventory;
use crate::model::{CivilDate, Phase};

pub use boundary::Boundary;
pub use dependencies::DependencyGraph;
pub use finding::{Finding, FindingSeverity, ObjectKind, ObjectRef};
pub use graph::InventoryGraph;
pub use waves::{Wave, WavePlan};

/// Everything the analysis derives from one inventory on one date.
#[derive(Debug, Serialize)]
pub struct Analysis {
    /// The date the analysis treats as today.
    pub as_of: CivilDate,
    /// The graph the analysis ran on; node indexes in `boundary` refer to it.
    #[serde(skip)]
    pub graph: InventoryGraph,
    /// Systems, vendors and services inside the ePHI boundary.
    #[serde(skip)]
    pub boundary: Boundary,
    /// Findings, ordered by severity, phase and rule.
    pub findings: Vec<Finding>,
    /// Migration waves of phases 3 and 5.
    pub waves: WavePlan,
}

/// Sets each dependency cycle's phase to the phase its systems move in, which the wave plan
/// decides: a cycle outside the boundary that depends on an ePHI system moves in phase 5.
fn align_cycle_phases(findings: &mut [Finding], waves: &WavePlan) {
    let ephi: std::collections::HashSet<&str> = waves
        .ephi
        .iter()
        .flat_map(|wave| wave.systems.iter().map(String::as_str))
        .collect();
    for finding in findings.iter_mut().filter(|f| f.rule == "dependency-cycle") {
        let moves_with_ephi = finding
            .objects
            .iter()
            .any(|object| ephi.contains(object.id.as_str()));
        finding.phase = if moves_with_ephi {
            Phase::MigrateProductionEphi
        } else {
            Phase::MoveLowRiskWorkloads
        };
    }
}

/// Analyses a valid inventory as of `today`.
///
/// References that do not resolve are skipped, so an inventory with load errors still
/// analyses, but its findings may be incomplete.
pub fn analyse(inventory: &Inventory, today: CivilDate) -> Analysis {
    let graph = InventoryGraph::build(inventory);
    let boundary = Boundary::compute(inventory, &graph);
    let dependencies = DependencyGraph::build(inventory);
    let context = rules::Context {
        inventory,
        graph: &graph,
        dependencies: &dependencies,
        boundary: &boundary,
        today,
    };
    let mut findings = rules::run_all(&context);
    let (waves, wave_findings) = waves::plan(inventory, &graph, &dependencies, &boundary);
    findings.extend(wave_findings);
    align_cycle_phases(&mut findings, &waves);
    findings.sort_by(|a, b| {
        (a.severity, a.phase, a.rule, &a.objects).cmp(&(b.severity, b.phase, b.rule, &b.objects))
    });
    Analysis {
        as_of: today,
        graph,
        boundary,
        findings,
        waves,
    }
}
