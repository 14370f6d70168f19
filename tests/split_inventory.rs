//! An inventory split over many files loads the same way whatever order the files finish
//! parsing in: records, file ids and problems follow the reading order. Entries of the
//! `systems/` folder that are not inventory files are skipped or rejected without blocking.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use hipaa_migrate::loader::{self, Loaded};

/// Number of files under `systems/`, well above the number of cores, so several threads parse
/// files at once and finish them out of order.
const SYSTEM_FILES: usize = 24;

/// Number of files under `vendors/`.
const VENDOR_FILES: usize = 6;

/// Returns the number of systems in system file `file`. The sizes are shuffled against the
/// reading order, so the loader, which starts the largest files first, starts them out of
/// reading order and they finish out of it.
fn entries_in(file: usize) -> usize {
    (file * 7 % SYSTEM_FILES + 1) * 40
}

/// Writes an inventory whose system files differ in size, so that they take different times
/// to parse. Every fifth system file contains an entry with an unknown field, and vendor file 3
/// is not valid YAML.
fn write_split_inventory(dir: &Path) {
    fs::write(
        dir.join("project.yaml"),
        "organisation: Split Clinic\nmigration: Split migration\nprovider: aws\n",
    )
    .expect("write project.yaml");
    fs::create_dir(dir.join("systems")).expect("create systems/");
    fs::create_dir(dir.join("vendors")).expect("create vendors/");
    for file in 0..SYSTEM_FILES {
        let mut text = String::new();
        for entry in 0..entries_in(file) {
            writeln!(
                text,
                "- id: sys-{file:02}-{entry:04}\n  name: System {entry}\n  kind: application\n  \
                 environment: test\n  vendors: [vendor-00]"
            )
            .expect("write to a string");
            if file % 5 == 0 && entry == 1 {
                text.push_str("  colour: blue\n");
            }
        }
        fs::write(dir.join(format!("systems/part-{file:02}.yaml")), text)
            .expect("write a systems file");
    }
    for file in 0..VENDOR_FILES {
        let text = if file == 3 {
            "- id: vendor-03\n  name: [unclosed\n".to_owned()
        } else {
            format!(
                "- id: vendor-{file:02}\n  name: Vendor {file}\n  kind: saas\n  baa:\n    \
                 status: not_required\n"
            )
        };
        fs::write(dir.join(format!("vendors/part-{file:02}.yaml")), text)
            .expect("write a vendors file");
    }
}

fn load_split() -> (tempfile::TempDir, Loaded) {
    let temp = tempfile::tempdir().expect("temporary folder");
    write_split_inventory(temp.path());
    let loaded = loader::load(temp.path());
    (temp, loaded)
}

/// Returns the file name of a path, for comparing against the names written.
fn name_of(path: &Path) -> String {
    let parent = path
        .parent()
        .and_then(Path::file_name)
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let file = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("{parent}/{file}")
}

#[test]
fn files_are_numbered_in_reading_order() {
    let (_temp, loaded) = load_split();
    let names: Vec<String> = loaded
        .inventory
        .files
        .iter()
        .map(|file| name_of(&file.path))
        .collect();
    assert!(names[0].ends_with("/project.yaml"), "{}", names[0]);
    let mut expected = vec![names[0].clone()];
    expected.extend((0..SYSTEM_FILES).map(|file| format!("systems/part-{file:02}.yaml")));
    expected.extend((0..VENDOR_FILES).map(|file| format!("vendors/part-{file:02}.yaml")));
    assert_eq!(names, expected);
}

#[test]
fn records_keep_file_order_and_origin() {
    let (_temp, loaded) = load_split();
    let inventory = &loaded.inventory;
    let mut expected = Vec::new();
    for file in 0..SYSTEM_FILES {
        // An unknown field is reported and the rest of its entry kept.
        for entry in 0..entries_in(file) {
            expected.push(format!("sys-{file:02}-{entry:04}"));
        }
    }
    let ids: Vec<&str> = inventory.systems.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids.len(), expected.len());
    if let Some(index) = (0..ids.len()).find(|&i| ids[i] != expected[i]) {
        panic!(
            "system {index} is {}, expected {}",
            ids[index], expected[index]
        );
    }
    for system in &inventory.systems {
        let file = name_of(inventory.path(system.origin.file));
        let written_in = &system.id.as_str()[4..6];
        assert_eq!(
            file,
            format!("systems/part-{written_in}.yaml"),
            "{}",
            system.id.as_str()
        );
        let text = &inventory.files[system.origin.file.0 as usize].text;
        let line = text
            .lines()
            .nth(system.origin.pos.line as usize - 1)
            .expect("the origin line exists");
        assert_eq!(line, format!("- id: {}", system.id.as_str()));
    }
    let vendors: Vec<&str> = inventory.vendors.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(
        vendors,
        [
            "vendor-00",
            "vendor-01",
            "vendor-02",
            "vendor-04",
            "vendor-05"
        ]
    );
    assert_eq!(
        inventory
            .skipped_files
            .iter()
            .map(|path| name_of(path))
            .collect::<Vec<_>>(),
        ["vendors/part-03.yaml"]
    );
}

#[test]
fn problems_follow_reading_order() {
    let (_temp, loaded) = load_split();
    let found: Vec<String> = loaded
        .problems
        .iter()
        .map(|problem| {
            name_of(
                problem
                    .file
                    .as_deref()
                    .expect("each problem names its file"),
            )
        })
        .collect();
    let mut expected: Vec<String> = (0..SYSTEM_FILES)
        .filter(|file| file % 5 == 0)
        .map(|file| format!("systems/part-{file:02}.yaml"))
        .collect();
    expected.push("vendors/part-03.yaml".to_owned());
    assert_eq!(found, expected, "{:#?}", loaded.problems);
    // The unknown field is the sixth line of the second entry of its file.
    for problem in &loaded.problems[..expected.len() - 1] {
        assert_eq!(problem.pos.map(|pos| pos.line), Some(11), "{problem}");
    }
    assert!(
        loaded.problems[0].message.contains("colour"),
        "{}",
        loaded.problems[0]
    );
}

#[test]
fn loading_twice_gives_the_same_result() {
    let temp = tempfile::tempdir().expect("temporary folder");
    write_split_inventory(temp.path());
    let first = loader::load(temp.path());
    for _ in 0..5 {
        let again = loader::load(temp.path());
        assert_eq!(
            format!("{:?}", again.problems),
            format!("{:?}", first.problems)
        );
        assert_eq!(
            format!("{:?}", again.inventory),
            format!("{:?}", first.inventory)
        );
    }
}

/// Writes a valid inventory of one system file under `systems/` and one vendor file.
fn write_small_inventory(dir: &Path) {
    fs::write(
        dir.join("project.yaml"),
        "organisation: Small Clinic\nmigration: Small migration\nprovider: aws\n",
    )
    .expect("write project.yaml");
    fs::create_dir(dir.join("systems")).expect("create systems/");
    fs::write(
        dir.join("systems/core.yaml"),
        "- id: portal\n  name: Portal\n  kind: application\n  environment: test\n",
    )
    .expect("write a systems file");
}

#[test]
fn hidden_files_in_folders_are_skipped() {
    let temp = tempfile::tempdir().expect("temporary folder");
    write_small_inventory(temp.path());
    // An editor's lock file and a macOS metadata file, neither of them YAML.
    fs::write(
        temp.path().join("systems/.#core.yaml"),
        "user@host.1234:1733300000",
    )
    .expect("write a lock file");
    fs::write(
        temp.path().join("systems/._core.yaml"),
        [0u8, 5, 22, 7, 255],
    )
    .expect("write a metadata file");
    let loaded = loader::load(temp.path());
    assert!(loaded.problems.is_empty(), "{:#?}", loaded.problems);
    assert_eq!(loaded.inventory.files.len(), 2);
    assert_eq!(loaded.inventory.systems.len(), 1);
}

#[cfg(unix)]
#[test]
fn device_link_is_rejected_not_read() {
    let temp = tempfile::tempdir().expect("temporary folder");
    write_small_inventory(temp.path());
    let link = temp.path().join("systems/zero.yaml");
    std::os::unix::fs::symlink("/dev/zero", &link).expect("create a link");
    let loaded = loader::load(temp.path());
    assert_eq!(loaded.problems.len(), 1, "{:#?}", loaded.problems);
    let problem = &loaded.problems[0];
    assert_eq!(problem.file.as_deref(), Some(link.as_path()));
    assert!(
        problem.message.contains("is not a regular file"),
        "{problem}"
    );
    assert_eq!(loaded.inventory.skipped_files, [link]);
}

#[cfg(unix)]
#[test]
fn pipe_is_rejected_without_blocking() {
    let temp = tempfile::tempdir().expect("temporary folder");
    write_small_inventory(temp.path());
    let pipe = temp.path().join("systems/pipe.yaml");
    let mkfifo = std::process::Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .expect("run mkfifo");
    assert!(mkfifo.success(), "mkfifo failed");
    // Reading the pipe would wait for a writer forever, so the load runs on a thread and the
    // test waits a bounded time for it.
    let dir = temp.path().to_path_buf();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = sender.send(loader::load(&dir));
    });
    let loaded = receiver
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the load finishes instead of waiting on the pipe");
    assert_eq!(loaded.problems.len(), 1, "{:#?}", loaded.problems);
    assert!(
        loaded.problems[0].message.contains("is not a regular file"),
        "{}",
        loaded.problems[0]
    );
}

#[test]
fn missing_id_gets_same_advice_everywhere() {
    let temp = tempfile::tempdir().expect("temporary folder");
    write_small_inventory(temp.path());
    let mut text = String::new();
    for entry in 0..3_000 {
        writeln!(
            text,
            "- id: user-{entry:04}\n  name: User {entry}\n  kind: application\n  \
             environment: test\n  vendors: [missing-vendor]"
        )
        .expect("write to a string");
    }
    fs::write(temp.path().join("systems/users.yaml"), text).expect("write a systems file");
    let loaded = loader::load(temp.path());
    let unknown: Vec<_> = loaded
        .problems
        .iter()
        .filter(|problem| {
            problem
                .message
                .contains("unknown vendor id `missing-vendor`")
        })
        .collect();
    assert_eq!(unknown.len(), 3_000);
    // Every reference to the same missing id gets the same advice.
    let first_help = unknown[0].help.clone();
    assert!(unknown.iter().all(|problem| problem.help == first_help));
}
