//! `init`: the commented starter inventory, and atomic file writing.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::schema::{self, SchemaKind};

/// Starter files, embedded from `templates/init/`.
pub const STARTER_FILES: [(&str, &str); 5] = [
    (
        "project.yaml",
        include_str!("../templates/init/project.yaml"),
    ),
    (
        "systems.yaml",
        include_str!("../templates/init/systems.yaml"),
    ),
    (
        "vendors.yaml",
        include_str!("../templates/init/vendors.yaml"),
    ),
    (
        "services.yaml",
        include_str!("../templates/init/services.yaml"),
    ),
    (
        "controls.yaml",
        include_str!("../templates/init/controls.yaml"),
    ),
];

/// What `init` did.
#[derive(Debug, PartialEq, Eq)]
pub enum InitOutcome {
    /// Every starter file was written.
    Written(Vec<PathBuf>),
    /// Nothing was written because these files already exist.
    Exists(Vec<PathBuf>),
}

/// Returns every file `init` writes, relative to the inventory folder, with its contents: the
/// starter YAML files and, under `schemas/`, the JSON Schemas their first lines point at.
pub fn starter_contents() -> Vec<(PathBuf, String)> {
    let mut files: Vec<(PathBuf, String)> = STARTER_FILES
        .iter()
        .map(|(name, text)| (PathBuf::from(name), (*text).to_owned()))
        .collect();
    for kind in SchemaKind::ALL {
        files.push((
            Path::new("schemas").join(kind.file_name()),
            schema::render(kind),
        ));
    }
    files
}

/// Writes the starter inventory into `dir`, creating folders when needed.
///
/// Nothing is written when any starter file exists already, and a file that appears while
/// writing is not overwritten either.
///
/// # Errors
/// Fails when the folder cannot be created or a file cannot be written.
pub fn init(dir: &Path) -> Result<InitOutcome> {
    let files = starter_contents();
    let existing: Vec<PathBuf> = files
        .iter()
        .map(|(name, _)| dir.join(name))
        .filter(|path| path.exists())
        .collect();
    if !existing.is_empty() {
        return Ok(InitOutcome::Exists(existing));
    }
    let schemas = dir.join("schemas");
    fs::create_dir_all(&schemas)
        .with_context(|| format!("cannot create folder {}", schemas.display()))?;
    let mut written = Vec::new();
    for (name, text) in &files {
        let path = dir.join(name);
        match write_new(&path, text.as_bytes()) {
            Ok(()) => written.push(path),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
                return Ok(InitOutcome::Exists(vec![path]));
            }
            Err(error) => {
                return Err(error).with_context(|| format!("cannot write {}", path.display()));
            }
        }
    }
    Ok(InitOutcome::Written(written))
}

/// Writes `bytes` to `path` through a synced temporary file and a rename, so readers see the
/// old contents or the new ones, never a partial file.
///
/// # Errors
/// Fails when the temporary file cannot be created, written, synced or renamed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = temporary_beside(path)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|error| error.error)?;
    Ok(())
}

/// Like [`write_atomic`], but fails with [`io::ErrorKind::AlreadyExists`] instead of replacing
/// a file that exists.
fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = temporary_beside(path)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    file.persist_noclobber(path).map_err(|error| error.error)?;
    Ok(())
}

fn temporary_beside(path: &Path) -> io::Result<tempfile::NamedTempFile> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    tempfile::Builder::new()
        .prefix(".hipaa-migrate-")
        .suffix(".tmp")
        .tempfile_in(dir)
}
