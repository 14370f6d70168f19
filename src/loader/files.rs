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

impl FileRole {
    /// Returns whether files of this role define the ids that other records refer to.
    pub fn defines_ids(self) -> bool {
        matches!(self, FileRole::Systems | FileRole::Vendors)
    }
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

/// Folders in an inventory folder that are expected there and hold no records: `init` writes
/// the JSON Schemas into `schemas/`.
const IGNORED_FOLDERS: [&str; 1] = ["schemas"];

/// A file to read and what it holds.
#[derive(Clone, Debug)]
pub struct FoundFile {
    /// Path as shown to the user: the folder as given, joined with the file name.
    pub path: PathBuf,
    /// What the file contributes.
    pub role: FileRole,
}

/// The outcome of looking through an inventory folder.
#[derive(Clone, Debug, Default)]
pub struct Discovered {
    /// Files to read, in reading order.
    pub files: Vec<FoundFile>,
    /// Systems or vendors files and folders that exist but cannot be read, so the ids they
    /// may define are unknown.
    pub unreadable_id_sources: Vec<PathBuf>,
}

/// Lists the files to read, in a fixed order: project, systems, vendors, services, controls,
/// with files under `systems/` and `vendors/` in name order after the top-level file.
///
/// Returns `None` when the folder itself cannot be used.
pub fn discover(dir: &Path, problems: &mut Vec<Problem>) -> Option<Discovered> {
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
            let problem = if is_broken_link(dir) {
                Problem::file_error(dir, "is a broken symbolic link")
                    .with_help("point the link at the inventory folder, or pass the folder itself")
            } else {
                Problem::file_error(dir, "inventory folder not found").with_help(format!(
                    "check the path, or run `hipaa-migrate init {}` to start an inventory",
                    dir.display()
                ))
            };
            problems.push(problem);
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
    // A folder that exists but cannot be listed would fail every later step too, so one line
    // reports it here.
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            problems.push(Problem::file_error(
                dir,
                format!("cannot open folder: {error}"),
            ));
            return None;
        }
    };
    let mut top_level: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .collect();
    top_level.sort();

    let mut discovered = Discovered::default();
    for (name, role) in KNOWN_FILES {
        let path = dir.join(name);
        discover_known_file(path, role, &mut discovered, problems);
        if let Some((folder, _)) = KNOWN_FOLDERS.iter().find(|(_, r)| *r == role) {
            discover_folder(&dir.join(folder), role, &mut discovered, problems);
        }
    }
    warn_unknown_files(&top_level, problems);
    warn_unknown_folders(&top_level, problems);
    Some(discovered)
}

/// Adds one of the [`KNOWN_FILES`] when it exists, or reports why it cannot be read.
fn discover_known_file(
    path: PathBuf,
    role: FileRole,
    discovered: &mut Discovered,
    problems: &mut Vec<Problem>,
) {
    let name = path
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or_default()
        .to_owned();
    let unreadable = match fs::metadata(&path) {
        Ok(meta) if meta.is_dir() => {
            problems.push(
                Problem::file_error(&path, "is a folder, but a YAML file was expected here")
                    .with_help(format!("move its contents into a file named {name}")),
            );
            true
        }
        Ok(_) => {
            discovered.files.push(FoundFile {
                path: path.clone(),
                role,
            });
            false
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound && is_broken_link(&path) => {
            problems.push(broken_link_problem(&path));
            true
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            if role == FileRole::Project {
                problems.push(
                    Problem::file_error(&path, "project.yaml not found").with_help(
                        "every inventory needs one; `hipaa-migrate init DIR` writes a starter",
                    ),
                );
            }
            false
        }
        Err(error) => {
            problems.push(Problem::file_error(&path, format!("cannot read: {error}")));
            true
        }
    };
    if unreadable && role.defines_ids() {
        discovered.unreadable_id_sources.push(path);
    }
}

/// Adds the YAML files directly inside `folder`, and warns about what is there but not read.
fn discover_folder(
    folder: &Path,
    role: FileRole,
    discovered: &mut Discovered,
    problems: &mut Vec<Problem>,
) {
    let entries = match fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            if is_broken_link(folder) {
                problems.push(broken_link_problem(folder));
                discovered.unreadable_id_sources.push(folder.to_path_buf());
            }
            return;
        }
        Err(error) if error.kind() == io::ErrorKind::NotADirectory => {
            problems.push(
                Problem::file_error(folder, "is a file, but a folder of YAML files was expected")
                    .with_help("rename it with a .yaml extension, or make it a folder"),
            );
            discovered.unreadable_id_sources.push(folder.to_path_buf());
            return;
        }
        Err(error) => {
            problems.push(Problem::file_error(
                folder,
                format!("cannot open folder: {error}"),
            ));
            discovered.unreadable_id_sources.push(folder.to_path_buf());
            return;
        }
    };
    // Hidden entries are skipped: editors and file managers put lock files, backups and
    // metadata there, such as Emacs's `.#systems.yaml` and macOS's `._systems.yaml`.
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|entry| !entry.file_name().to_string_lossy().starts_with('.'))
        .map(|entry| entry.path())
        .collect();
    paths.sort();
    let folder_name = folder.file_name().map_or_else(
        || folder.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    for path in paths {
        if path.is_dir() {
            if is_yaml(&path) {
                problems.push(
                    Problem::file_error(&path, "is a folder, but a YAML file was expected here")
                        .with_help("nested folders are not read; move its files up one level"),
                );
            } else if let Some(count) = yaml_files_below(&path) {
                problems.push(
                    Problem::file_warning(&path, "nested folder is not read").with_help(format!(
                        "only files directly inside {folder_name}/ are read; move the {} in \
                         this folder up into {folder_name}/",
                        count_files(count)
                    )),
                );
            }
        } else if is_yaml(&path) {
            discovered.files.push(FoundFile { path, role });
        } else if has_yaml_extension_in_any_case(&path) {
            problems.push(
                Problem::file_warning(&path, "file is not read: its extension is not lower case")
                    .with_help("rename it to end in .yaml; only .yaml and .yml files are read"),
            );
        }
    }
}

/// Returns how many YAML files are in `folder` or any folder below it, or `None` when there
/// are none.
fn yaml_files_below(folder: &Path) -> Option<usize> {
    let mut count = 0;
    let mut pending = vec![folder.to_path_buf()];
    // Bounds the walk, so a symbolic link pointing back up cannot make it endless.
    let mut folders_left = 1_000;
    while let Some(current) = pending.pop() {
        let Ok(entries) = fs::read_dir(&current) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                if folders_left > 0 {
                    folders_left -= 1;
                    pending.push(path);
                }
            } else if has_yaml_extension_in_any_case(&path) {
                count += 1;
            }
        }
    }
    (count > 0).then_some(count)
}

fn count_files(count: usize) -> String {
    if count == 1 {
        "1 YAML file".to_owned()
    } else {
        format!("{count} YAML files")
    }
}

fn is_yaml(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

/// Returns whether the extension is `yaml` or `yml` in any mix of case, such as `YAML`.
fn has_yaml_extension_in_any_case(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// Returns whether `path` is a symbolic link whose target does not exist.
fn is_broken_link(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_symlink())
        && fs::metadata(path).is_err_and(|error| error.kind() == io::ErrorKind::NotFound)
}

fn broken_link_problem(path: &Path) -> Problem {
    let target = fs::read_link(path).map_or_else(
        |_| "a missing file".to_owned(),
        |target| target.display().to_string(),
    );
    Problem::file_error(path, "is a broken symbolic link").with_help(format!(
        "it points to {target}, which does not exist; fix or remove the link"
    ))
}

/// Warns about YAML files at the top of the folder that the loader would silently skip,
/// such as `system.yaml`, `vendors.yml` or `Systems.YAML`.
fn warn_unknown_files(top_level: &[PathBuf], problems: &mut Vec<Problem>) {
    for path in top_level {
        if !has_yaml_extension_in_any_case(path) || path.is_dir() {
            continue;
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if KNOWN_FILES.iter().any(|(known, _)| *known == name) || IGNORED_FILES.contains(&name) {
            continue;
        }
        if path.is_symlink() && is_broken_link(path) {
            problems.push(broken_link_problem(path));
            continue;
        }
        let help = match closest(name, KNOWN_FILES.iter().map(|(known, _)| *known)) {
            Some(best) => format!("did you mean {best}? This file is not read"),
            None => format!(
                "an inventory reads {}; this file is not read",
                KNOWN_FILES.map(|(known, _)| known).join(", ")
            ),
        };
        problems.push(Problem::file_warning(path, "unknown inventory file").with_help(help));
    }
}

/// Warns about folders at the top that hold YAML files and are named like `systems/` or
/// `vendors/` but not exactly, such as `system/` or `Vendors/`, because their files are not
/// read.
fn warn_unknown_folders(top_level: &[PathBuf], problems: &mut Vec<Problem>) {
    for path in top_level {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if !path.is_dir()
            || name.starts_with('.')
            || IGNORED_FOLDERS.contains(&name)
            || KNOWN_FOLDERS.iter().any(|(known, _)| *known == name)
        {
            continue;
        }
        let Some(best) = closest(name, KNOWN_FOLDERS.iter().map(|(known, _)| *known)) else {
            continue;
        };
        if let Some(count) = yaml_files_below(path) {
            problems.push(
                Problem::file_warning(path, "unknown inventory folder").with_help(format!(
                    "did you mean {best}/? This folder is not read, and it holds {}",
                    count_files(count)
                )),
            );
        }
    }
}

/// Reads one file as UTF-8 text.
///
/// # Errors
/// Returns a problem naming the file when it cannot be read, or where its first byte that is
/// not UTF-8 is.
pub fn read_text(path: &Path) -> Result<String, Box<Problem>> {
    // A pipe would block the load and a device could be endless, so only regular files, or
    // links to them, are read.
    if let Ok(meta) = fs::metadata(path)
        && !meta.is_file()
    {
        return Err(Box::new(
            Problem::file_error(path, "is not a regular file, so it is not read")
                .with_help("replace it with a YAML file, or move it out of the inventory folder"),
        ));
    }
    let bytes = fs::read(path).map_err(|error| {
        if error.kind() == io::ErrorKind::NotFound && is_broken_link(path) {
            return Box::new(broken_link_problem(path));
        }
        Box::new(Problem::file_error(path, format!("cannot read: {error}")))
    })?;
    String::from_utf8(bytes).map_err(|error| {
        let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
        let line = valid.split(|&b| b == b'\n').count();
        let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        // A byte-order mark is not a column, as the parser's positions do not count it either.
        let line_text = &valid[line_start..];
        let line_text = line_text.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line_text);
        let column = String::from_utf8_lossy(line_text).chars().count() + 1;
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
