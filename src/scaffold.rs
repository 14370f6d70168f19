//! `init`: the commented starter inventory, and atomic file writing.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

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

/// Writes the starter inventory into `dir`, creating the folder when needed.
///
/// Nothing is written when any starter file exists already, and a file that appears while
/// writing is not overwritten either.
///
/// # Errors
/// Fails when the folder cannot be created or a file cannot be written.
pub fn init(dir: &Path) -> Result<InitOutcome> {
    let existing: Vec<PathBuf> = STARTER_FILES
        .iter()
        .map(|(name, _)| dir.join(name))
        .filter(|path| path.exists())
        .collect();
    if !existing.is_empty() {
        return Ok(InitOutcome::Exists(existing));
    }
    fs::create_dir_all(dir).with_context(|| format!("cannot create folder {}", dir.display()))?;
    let mut written = Vec::new();
    for (name, text) in STARTER_FILES {
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
