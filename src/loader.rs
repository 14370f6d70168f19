//! Reading an inventory folder into the typed model, collecting every problem on the way.
//!
//! Loading runs in three steps: find the files, parse each into records, then resolve the
//! references between records. Each step reports all it finds; none stops at the first problem.

pub mod decode;
mod files;
mod resolve;
pub mod yaml;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::DeserializeOwned;

use crate::diagnostic::{Problem, SourceText};
use crate::model::{ControlEntry, FileId, Located, Origin, Project, ServiceEntry, System, Vendor};
use yaml::{Node, Value};

pub use files::{FileRole, KNOWN_FILES};

/// A loaded inventory. Records that failed to parse are left out; see [`Loaded::problems`].
#[derive(Clone, Debug, Default)]
pub struct Inventory {
    /// Folder the inventory was read from.
    pub root: PathBuf,
    /// Every file read, indexed by [`FileId`].
    pub files: Vec<SourceText>,
    /// `project.yaml`, or `None` when it is missing or invalid.
    pub project: Option<Project>,
    /// Systems from `systems.yaml` and `systems/`, in file order.
    pub systems: Vec<System>,
    /// Vendors from `vendors.yaml` and `vendors/`, in file order.
    pub vendors: Vec<Vendor>,
    /// Entries from `services.yaml`.
    pub services: Vec<ServiceEntry>,
    /// Entries from `controls.yaml`.
    pub controls: Vec<ControlEntry>,
    /// Systems and vendors that failed to decode, kept by id so that references to them are
    /// not reported as unknown as well.
    pub invalid_records: Vec<InvalidRecord>,
    /// Entries of any list file that failed to decode and are left out of the lists above.
    pub rejected_entries: usize,
    /// Files that could not be read or parsed at all. While any exist, references to ids
    /// that are not found are not reported, since the ids may be in those files.
    pub skipped_files: Vec<PathBuf>,
}

/// The id of a system or vendor entry that failed to decode.
#[derive(Clone, Debug)]
pub struct InvalidRecord {
    /// Whether the entry is a system or a vendor.
    pub kind: RecordKind,
    /// The entry's `id`, as written.
    pub id: Located<String>,
    /// Where the entry starts.
    pub origin: Origin,
}

/// The kinds of record that have ids other records refer to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordKind {
    /// An entry of `systems.yaml` or `systems/`.
    System,
    /// An entry of `vendors.yaml` or `vendors/`.
    Vendor,
    /// An entry of `services.yaml` or `controls.yaml`, which no record refers to by id.
    Other,
}

impl Inventory {
    /// Returns the path of a file as shown to the user.
    pub fn path(&self, file: FileId) -> &Path {
        &self.files[file.0 as usize].path
    }
}

/// The outcome of one load: the inventory and every problem found.
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    /// What could be read.
    pub inventory: Inventory,
    /// Errors and warnings, in file order.
    pub problems: Vec<Problem>,
}

impl Loaded {
    /// Returns whether any problem is an error, which makes the inventory unusable.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Problem::is_error)
    }
}

/// Loads the inventory in `dir`.
///
/// Never fails: a missing folder, unreadable file or invalid record becomes a [`Problem`].
pub fn load(dir: &Path) -> Loaded {
    let mut loaded = Loaded {
        inventory: Inventory {
            root: dir.to_path_buf(),
            ..Inventory::default()
        },
        problems: Vec::new(),
    };
    let Some(found) = files::discover(dir, &mut loaded.problems) else {
        return loaded;
    };
    let read = files::read_all(&found);
    for (file, result) in found.into_iter().zip(read) {
        match result {
            Ok(text) => parse_file(&mut loaded, file.role, &file.path, &text),
            Err(problem) => {
                loaded.inventory.skipped_files.push(file.path);
                loaded.problems.push(*problem);
            }
        }
    }
    resolve::resolve(&loaded.inventory, &mut loaded.problems);
    sort_problems(&mut loaded);
    loaded
}

/// Orders problems by file, in reading order, then by position; folder problems come first.
fn sort_problems(loaded: &mut Loaded) {
    let files = &loaded.inventory.files;
    let file_rank = |problem: &Problem| {
        problem.file.as_ref().map_or(0, |path| {
            files
                .iter()
                .position(|f| &f.path == path)
                .map_or(usize::MAX, |i| i + 1)
        })
    };
    loaded
        .problems
        .sort_by_cached_key(|problem| (file_rank(problem), problem.pos.unwrap_or_default()));
}

/// Parses one file's text and adds its records to the inventory.
fn parse_file(loaded: &mut Loaded, role: FileRole, path: &Path, text: &str) {
    let file = FileId(loaded.inventory.files.len() as u32);
    let text: Arc<str> = Arc::from(text);
    loaded.inventory.files.push(SourceText {
        path: path.to_path_buf(),
        text: text.clone(),
    });
    let problems = &mut loaded.problems;
    let root = match yaml::parse(&text) {
        Ok(root) => root,
        Err(error) => {
            problems.push(syntax_problem(path, error));
            loaded.inventory.skipped_files.push(path.to_path_buf());
            return;
        }
    };
    let inventory = &mut loaded.inventory;
    match role {
        FileRole::Project => {
            let Some(root) = root else {
                problems.push(
                    Problem::file_error(path, "project.yaml is empty")
                        .with_help("run `hipaa-migrate init DIR` for a starter project.yaml"),
                );
                return;
            };
            if let Some(mut project) = decode_record::<Project>(path, &root, problems) {
                project.origin = Origin {
                    file,
                    pos: root.pos,
                };
                inventory.project = Some(project);
            }
        }
        FileRole::Systems => {
            let list = decode_list::<System>(path, root.as_ref(), "systems", problems);
            inventory.add_invalid(RecordKind::System, file, &list);
            inventory
                .systems
                .extend(list.with_origins(file, |system, origin| system.origin = origin));
        }
        FileRole::Vendors => {
            let list = decode_list::<Vendor>(path, root.as_ref(), "vendors", problems);
            inventory.add_invalid(RecordKind::Vendor, file, &list);
            inventory
                .vendors
                .extend(list.with_origins(file, |vendor, origin| vendor.origin = origin));
        }
        FileRole::Services => {
            let list = decode_list::<ServiceEntry>(path, root.as_ref(), "services", problems);
            inventory.add_invalid(RecordKind::Other, file, &list);
            inventory
                .services
                .extend(list.with_origins(file, |entry, origin| entry.origin = origin));
        }
        FileRole::Controls => {
            let list = decode_list::<ControlEntry>(path, root.as_ref(), "controls", problems);
            inventory.add_invalid(RecordKind::Other, file, &list);
            inventory
                .controls
                .extend(list.with_origins(file, |entry, origin| entry.origin = origin));
        }
    }
}

/// Turns a parser error into a problem, rewording the parser's messages that name its own
/// configuration.
fn syntax_problem(path: &Path, error: yaml::SyntaxError) -> Problem {
    if let Some(rest) = error.message.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(',').next().unwrap_or(rest).trim();
        return Problem::error(path, error.pos, format!("duplicate key `{key}`"))
            .with_help("each key appears once per entry; remove one of the two");
    }
    if error.message.starts_with("budget breached") {
        return Problem::error(
            path,
            error.pos,
            format!(
                "file exceeds the parser's safety limits ({})",
                error.message
            ),
        )
        .with_help(
            "nest less than 32 levels deep and expand aliases less; an inventory this shape is \
             more likely a mistake or an attack than a real estate",
        );
    }
    if error.message.contains("unknown anchor") {
        return Problem::error(path, error.pos, format!("invalid YAML: {}", error.message))
            .with_help(
                "fix the alias's spelling, or define the anchor (`&name`) above this line; \
                 anchors apply within one file only",
            );
    }
    if error.message.contains("tab") {
        return Problem::error(path, error.pos, error.message);
    }
    Problem::error(path, error.pos, format!("invalid YAML: {}", error.message)).with_help(
        "check this line and the one before it for an unclosed bracket or quote, or a \
         misaligned indent",
    )
}

/// Decodes a single mapping, recording a problem for each invalid field.
///
/// Serde stops at the first error, so after each error the field holding it is removed and
/// the record decoded again, until it decodes or a required field is gone. A record whose
/// invalid fields were all optional is returned without them, so the checks between records
/// still run on the rest of it.
fn decode_record<T: DeserializeOwned>(
    path: &Path,
    node: &Node,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    let first_error = match decode::from_node::<T>(node) {
        Ok(record) => return Some(record),
        Err(error) => error,
    };
    let Value::Map(entries) = &node.value else {
        problems.push(decode_problem(path, node, first_error));
        return None;
    };
    let mut entries = entries.clone();
    let mut removed: Vec<String> = Vec::new();
    let mut error = first_error;
    loop {
        let consequence = removed
            .iter()
            .any(|key| error.message == format!("missing field `{key}`"));
        if consequence {
            return None;
        }
        let culprit = error.pos.and_then(|pos| entry_containing(&entries, pos));
        problems.push(decode_problem(path, node, error));
        let index = culprit?;
        let (key, _) = entries.remove(index);
        if let Value::Str(name) = key.value {
            removed.push(name);
        }
        let attempt = Node {
            value: Value::Map(entries.clone()),
            pos: node.pos,
        };
        match decode::from_node::<T>(&attempt) {
            Ok(record) => return Some(record),
            Err(next) => error = next,
        }
    }
}

/// Returns the index of the mapping entry whose key or value holds `pos`.
fn entry_containing(entries: &[(Node, Node)], pos: yaml::Pos) -> Option<usize> {
    let mut found = None;
    for (index, (key, _)) in entries.iter().enumerate() {
        if key.pos <= pos {
            found = Some(index);
        }
    }
    found
}

fn decode_problem(path: &Path, node: &Node, error: decode::DecodeError) -> Problem {
    let mut problem = Problem::error(path, error.pos.unwrap_or(node.pos), error.full_message());
    if let Some(help) = error.help {
        problem = problem.with_help(help);
    }
    problem
}

/// The records of one list file.
struct DecodedList<T> {
    /// Records that decoded, with the position where each starts.
    records: Vec<(T, yaml::Pos)>,
    /// The `id` of each entry that did not decode, where it has one.
    invalid_ids: Vec<Located<String>>,
    /// Number of entries left out because they did not decode.
    rejected: usize,
}

impl<T> DecodedList<T> {
    /// Returns the records with their origin set through `set`.
    fn with_origins(self, file: FileId, set: impl Fn(&mut T, Origin)) -> impl Iterator<Item = T> {
        self.records.into_iter().map(move |(mut record, pos)| {
            set(&mut record, Origin { file, pos });
            record
        })
    }
}

impl Inventory {
    /// Records the entries of a list file that failed to decode.
    fn add_invalid<T>(&mut self, kind: RecordKind, file: FileId, list: &DecodedList<T>) {
        self.rejected_entries += list.rejected;
        if kind == RecordKind::Other {
            return;
        }
        self.invalid_records
            .extend(list.invalid_ids.iter().map(|id| InvalidRecord {
                kind,
                id: id.clone(),
                origin: Origin { file, pos: id.pos },
            }));
    }
}

/// Decodes a list of records, keeping the valid ones and recording a problem for each other.
fn decode_list<T: DeserializeOwned>(
    path: &Path,
    root: Option<&Node>,
    what: &str,
    problems: &mut Vec<Problem>,
) -> DecodedList<T> {
    let mut list = DecodedList {
        records: Vec::new(),
        invalid_ids: Vec::new(),
        rejected: 0,
    };
    let Some(root) = root else {
        problems.push(Problem::file_warning(
            path,
            format!("file is empty; read as an empty list of {what}"),
        ));
        return list;
    };
    let items = match &root.value {
        Value::Seq(items) => items,
        other => {
            problems.push(
                Problem::error(
                    path,
                    root.pos,
                    format!("expected a list of {what}, found {}", other.type_name()),
                )
                .with_help("start each entry with `- id:` at the left margin"),
            );
            return list;
        }
    };
    list.records.reserve(items.len());
    for item in items {
        if !matches!(item.value, Value::Map(_)) {
            problems.push(
                Problem::error(
                    path,
                    item.pos,
                    format!(
                        "expected an entry with fields, found {}",
                        item.value.type_name()
                    ),
                )
                .with_help("write each entry as `- id: ...` followed by its fields"),
            );
            list.rejected += 1;
            continue;
        }
        if let Some(record) = decode_record::<T>(path, item, problems) {
            list.records.push((record, item.pos));
        } else {
            list.rejected += 1;
            list.invalid_ids.extend(raw_id(item));
        }
    }
    list
}

/// Reads the `id` of an entry that failed to decode, when it is a plain string.
fn raw_id(item: &Node) -> Option<Located<String>> {
    let Value::Map(entries) = &item.value else {
        return None;
    };
    entries
        .iter()
        .find_map(|(key, value)| match (&key.value, &value.value) {
            (Value::Str(key), Value::Str(id)) if key == "id" => Some(Located {
                value: id.clone(),
                pos: value.pos,
            }),
            _ => None,
        })
}
