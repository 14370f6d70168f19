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
use std::sync::atomic::{AtomicUsize, Ordering};

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
/// Files are read, parsed and decoded on up to as many threads as the machine has cores, one
/// file per thread at a time. Their results are merged in reading order, so file ids, record
/// order and problem order do not depend on the number of threads.
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
    // A file that cannot be measured counts as empty, and reading it reports the problem.
    let size = |file: &files::FoundFile| std::fs::metadata(&file.path).map_or(0, |meta| meta.len());
    let outcomes = map_in_order(&discovered.files, size, |file| {
        files::read_text(&file.path).map(|text| parse_file(file.role, &file.path, &text))
    });
    for (file, outcome) in discovered.files.into_iter().zip(outcomes) {
        match outcome {
            Ok(parsed) => loaded.add_file(file.path, parsed),
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

/// Applies `work` to every item on up to as many threads as the machine has cores, and
/// returns the results in the order of `items`.
///
/// Items are started largest first, by `size`, and each thread takes the next item not yet
/// taken. So the small items fill the gaps at the end and the threads finish close together,
/// whatever order the items come in. With one core or one item, everything runs on the
/// calling thread. If a thread cannot be started, the threads that did start share its items.
///
/// # Panics
/// Panics with the panic of `work`, if it panics on any item.
pub fn map_in_order<T, R, F>(items: &[T], size: impl Fn(&T) -> u64, work: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(work).collect();
    }
    let mut order: Vec<(u64, usize)> = items
        .iter()
        .enumerate()
        .map(|(index, item)| (size(item), index))
        .collect();
    order.sort_unstable_by_key(|&(size, index)| (std::cmp::Reverse(size), index));
    let next = AtomicUsize::new(0);
    let run = || {
        let mut done = Vec::new();
        loop {
            let Some(&(_, index)) = order.get(next.fetch_add(1, Ordering::Relaxed)) else {
                return done;
            };
            done.push((index, work(&items[index])));
        }
    };
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .name("hipaa-migrate-load".to_owned())
                    .stack_size(WORKER_STACK_BYTES)
                    .spawn_scoped(scope, run)
                    .ok()
            })
            .collect();
        let mut results = run();
        for helper in helpers {
            match helper.join() {
                Ok(done) => results.extend(done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        results
    });
    results.sort_unstable_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

/// Stack size of each loading thread. The parser and the decoder recurse once per nesting
/// level of a file, up to the parser's depth limit. With one core the files are parsed on the
/// calling thread, usually a main thread of 8 MiB, so the workers get the same.
const WORKER_STACK_BYTES: usize = 8 * 1024 * 1024;

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

/// The text, problems and records of one parsed file, before it is given its [`FileId`].
struct ParsedFile {
    /// The text, without a byte-order mark.
    text: Arc<str>,
    /// The file's problems, in the order found.
    problems: Vec<Problem>,
    /// The records that decoded.
    records: Records,
}

/// The records of one file, by the file's role.
enum Records {
    /// The file is not valid YAML, or contains nothing usable.
    Unusable {
        /// Whether the file would define ids but is not valid YAML, so its ids are unknown.
        hides_ids: bool,
    },
    /// `project.yaml`, with its position.
    Project(Project, Pos),
    /// A file of systems.
    Systems(DecodedList<System>),
    /// A file of vendors.
    Vendors(DecodedList<Vendor>),
    /// `services.yaml`.
    Services(DecodedList<ServiceEntry>),
    /// `controls.yaml`.
    Controls(DecodedList<ControlEntry>),
}

impl Loaded {
    /// Adds one parsed file to the inventory, giving it the next file id.
    fn add_file(&mut self, path: PathBuf, parsed: ParsedFile) {
        let inventory = &mut self.inventory;
        let file = FileId(u32::try_from(inventory.files.len()).unwrap_or(u32::MAX));
        self.problems.extend(parsed.problems);
        match parsed.records {
            Records::Unusable { hides_ids } => {
                if hides_ids {
                    inventory.skipped_files.push(path.clone());
                }
            }
            Records::Project(mut project, pos) => {
                project.origin = Origin { file, pos };
                inventory.project = Some(project);
            }
            Records::Systems(list) => {
                inventory.add_invalid(RecordKind::System, file, &list);
                inventory
                    .systems
                    .extend(list.with_origins(file, |system, origin| system.origin = origin));
            }
            Records::Vendors(list) => {
                inventory.add_invalid(RecordKind::Vendor, file, &list);
                inventory
                    .vendors
                    .extend(list.with_origins(file, |vendor, origin| vendor.origin = origin));
            }
            Records::Services(list) => {
                inventory.add_invalid(RecordKind::Other, file, &list);
                inventory
                    .services
                    .extend(list.with_origins(file, |entry, origin| entry.origin = origin));
            }
            Records::Controls(list) => {
                inventory.add_invalid(RecordKind::Other, file, &list);
                inventory
                    .controls
                    .extend(list.with_origins(file, |entry, origin| entry.origin = origin));
            }
        }
        inventory.files.push(SourceText {
            path,
            text: parsed.text,
        });
    }
}

/// Parses and decodes one file's text. Touches nothing shared, so files can be parsed on
/// several threads at once.
fn parse_file(role: FileRole, path: &Path, text: &str) -> ParsedFile {
    // The parser skips a byte-order mark. The stored text drops it too, so the positions the
    // parser reports match the text that snippets are drawn from.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text: Arc<str> = Arc::from(text);
    let mut problems = Vec::new();
    let records = match yaml::parse(&text) {
        Ok(root) => decode_file(role, path, root.as_ref(), &mut problems),
        Err(error) => {
            problems.push(syntax_problem(path, error));
            Records::Unusable {
                hides_ids: role.defines_ids(),
            }
        }
    };
    ParsedFile {
        text,
        problems,
        records,
    }
}

/// Decodes the node tree of one file by its role.
fn decode_file(
    role: FileRole,
    path: &Path,
    root: Option<&Node>,
    problems: &mut Vec<Problem>,
) -> Records {
    match role {
        FileRole::Project => {
            let Some(root) = root else {
                problems.push(
                    Problem::file_error(path, "project.yaml is empty")
                        .with_help("run `hipaa-migrate init DIR` for a starter project.yaml"),
                );
                return Records::Unusable { hides_ids: false };
            };
            match decode_record::<Project>(path, root, problems) {
                Some(project) => Records::Project(project, root.pos),
                None => Records::Unusable { hides_ids: false },
            }
        }
        FileRole::Systems => Records::Systems(decode_list(path, root, "systems", problems)),
        FileRole::Vendors => Records::Vendors(decode_list(path, root, "vendors", problems)),
        FileRole::Services => Records::Services(decode_list(path, root, "services", problems)),
        FileRole::Controls => Records::Controls(decode_list(path, root, "controls", problems)),
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

#[cfg(test)]
mod tests {
    use super::map_in_order;

    #[test]
    fn results_keep_item_order() {
        let items: Vec<u64> = (0..500).collect();
        // Uneven work, so threads finish their items out of order.
        let results = map_in_order(
            &items,
            |&n| n % 7,
            |&n| {
                let rounds = (500 - n) * 200;
                let mut sum = n;
                for round in 0..rounds {
                    sum = std::hint::black_box(sum.wrapping_add(round));
                }
                std::hint::black_box(sum);
                n * 2
            },
        );
        let expected: Vec<u64> = items.iter().map(|&n| n * 2).collect();
        assert_eq!(results, expected);
    }

    #[test]
    fn empty_items_give_empty_results() {
        let results: Vec<u8> = map_in_order(&[] as &[u8], |_| 0, |&n| n);
        assert!(results.is_empty());
    }

    #[test]
    #[should_panic(expected = "item 7 is bad")]
    fn worker_panic_reaches_caller() {
        let items: Vec<u32> = (0..64).collect();
        map_in_order(
            &items,
            |_| 0,
            |&n| {
                assert!(n != 7, "item {n} is bad");
                n
            },
        );
    }
}
