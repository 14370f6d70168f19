//! Finding and reading the files of an inventory folder.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::diagnostic::Problem;
use crate::loader::decode::closest;
use crate::loader::yaml::Pos;

/// What a file contributes to the inventory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileRole {
    /// `project.yaml`.
    Project,
    /// `systems.yaml` or a file under `systems/`.
    Systems,
    /// `vendors.yaml` or a file under `vendors/`.
    Vendors,
    /// `services.yaml`.
    Services,
    /// `controls.yaml`.
    Controls,
}

/// File names the loader reads at the top of an inventory folder.
pub const KNOWN_FILES: [(&str, FileRole); 5] = [
    ("project.yaml", FileRole::Project),
    ("systems.yaml", FileRole::Systems),
    ("vendors.yaml", FileRole::Vendors),
    ("services.yaml", FileRole::Services),
    ("controls.yaml", FileRole::Controls),
];

/// Folders whose YAML files are read as further lists of records, for large estates.
const KNOWN_FOLDERS: [(&str, FileRole); 2] = [
    ("systems", FileRole::Systems),
    ("vendors", FileRole::Vendors),
];

/// Files in an inventory folder that are not inventory YAML and are expected there.
const IGNORED_FILES: [&str; 1] = ["journal.jsonl"];

/// A file to read and what it holds.
#[derive(Clone, Debug)]
pub struct FoundFile {
    /// Path as shown to the user: the folder as given, joined with the file name.
    pub path: PathBuf,
    /// What the file contributes.
    pub role: FileRole,
}

/// Lists the files to read, in a fixed order: project, systems, vendors, services, controls,
/// with files under `systems/` and `vendors/` in name order after the top-level file.
///
/// Returns `None` when the folder itself cannot be used.
pub fn discover(dir: &Path, problems: &mut Vec<Problem>) -> Option<Vec<FoundFile>> {
    match fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => {
            problems.push(
                Problem::file_error(dir, "is a file, but an inventory is a folder")
                    .with_help("pass the folder that holds project.yaml"),
            );
            return None;
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            problems.push(
                Problem::file_error(dir, "inventory folder not found").with_help(format!(
                    "check the path, or run `hipaa-migrate init {}` to start an inventory",
                    dir.display()
                )),
            );
            return None;
        }
        Err(error) => {
            problems.push(Problem::file_error(
                dir,
                format!("cannot open folder: {error}"),
            ));
            return None;
        }
    }

    let mut found = Vec::new();
    for (name, role) in KNOWN_FILES {
        let path = dir.join(name);
        match fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => problems.push(
                Problem::file_error(&path, "is a folder, but a YAML file was expected here")
                    .with_help(format!("move its contents into a file named {name}")),
            ),
            Ok(_) => found.push(FoundFile { path, role }),
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                if role == FileRole::Project {
                    problems.push(
                        Problem::file_error(&path, "project.yaml not found").with_help(
                            "every inventory needs one; `hipaa-migrate init DIR` writes a starter",
                        ),
                    );
                }
            }
            Err(error) => {
                problems.push(Problem::file_error(&path, format!("cannot read: {error}")));
            }
        }
        if let Some((folder, _)) = KNOWN_FOLDERS.iter().find(|(_, r)| *r == role) {
            found.extend(discover_folder(&dir.join(folder), role, problems));
        }
    }
    warn_unknown_files(dir, problems);
    Some(found)
}

fn discover_folder(folder: &Path, role: FileRole, problems: &mut Vec<Problem>) -> Vec<FoundFile> {
    let entries = match fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Vec::new(),
        Err(error) if error.kind() == io::ErrorKind::NotADirectory => {
            problems.push(
                Problem::file_error(folder, "is a file, but a folder of YAML files was expected")
                    .with_help("rename it with a .yaml extension, or make it a folder"),
            );
            return Vec::new();
        }
        Err(error) => {
            problems.push(Problem::file_error(
                folder,
                format!("cannot open folder: {error}"),
            ));
            return Vec::new();
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| is_yaml(path))
        .collect();
    paths.sort();
    let mut found = Vec::new();
    for path in paths {
        if path.is_dir() {
            problems.push(
                Problem::file_error(&path, "is a folder, but a YAML file was expected here")
                    .with_help("nested folders are not read; move its files up one level"),
            );
        } else {
            found.push(FoundFile { path, role });
        }
    }
    found
}

fn is_yaml(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

/// Warns about YAML files at the top of the folder that the loader would silently skip,
/// such as `system.yaml` or `vendors.yml`.
fn warn_unknown_files(dir: &Path, problems: &mut Vec<Problem>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut unknown: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| is_yaml(path) && !path.is_dir())
        .filter(|path| {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            !KNOWN_FILES.iter().any(|(known, _)| *known == name) && !IGNORED_FILES.contains(&name)
        })
        .collect();
    unknown.sort();
    for path in unknown {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let help = match closest(name, KNOWN_FILES.iter().map(|(known, _)| *known)) {
            Some(best) => format!("did you mean {best}? This file is not read"),
            None => format!(
                "an inventory reads {}; this file is not read",
                KNOWN_FILES.map(|(known, _)| known).join(", ")
            ),
        };
        problems.push(Problem::file_warning(&path, "unknown inventory file").with_help(help));
    }
}

/// Reads every file as UTF-8 text.
pub fn read_all(files: &[FoundFile]) -> Vec<Result<String, Box<Problem>>> {
    files.iter().map(|file| read_text(&file.path)).collect()
}

fn read_text(path: &Path) -> Result<String, Box<Problem>> {
    let bytes = fs::read(path)
        .map_err(|error| Box::new(Problem::file_error(path, format!("cannot read: {error}"))))?;
    String::from_utf8(bytes).map_err(|error| {
        let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
        let line = valid.split(|&b| b == b'\n').count();
        let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&valid[line_start..])
            .chars()
            .count()
            + 1;
        let pos = Pos {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        };
        Box::new(
            Problem::error(
                path,
                pos,
                "not valid UTF-8 text: the first invalid byte is here",
            )
            .with_help("save the file as UTF-8 in your editor"),
        )
    })
}
