//! Reading an inventory folder into the typed model, collecting every problem on the way.
//!
//! Loading runs in three steps: find the files, parse each into records, then resolve the
//! references between records. Each step reports all it finds; none stops at the first problem.

pub mod decode;
mod files;
mod resolve;
pub mod yaml;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::DeserializeOwned;

use crate::diagnostic::{Problem, SourceText};
use crate::model::{ControlEntry, FileId, Located, Origin, Project, ServiceEntry, System, Vendor};
use decode::{DecodeErrorKind, Segment, closest};
use yaml::{Node, Pos, Value};

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
    /// Systems and vendors files or folders that could not be read or parsed at all. While
    /// any exist, references to ids that are not found are not reported, since the ids may be
    /// defined there.
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
    let Some(discovered) = files::discover(dir, &mut loaded.problems) else {
        return loaded;
    };
    loaded.inventory.skipped_files = discovered.unreadable_id_sources;
    let read = files::read_all(&discovered.files);
    for (file, result) in discovered.files.into_iter().zip(read) {
        match result {
            Ok(text) => parse_file(&mut loaded, file.role, &file.path, &text),
            Err(problem) => {
                if file.role.defines_ids() {
                    loaded.inventory.skipped_files.push(file.path);
                }
                loaded.problems.push(*problem);
            }
        }
    }
    resolve::resolve(&loaded.inventory, &mut loaded.problems);
    sort_problems(&mut loaded);
    loaded
}

/// Orders problems by file, in reading order, then by position. Problems with the folder, or
/// with a file that was not loaded, come first, in the order they were found.
fn sort_problems(loaded: &mut Loaded) {
    let files = &loaded.inventory.files;
    let file_rank = |problem: &Problem| {
        problem.file.as_ref().map_or(0, |path| {
            files
                .iter()
                .position(|f| &f.path == path)
                .map_or(0, |i| i + 1)
        })
    };
    loaded
        .problems
        .sort_by_cached_key(|problem| (file_rank(problem), problem.pos.unwrap_or_default()));
}

/// Parses one file's text and adds its records to the inventory.
fn parse_file(loaded: &mut Loaded, role: FileRole, path: &Path, text: &str) {
    let file = FileId(loaded.inventory.files.len() as u32);
    // The parser skips a byte-order mark. The stored text drops it too, so the positions the
    // parser reports match the text that snippets are drawn from.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
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
            if role.defines_ids() {
                loaded.inventory.skipped_files.push(path.to_path_buf());
            }
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

/// Turns a parser error into a problem, with advice that fits its kind.
fn syntax_problem(path: &Path, error: yaml::SyntaxError) -> Problem {
    use yaml::SyntaxErrorKind;

    match error.kind {
        SyntaxErrorKind::DuplicateKey => Problem::error(path, error.pos, error.message)
            .with_help("each key appears once per entry; remove one of the two"),
        SyntaxErrorKind::Budget => Problem::error(
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
        ),
        SyntaxErrorKind::UnknownAnchor => {
            Problem::error(path, error.pos, format!("invalid YAML: {}", error.message)).with_help(
                "fix the alias's spelling, or define the anchor (`&name`) above this line; \
                 anchors apply within one file only",
            )
        }
        SyntaxErrorKind::TabIndentation => Problem::error(path, error.pos, error.message),
        SyntaxErrorKind::MultipleDocuments => Problem::error(path, error.pos, error.message)
            .with_help(
                "remove the extra `---` line; to add entries, continue the list of the first \
                 document",
            ),
        SyntaxErrorKind::RecursiveAlias => Problem::error(path, error.pos, error.message)
            .with_help("write the inner value out in full instead of the alias"),
        SyntaxErrorKind::Syntax => {
            Problem::error(path, error.pos, format!("invalid YAML: {}", error.message)).with_help(
                "check this line and the one before it for an unclosed bracket or quote, or a \
                 misaligned indent",
            )
        }
        SyntaxErrorKind::Other => {
            Problem::error(path, error.pos, format!("invalid YAML: {}", error.message))
        }
    }
}

/// Decodes a single mapping, recording a problem for each invalid field.
///
/// Serde stops at the first error. So after each error, the node the error is about is removed
/// from a copy of the record and the copy decoded again. That node is an invalid value, an
/// unknown key, or a nested mapping that lacks a required field. A missing field that follows
/// from an earlier removal is not reported. Decoding stops when the record decodes, or when
/// the record itself lacks a required field, which leaves the record out. A record whose
/// invalid fields were all optional is returned without them, so the checks between records
/// still run on the rest of it.
///
/// Each attempt decodes the whole record again, so after [`MAX_DECODE_ATTEMPTS`] attempts the
/// record is left out, with a note that it has more errors.
fn decode_record<T: DeserializeOwned>(
    path: &Path,
    node: &Node,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    let mut error = match decode::from_node::<T>(node) {
        Ok(record) => return Some(record),
        Err(error) => error,
    };
    let mut tree = node.clone();
    let mut removals: Vec<Removal> = Vec::new();
    let mut reported: HashSet<(Pos, String)> = HashSet::new();
    for _ in 0..MAX_DECODE_ATTEMPTS {
        let follows_removal = match &error.kind {
            DecodeErrorKind::MissingField(field) => follows_removal(&removals, &error.path, field),
            _ => false,
        };
        let at_root = error.path.is_empty();
        let unknown_key = matches!(error.kind, DecodeErrorKind::UnknownField);
        if !follows_removal {
            let problem = decode_problem(path, node, &error);
            let key = (problem.pos.unwrap_or_default(), problem.message.clone());
            if reported.insert(key) {
                problems.push(problem);
            }
        }
        let target = error.path;
        if at_root || !remove_node(&mut tree, &target) {
            return None;
        }
        note_removal(&mut removals, target, unknown_key);
        match decode::from_node::<T>(&tree) {
            Ok(record) => return Some(record),
            Err(next) => error = next,
        }
    }
    problems.push(
        Problem::error(
            path,
            node.pos,
            format!(
                "entry has more errors than the {} shown here",
                reported.len()
            ),
        )
        .with_help("fix the errors shown and check again to see the rest"),
    );
    None
}

/// Maximum number of times one record is decoded while collecting its errors.
const MAX_DECODE_ATTEMPTS: usize = 100;

/// A node removed from a record while decoding it again.
struct Removal {
    /// Path of the removed node from the record.
    path: Vec<Segment>,
    /// Whether the node was an unknown key, which may be a misspelt required field.
    unknown_key: bool,
}

/// Returns whether `field` is missing from the mapping at `mapping` because an earlier
/// removal took it out, or took out an unknown key that is likely a misspelling of it.
fn follows_removal(removals: &[Removal], mapping: &[Segment], field: &str) -> bool {
    removals.iter().any(|removal| {
        let Some((Segment::Key(key), parent)) = removal.path.split_last() else {
            return false;
        };
        parent == mapping
            && (key == field || (removal.unknown_key && closest(key, [field]).is_some()))
    })
}

/// Records a removal, forgetting earlier removals inside the removed node and renumbering
/// those in later items of the same list.
fn note_removal(removals: &mut Vec<Removal>, path: Vec<Segment>, unknown_key: bool) {
    removals.retain(|removal| !removal.path.starts_with(&path));
    if let Some((Segment::Index(removed), list)) = path.split_last() {
        for removal in removals.iter_mut() {
            if removal.path.len() > list.len()
                && removal.path.starts_with(list)
                && let Segment::Index(index) = &mut removal.path[list.len()]
                && *index > *removed
            {
                *index -= 1;
            }
        }
    }
    removals.push(Removal { path, unknown_key });
}

/// Removes the node at `path` below `node`: a mapping entry or a list item. Returns whether
/// the node was found.
fn remove_node(node: &mut Node, path: &[Segment]) -> bool {
    let Some((first, rest)) = path.split_first() else {
        return false;
    };
    match (&mut node.value, first) {
        (Value::Map(entries), Segment::Key(key)) => {
            let Some(index) = entries
                .iter()
                .position(|(entry_key, _)| decode::key_text(entry_key) == *key)
            else {
                return false;
            };
            if rest.is_empty() {
                entries.remove(index);
                true
            } else {
                remove_node(&mut entries[index].1, rest)
            }
        }
        (Value::Seq(items), Segment::Index(index)) if *index < items.len() => {
            if rest.is_empty() {
                items.remove(*index);
                true
            } else {
                remove_node(&mut items[*index], rest)
            }
        }
        _ => false,
    }
}

fn decode_problem(path: &Path, node: &Node, error: &decode::DecodeError) -> Problem {
    let mut problem = Problem::error(path, error.pos.unwrap_or(node.pos), error.full_message());
    if let Some(help) = &error.help {
        problem = problem.with_help(help.as_ref());
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
