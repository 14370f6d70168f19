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
    // `symlink_metadata` also finds a symbolic link whose target is missing, which the final
    // no-clobber rename would refuse to replace.
    let existing: Vec<PathBuf> = files
        .iter()
        .map(|(name, _)| dir.join(name))
        .filter(|path| fs::symlink_metadata(path).is_ok())
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
/// A file that replaces an existing one keeps that file's permissions. A new file gets the
/// permissions the umask leaves of `rw-rw-rw-`, as `File::create` gives.
///
/// # Errors
/// Fails when the temporary file cannot be created, written, synced or renamed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = temporary_beside(path)?;
    if let Ok(existing) = fs::metadata(path)
        && existing.is_file()
    {
        file.as_file().set_permissions(existing.permissions())?;
    }
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

/// Returns the folder a file at `path` would be written into: its parent, or the current
/// folder for a bare file name.
fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Checks that the folder `path` would be written into exists, so a command can report a
/// mistyped output path before doing its work.
///
/// # Errors
/// Fails with [`io::ErrorKind::NotFound`] when the folder does not exist, and
/// [`io::ErrorKind::NotADirectory`] when it is a file.
pub fn check_folder_of(path: &Path) -> io::Result<()> {
    let folder = folder_of(path);
    match fs::metadata(folder) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(io::Error::new(
            io::ErrorKind::NotADirectory,
            format!("{} is a file, not a folder", folder.display()),
        )),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!(
                "the folder {} does not exist, so create it or choose another output path",
                folder.display()
            ),
        )),
        Err(error) => Err(error),
    }
}

/// Creates a temporary file in the folder of `path`, so the final rename stays within one
/// file system.
fn temporary_beside(path: &Path) -> io::Result<tempfile::NamedTempFile> {
    check_folder_of(path)?;
    let dir = folder_of(path);
    let mut builder = tempfile::Builder::new();
    builder.prefix(".hipaa-migrate-").suffix(".tmp");
    // tempfile creates files readable by the owner only; `File::create` asks for `rw-rw-rw-`
    // and lets the umask narrow it, and the written files should match.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(dir)
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    /// Returns the permission bits a file created the usual way gets under the current umask.
    fn usual_mode(dir: &Path) -> u32 {
        let probe = dir.join("probe");
        fs::File::create(&probe).expect("create probe file");
        let mode = fs::metadata(&probe)
            .expect("probe metadata")
            .permissions()
            .mode()
            & 0o777;
        fs::remove_file(&probe).expect("remove probe file");
        mode
    }

    fn mode_of(path: &Path) -> u32 {
        fs::metadata(path).expect("metadata").permissions().mode() & 0o777
    }

    #[test]
    fn init_files_follow_umask() {
        let temp = tempfile::tempdir().expect("temporary folder");
        let expected = usual_mode(temp.path());
        let InitOutcome::Written(written) = init(temp.path()).expect("init") else {
            panic!("expected files to be written");
        };
        for path in written {
            assert_eq!(mode_of(&path), expected, "{}", path.display());
        }
    }

    #[test]
    fn new_file_follows_umask() {
        let temp = tempfile::tempdir().expect("temporary folder");
        let path = temp.path().join("new.json");
        write_atomic(&path, b"{}").expect("write");
        assert_eq!(mode_of(&path), usual_mode(temp.path()));
    }

    #[test]
    fn replaced_file_keeps_permissions() {
        let temp = tempfile::tempdir().expect("temporary folder");
        let path = temp.path().join("schema.json");
        fs::write(&path, "old").expect("write old");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).expect("chmod");
        write_atomic(&path, b"new").expect("replace");
        assert_eq!(fs::read_to_string(&path).expect("read"), "new");
        assert_eq!(mode_of(&path), 0o640);
    }

    #[test]
    fn init_counts_broken_link_as_existing() {
        let temp = tempfile::tempdir().expect("temporary folder");
        let link = temp.path().join("vendors.yaml");
        std::os::unix::fs::symlink("missing-target.yaml", &link).expect("create symlink");
        let outcome = init(temp.path()).expect("init");
        assert_eq!(outcome, InitOutcome::Exists(vec![link]));
        assert!(
            !temp.path().join("project.yaml").exists(),
            "nothing written"
        );
    }
}
