//! Migration waves: the order in which systems move, in phase 3 for low-risk systems and in
//! phase 5 for systems that are inside the ePHI boundary or depend on one.
//!
//! A system moves in phase 3 (move low-risk workloads) when it is outside the ePHI boundary
//! and so is every system it depends on, directly or transitively. Every other system moves
//! in phase 5 (migrate production ePHI). A dependency of a phase-5 system on a phase-3 system
//! is already met when phase 5 starts, so it does not delay any phase-5 wave.
//!
//! Within a phase, a system moves in the wave after the latest wave that contains one of its
//! same-phase dependencies, or in wave 1 when it has none. The systems of one dependency
//! cycle, including a system that depends on itself, move together in one wave.
//!
//! A `wave` pin moves a system to that wave of its phase when the pin is no earlier than its
//! dependencies allow, and its dependents then move after it. The systems of one cycle take
//! the highest pin among them. A lower pin is reported as a `wave-pin-order` blocker and
//! ignored. Pinned numbers are kept as written, so pins can leave wave numbers that contain no
//! system, and the plan lists only the waves that contain systems.
//!
//! Waves are computed in one pass over the strongly connected components of the dependency
//! graph in dependency order, which takes time linear in systems plus dependencies and needs
//! no recursion. Grouping the systems by wave then adds one sort.

use std::cmp::Reverse;

use petgraph::graph::NodeIndex;
use serde::Serialize;

use crate::analysis::boundary::Boundary;
use crate::analysis::dependencies::DependencyGraph;
use crate::analysis::finding::{Finding, FindingSeverity, ObjectKind, ObjectRef};
use crate::analysis::graph::InventoryGraph;
use crate::loader::Inventory;
use crate::model::{Phase, System};

/// One wave: systems that move together, after every earlier wave of the same phase.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Wave {
    /// Wave number within its phase, from 1. Numbers increase through a phase's list and are
    /// consecutive unless a `wave` pin skips some.
    pub number: u32,
    /// Ids of the systems in the wave, in inventory order.
    pub systems: Vec<String>,
}

/// The wave plan of both migration phases.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct WavePlan {
    /// Phase 3 (move low-risk workloads): systems outside the ePHI boundary whose
    /// dependencies are all outside it too.
    pub low_risk: Vec<Wave>,
    /// Phase 5 (migrate production ePHI): systems inside the ePHI boundary, and systems that
    /// depend on one, directly or transitively.
    pub ephi: Vec<Wave>,
}

/// The phase and wave one system moves in.
#[derive(Clone, Copy, Debug, Default)]
struct Placement {
    ephi: bool,
    wave: u32,
}

impl Placement {
    fn phase(self) -> Phase {
        if self.ephi {
            Phase::MigrateProductionEphi
        } else {
            Phase::MoveLowRiskWorkloads
        }
    }
}

/// The same-phase dependency outside a component that moves last, which sets the earliest
/// wave the component can move in.
#[derive(Clone, Copy, Debug)]
struct Constraint {
    /// Wave of the dependency.
    wave: u32,
    /// Component member that depends on it.
    member: usize,
    /// The dependency, as a system index.
    dependency: usize,
}

impl Constraint {
    /// Returns the ordering key: the latest wave wins, then the lowest indexes, so that the
    /// choice among equal waves does not depend on edge order.
    fn key(self) -> (u32, Reverse<usize>, Reverse<usize>) {
        (self.wave, Reverse(self.member), Reverse(self.dependency))
    }
}

/// Plans the waves and reports wave pins that break dependency order.
///
/// References to systems that do not exist are skipped, as [`DependencyGraph`] skips them.
pub fn plan(
    inventory: &Inventory,
    graph: &InventoryGraph,
    dependencies: &DependencyGraph,
    boundary: &Boundary,
) -> (WavePlan, Vec<Finding>) {
    let systems = &inventory.systems;
    let components = dependencies.components();
    let mut component_of = vec![0; systems.len()];
    for (component, members) in components.iter().enumerate() {
        for &member in members {
            component_of[member] = component;
        }
    }
    let mut planner = Planner {
        inventory,
        dependencies,
        component_of,
        placements: vec![Placement::default(); systems.len()],
        findings: Vec::new(),
    };
    // Components come with dependencies first, so every dependency outside the current
    // component is already placed when the component is.
    for members in components {
        let inside = members
            .iter()
            .any(|&member| boundary.contains(graph.systems[member]));
        planner.place(members, inside);
    }
    (
        group_into_waves(systems, &planner.placements),
        planner.findings,
    )
}

/// The state of one planning pass.
struct Planner<'a> {
    inventory: &'a Inventory,
    dependencies: &'a DependencyGraph,
    /// Index of each system's strongly connected component.
    component_of: Vec<usize>,
    /// Placement of each system, set once its component is placed.
    placements: Vec<Placement>,
    findings: Vec<Finding>,
}

impl Planner<'_> {
    /// Returns the systems outside `member`'s component that it depends on, in edge order.
    fn outside_dependencies(&self, member: usize) -> impl Iterator<Item = usize> + '_ {
        let component = self.component_of[member];
        self.dependencies
            .graph
            .neighbors(NodeIndex::new(member))
            .map(NodeIndex::index)
            .filter(move |&dependency| self.component_of[dependency] != component)
    }

    /// Places the members of one component, whose dependencies outside it are all placed,
    /// and reports their pins that are too early. `inside` is whether any member is inside
    /// the ePHI boundary.
    fn place(&mut self, members: &[usize], inside: bool) {
        let ephi = inside
            || members.iter().any(|&member| {
                self.outside_dependencies(member)
                    .any(|dependency| self.placements[dependency].ephi)
            });

        let mut constraint: Option<Constraint> = None;
        for &member in members {
            for dependency in self.outside_dependencies(member) {
                let placement = self.placements[dependency];
                if placement.ephi != ephi {
                    continue;
                }
                let candidate = Constraint {
                    wave: placement.wave,
                    member,
                    dependency,
                };
                if constraint.is_none_or(|current| candidate.key() > current.key()) {
                    constraint = Some(candidate);
                }
            }
        }
        // NOTE: a dependency pinned to wave `u32::MAX` leaves no later wave, so its
        // dependents share that wave instead of following it.
        let earliest = constraint.map_or(1, |c| c.wave.saturating_add(1));

        let systems = &self.inventory.systems;
        let pin = members
            .iter()
            .filter_map(|&member| pin_of(&systems[member]))
            .max();
        let wave = match pin {
            Some(pin) if pin >= earliest => pin,
            _ => earliest,
        };
        for &member in members {
            self.placements[member] = Placement { ephi, wave };
        }

        // Every pin in the component is at most the highest, so all are too early.
        if let (Some(pin), Some(constraint)) = (pin, constraint)
            && pin < earliest
        {
            for &member in members {
                if let Some(member_pin) = pin_of(&systems[member]) {
                    let finding = self.pin_order_finding(member, member_pin, constraint);
                    self.findings.push(finding);
                }
            }
        }
    }

    /// Builds the `wave-pin-order` finding for `pinned`, whose pin is earlier than the wave
    /// after `constraint.dependency`, after its component is placed.
    ///
    /// When `pinned` itself depends on a system in the constraint's wave, the finding names
    /// that system. Otherwise the constraint comes from another member of the same dependency
    /// cycle, and the finding names that member too. Its objects are then the pinned system,
    /// the dependency and the member, and its path runs from the pinned system through the
    /// member to the dependency.
    fn pin_order_finding(&self, pinned: usize, pin: u32, constraint: Constraint) -> Finding {
        let inventory = self.inventory;
        let systems = &inventory.systems;
        let system = &systems[pinned];
        // The invalid pin was ignored, so the placement is the earliest valid wave.
        let placement = self.placements[pinned];

        let direct = self
            .outside_dependencies(pinned)
            .filter(|&dependency| {
                let other = self.placements[dependency];
                other.ephi == placement.ephi && other.wave == constraint.wave
            })
            .min();

        let (message, objects, path) = if let Some(dependency) = direct {
            let blocker = &systems[dependency];
            (
                format!(
                    "`{}` is pinned to wave {pin} but depends on `{}`, which moves in wave {}",
                    system.id, blocker.id, constraint.wave
                ),
                vec![
                    system_ref(inventory, system),
                    system_ref(inventory, blocker),
                ],
                vec![system.id.value.clone(), blocker.id.value.clone()],
            )
        } else {
            let member = &systems[constraint.member];
            let blocker = &systems[constraint.dependency];
            (
                format!(
                    "`{}` is pinned to wave {pin} but shares a dependency cycle with `{}`, and \
                     `{}` depends on `{}`, which moves in wave {}",
                    system.id, member.id, member.id, blocker.id, constraint.wave
                ),
                vec![
                    system_ref(inventory, system),
                    system_ref(inventory, blocker),
                    system_ref(inventory, member),
                ],
                vec![
                    system.id.value.clone(),
                    member.id.value.clone(),
                    blocker.id.value.clone(),
                ],
            )
        };

        Finding {
            rule: "wave-pin-order",
            severity: FindingSeverity::Blocker,
            objects,
            message,
            remediation: format!(
                "pin `{}` to wave {} or later, or remove the pin",
                system.id, placement.wave
            ),
            citations: Vec::new(),
            phase: placement.phase(),
            path,
            lapsed: false,
        }
    }
}

/// Returns the wave a system is pinned to. The loader rejects wave 0, so a pin of 0 is
/// ignored here instead of being reported a second time.
fn pin_of(system: &System) -> Option<u32> {
    system
        .wave
        .as_ref()
        .map(|wave| wave.value)
        .filter(|&wave| wave > 0)
}

/// Returns a reference to a system for a finding.
fn system_ref(inventory: &Inventory, system: &System) -> ObjectRef {
    ObjectRef {
        kind: ObjectKind::System,
        id: system.id.value.clone(),
        file: inventory.path(system.origin.file).to_path_buf(),
        line: system.origin.pos.line,
    }
}

/// Groups the systems into the waves of each phase, in wave order, each wave's systems in
/// inventory order.
fn group_into_waves(systems: &[System], placements: &[Placement]) -> WavePlan {
    let mut low_risk: Vec<(u32, usize)> = Vec::new();
    let mut ephi: Vec<(u32, usize)> = Vec::new();
    for (index, placement) in placements.iter().enumerate() {
        let phase = if placement.ephi {
            &mut ephi
        } else {
            &mut low_risk
        };
        phase.push((placement.wave, index));
    }
    WavePlan {
        low_risk: into_waves(systems, low_risk),
        ephi: into_waves(systems, ephi),
    }
}

/// Turns `(wave, system index)` pairs in inventory order into waves.
fn into_waves(systems: &[System], mut placed: Vec<(u32, usize)>) -> Vec<Wave> {
    // A stable sort keeps inventory order within each wave.
    placed.sort_by_key(|&(wave, _)| wave);
    let mut waves: Vec<Wave> = Vec::new();
    for (number, index) in placed {
        let id = systems[index].id.value.clone();
        match waves.last_mut() {
            Some(wave) if wave.number == number => wave.systems.push(id),
            _ => waves.push(Wave {
                number,
                systems: vec![id],
            }),
        }
    }
    waves
}
