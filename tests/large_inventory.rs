//! Generated inventories at enterprise size load completely and without problems.

use hipaa_migrate::loader;
use hipaa_migrate::synthetic::{self, Shape};

#[test]
fn ten_thousand_systems_load() {
    let temp = tempfile::tempdir().expect("temporary folder");
    let shape = Shape::with_systems(10_000);
    synthetic::write_inventory(temp.path(), shape).expect("write generated inventory");
    let loaded = loader::load(temp.path());
    let problems: Vec<String> = loaded
        .problems
        .iter()
        .take(5)
        .map(ToString::to_string)
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(loaded.inventory.systems.len(), 10_000);
    assert_eq!(loaded.inventory.vendors.len(), 2_000);
    assert_eq!(loaded.inventory.files.len(), 1 + 5 + 2);
}

/// The parser budget allows a single file far larger than any one team writes by hand.
#[test]
fn one_file_of_hundred_thousand_systems_parses() {
    let shape = Shape {
        systems: 100_000,
        vendors: 10,
        systems_per_file: 100_000,
        seed: 7,
    };
    let files = synthetic::system_files(shape);
    assert_eq!(files.len(), 1);
    let node = loader::yaml::parse(&files[0])
        .expect("within budget")
        .expect("a document");
    let loader::yaml::Value::Seq(items) = node.value else {
        panic!("expected a list");
    };
    assert_eq!(items.len(), 100_000);
}
