//! Benchmarks of every export on generated estates of 1,000, 10,000 and 100,000 systems: the
//! phase 1 plan, all five plans, the BAA gap report, and the inventory graph as Mermaid and DOT.
//!
//! Each estate is written to a temporary folder by `hipaa_migrate::synthetic`, with a journal
//! in which phase 1 is about half validated, then loaded, analysed and gated once. The timed
//! part is the rendering alone, with the built-in templates.

mod estate;

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use estate::{Estate, as_of};
use hipaa_migrate::export::{self, ExportContext, GraphFormat, Report};
use hipaa_migrate::gates;
use hipaa_migrate::model::Phase;

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

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
        let gates = gates::evaluate(
            &estate.inventory,
            &estate.analysis,
            &estate.journal,
            as_of(),
        );
        let context = ExportContext::new(
            &estate.inventory,
            &estate.analysis,
            &gates,
            &estate.journal,
            as_of(),
        );
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
