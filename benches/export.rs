//! Benchmarks of every export on generated estates of 1,000, 10,000 and 100,000 systems: the
//! phase 1 plan, all five plans, the BAA gap report, and the inventory graph as Mermaid and DOT.
//!
//! Each estate is written to a temporary folder by `hipaa_migrate::synthetic`, with a journal
//! in which phase 1 is about half validated, then loaded, analysed and gated once. The timed
//! part is the rendering alone, with the built-in templates.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use hipaa_migrate::analysis::{self, Analysis};
use hipaa_migrate::export::{self, ExportContext, GraphFormat, Report};
use hipaa_migrate::gates::{self, PhaseGate};
use hipaa_migrate::journal::Journal;
use hipaa_migrate::loader::{self, Inventory};
use hipaa_migrate::model::{CivilDate, Phase};
use hipaa_migrate::synthetic::{self, Shape};

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

fn as_of() -> CivilDate {
    CivilDate::parse("2026-12-04").expect("the literal is a valid date")
}

/// A generated estate, loaded, analysed and gated once.
struct Estate {
    inventory: Inventory,
    analysis: Analysis,
    gates: Vec<PhaseGate>,
    journal: Journal,
}

impl Estate {
    fn generate(systems: usize) -> Estate {
        let folder = tempfile::tempdir().expect("create a temporary folder");
        let shape = Shape::with_systems(systems);
        synthetic::write_inventory(folder.path(), shape).expect("write the generated inventory");
        synthetic::write_journal(folder.path(), shape).expect("write the generated journal");
        let loaded = loader::load(folder.path());
        assert!(
            !loaded.has_errors(),
            "the generated inventory of {systems} systems has load errors: {:?}",
            loaded.problems.first()
        );
        let analysis = analysis::analyse(&loaded.inventory, as_of());
        let journal = Journal::open(folder.path()).expect("read the generated journal");
        let gates = gates::evaluate(&loaded.inventory, &analysis, &journal, as_of());
        Estate {
            inventory: loaded.inventory,
            analysis,
            gates,
            journal,
        }
    }

    fn context(&self) -> ExportContext<'_> {
        ExportContext::new(
            &self.inventory,
            &self.analysis,
            &self.gates,
            &self.journal,
            as_of(),
        )
    }
}

fn exports(criterion: &mut Criterion) {
    let reports = [
        ("phase_plan", Report::Phase(Phase::MapPhiAndVendors)),
        ("all_plans", Report::AllPlans),
        ("baa_gaps", Report::BaaGaps),
    ];
    let graphs = [
        ("graph_mermaid", GraphFormat::Mermaid),
        ("graph_dot", GraphFormat::Dot),
    ];
    for systems in SIZES {
        let estate = Estate::generate(systems);
        let context = estate.context();
        let mut group = criterion.benchmark_group("export");
        // The plans of 10,000 systems take most of a second each, and those of 100,000 several
        // seconds, so they get ten samples of equal iteration counts and more time.
        group.sampling_mode(SamplingMode::Flat);
        group.sample_size(10);
        group.warm_up_time(Duration::from_secs(1));
        let seconds = match systems {
            0..=1_000 => 3,
            1_001..=10_000 => 8,
            _ => 20,
        };
        group.measurement_time(Duration::from_secs(seconds));
        for (name, report) in reports {
            group.bench_function(BenchmarkId::new(name, systems), |bencher| {
                bencher.iter(|| black_box(export::render(&context, report).expect("renders")));
            });
        }
        for (name, format) in graphs {
            group.bench_function(BenchmarkId::new(name, systems), |bencher| {
                bencher
                    .iter(|| black_box(export::graph(&estate.inventory, &estate.analysis, format)));
            });
        }
        group.finish();
    }
}

criterion_group!(benches, exports);
criterion_main!(benches);
