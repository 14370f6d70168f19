//! The example inventory bundled in the binary, and the choice of which inventory to open.
//!
//! With no folder given and no `project.yaml` in the current folder, the TUI opens the
//! Riverbend example. Its files are written under the platform data folder, so its journal
//! has a place to live and validations recorded there persist between runs.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use directories::ProjectDirs;

/// The example's files, as paths inside its folder and their text.
pub const FILES: &[(&str, &str)] = &[
    (
        "project.yaml",
        include_str!("../../inventories/riverbend/project.yaml"),
    ),
    (
        "systems.yaml",
        include_str!("../../inventories/riverbend/systems.yaml"),
    ),
    (
        "systems/analytics.yaml",
        include_str!("../../inventories/riverbend/systems/analytics.yaml"),
    ),
    (
        "systems/delivery.yaml",
        include_str!("../../inventories/riverbend/systems/delivery.yaml"),
    ),
    (
        "systems/integrations.yaml",
        include_str!("../../inventories/riverbend/systems/integrations.yaml"),
    ),
    (
        "vendors.yaml",
        include_str!("../../inventories/riverbend/vendors.yaml"),
    ),
    (
        "services.yaml",
        include_str!("../../inventories/riverbend/services.yaml"),
    ),
    (
        "controls.yaml",
        include_str!("../../inventories/riverbend/controls.yaml"),
    ),
];

/// Returns the platform data folder of hipaa-migrate, such as
/// `~/.local/share/hipaa-migrate` on Linux, or `None` when the home folder is unknown.
pub fn data_dir() -> Option<PathBuf> {
    ProjectDirs::from("", "", "hipaa-migrate").map(|dirs| dirs.data_dir().to_path_buf())
}

/// Writes the example into `base/examples/riverbend` and returns that folder.
///
/// A file whose text differs from the bundled one is replaced, so the example matches the
/// binary; `journal.jsonl` and any other file there are left alone.
///
/// # Errors
/// Fails when a folder cannot be created or a file cannot be read or written.
pub fn install(base: &Path) -> io::Result<PathBuf> {
    let root = base.join("examples").join("riverbend");
    for (name, text) in FILES {
        let path = root.join(name);
        if fs::read_to_string(&path).is_ok_and(|existing| existing == *text) {
            continue;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        crate::scaffold::write_atomic(&path, text.as_bytes())?;
    }
    Ok(root)
}

/// Returns the inventory folder to open: `dir` when given, else the current folder when it
/// holds a `project.yaml`, else the bundled example, written under the data folder.
///
/// # Errors
/// Fails when the example is needed but the data folder is unknown or cannot be written.
pub fn choose_inventory(dir: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(dir) = dir {
        return Ok(dir);
    }
    let current = std::env::current_dir().context("cannot read the current folder")?;
    if current.join("project.yaml").is_file() {
        return Ok(current);
    }
    let base = data_dir().context(
        "no inventory here and no home folder to unpack the example into; pass an inventory \
         folder",
    )?;
    install(&base).with_context(|| {
        format!(
            "cannot write the example inventory under {}",
            base.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_files_match_the_folder() {
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("inventories/riverbend");
        let mut on_disk = Vec::new();
        for entry in fs::read_dir(&folder).expect("example folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                for inner in fs::read_dir(&path).expect("subfolder") {
                    on_disk.push(inner.expect("entry").path());
                }
            } else {
                on_disk.push(path);
            }
        }
        let mut names: Vec<String> = on_disk
            .iter()
            .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
            .map(|path| {
                path.strip_prefix(&folder)
                    .expect("inside")
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        names.sort();
        let mut bundled: Vec<String> = FILES.iter().map(|(name, _)| (*name).to_owned()).collect();
        bundled.sort();
        assert_eq!(bundled, names);
    }

    #[test]
    fn install_keeps_the_journal() {
        let base = tempfile::tempdir().expect("temporary folder");
        let root = install(base.path()).expect("installs");
        fs::write(root.join("journal.jsonl"), "kept").expect("writes");
        fs::write(root.join("project.yaml"), "changed").expect("writes");
        install(base.path()).expect("installs again");
        assert_eq!(
            fs::read_to_string(root.join("journal.jsonl")).expect("reads"),
            "kept"
        );
        assert_eq!(
            fs::read_to_string(root.join("project.yaml")).expect("reads"),
            FILES[0].1
        );
        assert!(crate::loader::load(&root).problems.is_empty());
    }
}
