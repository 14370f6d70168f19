//! The loader returns problems, never panics, on arbitrary bytes, on randomly damaged copies of
//! real inventory files, and on documents built to exhaust a parser.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use hipaa_migrate::diagnostic::Renderer;
use hipaa_migrate::loader::{self, Loaded};
use proptest::prelude::*;

fn example_files() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("inventories");
    let mut files = Vec::new();
    for dir in [
        root.join("invalid/base"),
        root.join("minimal"),
        root.join("riverbend"),
    ] {
        let mut paths: Vec<PathBuf> = walk(&dir);
        paths.sort();
        for path in paths {
            let name = path
                .strip_prefix(&dir)
                .unwrap_or(&path)
                .to_string_lossy()
                .into_owned();
            if let Ok(text) = fs::read_to_string(&path) {
                files.push((name, text));
            }
        }
    }
    files
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            paths.extend(walk(&path));
        } else if path.extension().is_some_and(|e| e == "yaml") {
            paths.push(path);
        }
    }
    paths
}

/// Writes the base case with `name` replaced by `bytes`, loads it, and returns the problems.
fn load_with(name: &str, bytes: &[u8]) -> Vec<String> {
    let loaded = load_loaded_with(name, bytes);
    loaded.problems.iter().map(ToString::to_string).collect()
}

/// Writes the base case with `name` replaced by `bytes` and loads it.
fn load_loaded_with(name: &str, bytes: &[u8]) -> Loaded {
    let temp = tempfile::tempdir().expect("temporary folder");
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("inventories/invalid/base");
    for file in ["project.yaml", "systems.yaml", "vendors.yaml"] {
        fs::copy(base.join(file), temp.path().join(file)).expect("copy base file");
    }
    let path = temp.path().join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create folder");
    }
    fs::write(&path, bytes).expect("write file");
    loader::load(temp.path())
}

/// Renders every problem as `check` prints them, without color.
fn render_all(loaded: &Loaded) -> Vec<String> {
    let renderer = Renderer::new(&loaded.inventory.files, false);
    loaded
        .problems
        .iter()
        .map(|problem| renderer.render(problem))
        .collect()
}

/// Returns a valid system record with `extra` appended as further fields.
fn system_with(id: &str, extra: &str) -> String {
    format!("- id: {id}\n  name: Store\n  kind: database\n  environment: production\n{extra}")
}

/// A damaging edit to a file's text.
#[derive(Clone, Debug)]
enum Mutation {
    Delete { at: usize, len: usize },
    Insert { at: usize, text: String },
    DuplicateLine { line: usize },
    SwapLines { first: usize, second: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1..40usize).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), "[-:\\[\\]{}#&*!|>'\"%@\t\n ,?a-z0-9]{1,8}")
            .prop_map(|(at, text)| Mutation::Insert { at, text }),
        any::<usize>().prop_map(|line| Mutation::DuplicateLine { line }),
        (any::<usize>(), any::<usize>())
            .prop_map(|(first, second)| Mutation::SwapLines { first, second }),
    ]
}

fn apply(text: &str, mutation: &Mutation) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    let mut lines: Vec<&str> = text.lines().collect();
    match mutation {
        Mutation::Delete { at, len } => {
            if !bytes.is_empty() {
                let start = at % bytes.len();
                let end = (start + len).min(bytes.len());
                bytes.drain(start..end);
            }
            bytes
        }
        Mutation::Insert { at, text } => {
            let at = at % (bytes.len() + 1);
            bytes.splice(at..at, text.bytes());
            bytes
        }
        Mutation::DuplicateLine { line } => {
            if !lines.is_empty() {
                let index = line % lines.len();
                lines.insert(index, lines[index]);
            }
            lines.join("\n").into_bytes()
        }
        Mutation::SwapLines { first, second } => {
            if !lines.is_empty() {
                let count = lines.len();
                lines.swap(first % count, second % count);
            }
            lines.join("\n").into_bytes()
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let problems = load_with("systems.yaml", &bytes);
        // Any outcome is fine as long as it is reported; most random bytes are invalid.
        prop_assert!(problems.iter().all(|p| !p.is_empty()));
    }

    #[test]
    fn damaged_example_files_never_panic(
        pick in any::<usize>(),
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        let files = example_files();
        prop_assume!(!files.is_empty());
        let (name, text) = &files[pick % files.len()];
        let mut bytes = text.clone().into_bytes();
        for mutation in &mutations {
            bytes = apply(&String::from_utf8_lossy(&bytes), mutation);
        }
        let problems = load_with(name, &bytes);
        prop_assert!(problems.iter().all(|p| !p.is_empty()));
    }
}

#[test]
fn deep_nesting_is_rejected() {
    let depth = 100_000;
    let text = format!("- id: {}x{}", "[".repeat(depth), "]".repeat(depth));
    let problems = load_with("systems.yaml", text.as_bytes());
    assert!(!problems.is_empty(), "deep nesting must be reported");
}

#[test]
fn deep_block_nesting_is_rejected() {
    let mut text = String::new();
    for level in 0..500 {
        text.push_str(&" ".repeat(level * 2));
        text.push_str("a:\n");
    }
    let problems = load_with("project.yaml", text.as_bytes());
    assert!(!problems.is_empty(), "deep nesting must be reported");
    assert!(
        problems[0].contains("values are nested more than 32 levels deep"),
        "{problems:#?}"
    );
    assert!(!problems[0].contains("Depth {"), "{problems:#?}");
}

#[test]
fn alias_expansion_bomb_is_rejected() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..12 {
        let previous = level - 1;
        let refs = vec![format!("*a{previous}"); 10].join(", ");
        writeln!(text, "a{level}: &a{level} [{refs}]").expect("write to string");
    }
    text.push_str("organisation: *a11\n");
    let problems = load_with("project.yaml", text.as_bytes());
    assert!(!problems.is_empty(), "an alias bomb must be reported");
}

#[test]
fn many_aliases_to_one_record_load() {
    // Ordinary alias use stays within the budget.
    let mut text = String::from(
        "- &portal\n  id: portal-0\n  name: Portal\n  kind: application\n  environment: production\n",
    );
    for index in 1..200 {
        write!(text, "- <<: *portal\n  id: portal-{index}\n").expect("write to string");
    }
    let problems = load_with("systems/many.yaml", text.as_bytes());
    assert!(
        problems.iter().all(|p| !p.contains("error")),
        "{problems:#?}"
    );
}

#[test]
fn problem_past_column_65535_renders() {
    let extra = format!("  depends_on: [{}nope]\n", " ".repeat(70_000));
    let loaded = load_loaded_with("systems.yaml", system_with("store", &extra).as_bytes());
    assert_eq!(loaded.problems.len(), 1, "{:#?}", loaded.problems);
    let rendered = render_all(&loaded);
    assert_eq!(rendered[0], format!("{}\n", loaded.problems[0]));
}

#[test]
fn many_problems_on_one_line_render_small() {
    let count = 2_000;
    let references: Vec<String> = (0..count).map(|index| format!("missing-{index}")).collect();
    let extra = format!("  depends_on: [{}]\n", references.join(", "));
    let loaded = load_loaded_with("systems.yaml", system_with("store", &extra).as_bytes());
    assert_eq!(loaded.problems.len(), count, "one problem per reference");
    let total: usize = render_all(&loaded).iter().map(String::len).sum();
    // One line each, about 150 bytes with the temporary path; a snippet would repeat the
    // 25,000-character line every time.
    assert!(total < count * 400, "rendered {total} bytes");
}

#[test]
fn short_lines_keep_snippets() {
    let loaded = load_loaded_with(
        "systems.yaml",
        system_with("store", "  depends_on: [missing]\n").as_bytes(),
    );
    let rendered = render_all(&loaded);
    assert_eq!(rendered.len(), 1);
    assert!(
        rendered[0].contains("depends_on: [missing]"),
        "{}",
        rendered[0]
    );
}

#[test]
fn terminal_controls_are_not_echoed() {
    let extra = "  depends_on: [\"\\e[31mRED\\e]0;title\\a\\u202E\"]\n";
    let loaded = load_loaded_with("systems.yaml", system_with("store", extra).as_bytes());
    assert_eq!(loaded.problems.len(), 1, "{:#?}", loaded.problems);
    let outputs = [render_all(&loaded).join(""), loaded.problems[0].to_string()];
    for output in outputs {
        for hidden in ['\u{1b}', '\u{7}', '\u{202e}'] {
            assert!(!output.contains(hidden), "{hidden:?} in {output:?}");
        }
        assert!(output.contains("\\u{1b}[31mRED"), "{output}");
    }
}

#[test]
fn control_bytes_in_source_are_masked_in_snippets() {
    let extra = "  owner: \"a\u{1b}]0;title\u{7}\"\n  kind: databse\n";
    let text = format!("- id: store\n  name: Store\n  environment: production\n{extra}");
    let loaded = load_loaded_with("systems.yaml", text.as_bytes());
    assert_eq!(loaded.problems.len(), 1, "{:#?}", loaded.problems);
    let rendered = render_all(&loaded).join("");
    assert!(!rendered.contains('\u{1b}'), "{rendered:?}");
    assert!(!rendered.contains('\u{7}'), "{rendered:?}");
    assert!(rendered.contains("a?]0;title?"), "{rendered}");
}

#[test]
fn record_with_many_errors_is_capped() {
    let items = vec!["{a: 1}"; 5_000].join(", ");
    let extra = format!("  depends_on: [{items}]\n");
    let start = std::time::Instant::now();
    let loaded = load_loaded_with("systems.yaml", system_with("store", &extra).as_bytes());
    let elapsed = start.elapsed();
    assert_eq!(loaded.problems.len(), 101);
    let notes = loaded
        .problems
        .iter()
        .filter(|p| p.message == "entry has more errors than the 100 shown here")
        .count();
    assert_eq!(notes, 1);
    assert!(
        loaded
            .inventory
            .systems
            .iter()
            .all(|s| s.id.value != "store")
    );
    // Without the cap, each of the 5,000 errors would decode the 5,000 items again.
    assert!(elapsed.as_secs() < 20, "took {elapsed:?}");
}
