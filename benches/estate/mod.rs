//! The generated estates the benchmarks measure: written to a temporary folder by
//! `hipaa_migrate::synthetic`, with a journal in which phase 1 is about half validated, then
//! loaded and analysed once.

// Each benchmark target compiles this module on its own and uses a different part of it.
#![allow(dead_code)]

use std::fs;
use std::path::Path;

use hipaa_migrate::analysis::{self, Analysis};
use hipaa_migrate::journal::Journal;
use hipaa_migrate::loader::{self, Inventory};
use hipaa_migrate::model::CivilDate;
use hipaa_migrate::synthetic::{self, Shape};
use tempfile::TempDir;

/// Returns the date the estates are analysed as of.
pub fn as_of() -> CivilDate {
    CivilDate::parse("2026-12-04").expect("the literal is a valid date")
}

/// A generated estate on disk, loaded and analysed once.
pub struct Estate {
    /// Keeps the folder until the estate is dropped.
    folder: TempDir,
    /// Number of systems.
    pub systems: usize,
    pub inventory: Inventory,
    pub analysis: Analysis,
    pub journal: Journal,
}

impl Estate {
    /// Writes, loads and analyses an estate of `systems` systems.
    pub fn generate(systems: usize) -> Estate {
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
        Estate {
            folder,
            systems,
            inventory: loaded.inventory,
            analysis,
            journal,
        }
    }

    /// Returns the folder the estate is written to.
    pub fn dir(&self) -> &Path {
        self.folder.path()
    }

    /// Returns the text of every YAML file the loader reads, ordered by path like the
    /// loader's reading order, so the threads share the files the same way.
    pub fn yaml_texts(&self) -> Vec<String> {
        let mut paths = Vec::new();
        let mut folders = vec![self.dir().to_path_buf()];
        while let Some(folder) = folders.pop() {
            for entry in fs::read_dir(&folder).expect("list the generated folder") {
                let path = entry.expect("read a folder entry").path();
                if path.is_dir() {
                    folders.push(path);
                } else if path
                    .extension()
                    .is_some_and(|extension| extension == "yaml")
                {
                    paths.push(path);
                }
            }
        }
        paths.sort();
        paths
            .iter()
            .map(|path| fs::read_to_string(path).expect("read a generated file"))
            .collect()
    }
}
