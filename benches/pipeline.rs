//! Benchmarks of the steps from inventory files to phase gates, on generated estates of 1,000,
//! 10,000 and 100,000 systems: parsing, loading, analysis, waves and gate evaluation.
//!
//! Each estate is written to a temporary folder by `hipaa_migrate::synthetic`, with a journal
//! in which phase 1 is about half validated. Every result is dropped inside the timed loop, so
//! the times include freeing it.

mod estate;

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkGroup, BenchmarkId, Criterion, SamplingMode, criterion_group};
use criterion::{criterion_main, measurement::WallTime};
use estate::{Estate, as_of};
use hipaa_migrate::analysis::{self, Boundary, DependencyGraph, InventoryGraph, waves};
use hipaa_migrate::gates;
use hipaa_migrate::loader;

/// Sizes every step is measured at.
const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

/// Opens the benchmark group. Parsing and loading take from 0.1 s to several seconds an
/// iteration, so every benchmark uses ten samples of equal iteration counts.
fn open_group(criterion: &mut Criterion) -> BenchmarkGroup<'_, WallTime> {
    let mut group = criterion.benchmark_group("pipeline");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group
}

/// Sets the measurement time for the next benchmarks. It grows with the estate, so the faster
/// steps still run many iterations.
fn set_size(group: &mut BenchmarkGroup<'_, WallTime>, systems: usize) {
    let seconds = match systems {
        0..=1_000 => 2,
        1_001..=10_000 => 8,
        _ => 20,
    };
    group.measurement_time(Duration::from_secs(seconds));
}

/// Measures parsing alone, on the loader's threads.
fn parse(group: &mut BenchmarkGroup<'_, WallTime>, estate: &Estate) {
    let texts = estate.yaml_texts();
    group.bench_with_input(
        BenchmarkId::new("parse", estate.systems),
        &texts,
        |bencher, texts| {
            bencher.iter(|| {
                loader::map_in_order(
                    texts,
                    |text| text.len() as u64,
                    |text| {
                        black_box(loader::yaml::parse(text).expect("generated YAML parses"));
                    },
                )
            });
        },
    );
}

/// Measures parsing alone on one thread, for comparison with [`parse`].
fn parse_one_thread(group: &mut BenchmarkGroup<'_, WallTime>, estate: &Estate) {
    let texts = estate.yaml_texts();
    group.bench_with_input(
        BenchmarkId::new("parse_one_thread", estate.systems),
        &texts,
        |bencher, texts| {
            bencher.iter(|| {
                for text in texts {
                    black_box(loader::yaml::parse(text).expect("generated YAML parses"));
                }
            });
        },
    );
}

fn load(group: &mut BenchmarkGroup<'_, WallTime>, estate: &Estate) {
    group.bench_with_input(
        BenchmarkId::new("load", estate.systems),
        estate.dir(),
        |bencher, dir| bencher.iter(|| black_box(loader::load(dir))),
    );
}

fn analyse(group: &mut BenchmarkGroup<'_, WallTime>, estate: &Estate) {
    group.bench_with_input(
        BenchmarkId::new("analysis", estate.systems),
        &estate.inventory,
        |bencher, inventory| bencher.iter(|| black_box(analysis::analyse(inventory, as_of()))),
    );
}

fn plan_waves(group: &mut BenchmarkGroup<'_, WallTime>, estate: &Estate) {
    let inventory = &estate.inventory;
    let graph = InventoryGraph::build(inventory);
    let boundary = Boundary::compute(inventory, &graph);
    let dependencies = DependencyGraph::build(inventory);
    group.bench_function(BenchmarkId::new("waves", estate.systems), |bencher| {
        bencher.iter(|| black_box(waves::plan(inventory, &graph, &dependencies, &boundary)));
    });
}

fn evaluate_gates(group: &mut BenchmarkGroup<'_, WallTime>, estate: &Estate) {
    group.bench_function(BenchmarkId::new("gates", estate.systems), |bencher| {
        bencher.iter(|| {
            black_box(gates::evaluate(
                &estate.inventory,
                &estate.analysis,
                &estate.journal,
                as_of(),
            ))
        });
    });
}

/// Runs each step at every size in turn before the next step. The sizes of one step are then
/// measured close together, so a slow spell of the machine is less likely to fall on one size
/// only and skew the ratio between sizes.
fn pipeline(criterion: &mut Criterion) {
    let estates: Vec<Estate> = SIZES.into_iter().map(Estate::generate).collect();
    let steps: [fn(&mut BenchmarkGroup<'_, WallTime>, &Estate); 6] = [
        parse,
        parse_one_thread,
        load,
        analyse,
        plan_waves,
        evaluate_gates,
    ];
    let mut group = open_group(criterion);
    for step in steps {
        for estate in &estates {
            set_size(&mut group, estate.systems);
            step(&mut group, estate);
        }
    }
    group.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
