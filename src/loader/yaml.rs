//! YAML parsing into a located node tree: the only module that talks to `serde-saphyr`.
//!
//! The loader parses each file into [`Node`]s first and converts them to typed records second,
//! so one bad record does not hide the problems of the records after it.

use std::cell::RefCell;
use std::fmt;

use serde::Serialize;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{
    Budget, DuplicateKeyPolicy, MergeKeyPolicy, NonFiniteFloatPolicy, Options, Spanned,
};

/// A 1-based line and column in one source file; `0:0` means unknown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Pos {
    /// Line number, starting at 1.
    pub line: u32,
    /// Column number in characters, starting at 1.
    pub column: u32,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// One YAML value and where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The value with YAML 1.2 core-schema typing already applied.
    pub value: Value,
    /// Where the value is used; for a merged or aliased value, the merge or alias site.
    pub pos: Pos,
    /// The scalar as written, for numbers, so that a text field keeps `0x10`, `007` or `1.50`
    /// instead of the number's decimal form. `None` for other values and for nodes not read
    /// by [`parse`].
    pub text: Option<Box<str>>,
}

/// A YAML value. Only `true` and `false` (any case) are booleans, so `yes`, `no`, `on`, `off`
/// and `NO` are strings.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`, `~` or an empty value.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer that fits in 64 bits.
    Int(i64),
    /// An unsigned integer above `i64::MAX`.
    UInt(u64),
    /// A number with a fraction or exponent.
    Float(f64),
    /// Any other scalar, quoted or not.
    Str(String),
    /// A block or flow sequence.
    Seq(Vec<Node>),
    /// A mapping, with keys in source order and merge keys already applied.
    Map(Vec<(Node, Node)>),
}

impl Value {
    /// Names the YAML type for messages such as "expected a list, found a string".
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::UInt(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

/// A YAML syntax or structure error with its position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// Description of the error, in the parser's words unless plainer ones are set here, and
    /// without the snippet the parser would draw itself.
    pub message: String,
    /// Where the parser stopped, when it reported a position.
    pub pos: Pos,
    /// Kind of error, so callers can add advice that fits.
    pub kind: SyntaxErrorKind,
}

/// Kinds of [`SyntaxError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    /// The text is not well-formed YAML, such as an unclosed bracket or quote.
    Syntax,
    /// A tab is used for indentation, on a line before the place the parser stopped, on that
    /// line or on the next one.
    TabIndentation,
    /// A key appears twice in one mapping.
    DuplicateKey,
    /// An alias (`*name`) names an anchor that is not defined above it.
    UnknownAnchor,
    /// An anchored value contains an alias to itself.
    RecursiveAlias,
    /// The file holds more than one YAML document.
    MultipleDocuments,
    /// The file exceeds the parser's limits on size, nesting or alias expansion.
    Budget,
    /// Any other error the parser reports.
    Other,
}

/// Parses one YAML document into a node tree.
///
/// A leading UTF-8 byte-order mark is skipped. An empty document or one holding only comments
/// returns `Ok(None)`.
///
/// # Errors
/// Returns the first syntax error, duplicate key, tab used as indentation or budget breach.
pub fn parse(text: &str) -> Result<Option<Node>, SyntaxError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.lines().all(|line| {
        let line = line.trim();
        line.is_empty() || line.starts_with('#') || line == "---" || line == "..."
    }) {
        return Ok(None);
    }
    let result = {
        let _source = SourceGuard::set(text);
        serde_saphyr::from_str_with_options::<Option<Node>>(text, options())
    };
    let error = match result {
        Ok(node) => return Ok(node),
        Err(error) => syntax_error(&error),
    };
    // The parser's message for a tab is generic, and a tab is the most common way a
    // hand-edited inventory breaks, so a tab-indented line up to the place the parser stopped
    // gets a message of its own. Tabs elsewhere can be valid YAML, so they are looked for only
    // once the parser has failed. The parser often stops at the end of the line before the
    // tab, while still reading the value there, so the line after the error counts too.
    match find_tab_indentation(text) {
        Some(pos) if error.pos.line == 0 || pos.line <= error.pos.line.saturating_add(1) => {
            Err(SyntaxError {
                message:
                    "a tab is used for indentation; YAML allows only spaces there, so replace \
                      the tab with spaces"
                        .to_owned(),
                pos,
                kind: SyntaxErrorKind::TabIndentation,
            })
        }
        _ => Err(error),
    }
}

thread_local! {
    /// The text being parsed on this thread, so [`Node`] can keep the source text of numbers.
    static SOURCE: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Makes a text available to [`Node`]'s deserializer until dropped.
struct SourceGuard;

impl SourceGuard {
    fn set(text: &str) -> Self {
        SOURCE.with(|source| {
            let mut source = source.borrow_mut();
            source.clear();
            source.push_str(text);
        });
        SourceGuard
    }
}

impl Drop for SourceGuard {
    fn drop(&mut self) {
        SOURCE.with(|source| {
            let mut source = source.borrow_mut();
            source.clear();
            source.shrink_to_fit();
        });
    }
}

/// Returns the source text at `span`, when the span has byte offsets inside the text that
/// [`parse`] is reading.
fn source_text(span: serde_saphyr::Span) -> Option<Box<str>> {
    let start = usize::try_from(span.byte_offset()?).ok()?;
    let len = usize::try_from(span.byte_len()?).ok()?;
    SOURCE.with(|source| {
        source
            .borrow()
            .get(start..start.checked_add(len)?)
            .map(Box::from)
    })
}

/// Finds the first line whose leading whitespace holds a tab before any other character,
/// skipping the content of block scalars (`|` and `>`), where tabs are text.
fn find_tab_indentation(text: &str) -> Option<Pos> {
    // The indent of the line holding the block scalar's header, and the space indent of its
    // content once the first content line sets it.
    let mut block: Option<(usize, Option<usize>)> = None;
    for (index, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        let spaces = line.len() - line.trim_start_matches(' ').len();
        let content = line.trim_start_matches([' ', '\t']);
        if let Some((header_indent, content_indent)) = &mut block {
            if content.is_empty() {
                continue;
            }
            let inside = match *content_indent {
                Some(content_indent) => spaces >= content_indent,
                None if spaces > *header_indent => {
                    *content_indent = Some(spaces);
                    true
                }
                None => false,
            };
            if inside {
                continue;
            }
            block = None;
        }
        if let Some(column) = line[..indent].find('\t')
            && !content.is_empty()
            && !content.starts_with('#')
        {
            return Some(Pos {
                line: u32::try_from(index + 1).unwrap_or(u32::MAX),
                column: u32::try_from(column + 1).unwrap_or(u32::MAX),
            });
        }
        if starts_block_scalar(content) {
            block = Some((indent, None));
        }
    }
    None
}

/// Returns whether a line ends with a block scalar header such as `|`, `>-`, `|2` or
/// `|+  # comment`.
fn starts_block_scalar(content: &str) -> bool {
    let without_comment = match content.find(" #") {
        Some(index) => &content[..index],
        None => content,
    };
    let Some(header) = without_comment.split_whitespace().last() else {
        return false;
    };
    let mut chars = header.chars();
    matches!(chars.next(), Some('|' | '>'))
        && chars.all(|c| c.is_ascii_digit() || c == '+' || c == '-')
}

/// Sets the parser options every inventory file is read with.
///
/// The budget allows inventories of several hundred thousand records in one file while still
/// stopping alias bombs and pathological nesting. Inventories nest about five levels deep
/// (list, record, `flows`, flow, `data_classes`); the depth limit of 32 leaves room for that
/// while keeping recursion within a 2 MiB thread stack even in unoptimised builds, where each
/// level takes about 35 KiB.
fn options() -> Options {
    let mut budget = Budget::default();
    budget.max_events = 80_000_000;
    budget.max_nodes = 40_000_000;
    budget.max_total_scalar_bytes = 1 << 30;
    budget.max_reader_input_bytes = Some(1 << 30);
    budget.max_depth = MAX_DEPTH;
    // Inventories legitimately merge one `&defaults` anchor into thousands of records, so the
    // alias-to-anchor ratio heuristic is off; alias bombs are stopped by the replay limit.
    budget.enforce_alias_anchor_ratio = false;
    budget.max_aliases = 1_000_000;

    let mut options = Options::default();
    options.budget = Some(budget);
    options.strict_booleans = true;
    options.duplicate_keys = DuplicateKeyPolicy::Error;
    options.merge_keys = MergeKeyPolicy::Merge;
    // `.inf` and `.nan` are YAML 1.2 floats, but no inventory field is a float, so they are
    // read as the text they look like.
    options.non_finite_float_policy = NonFiniteFloatPolicy::AsString;
    options.alias_limits.max_total_replayed_events = 4_000_000;
    options
}

/// Deepest nesting of lists and mappings a file may have.
const MAX_DEPTH: usize = 32;

fn syntax_error(error: &serde_saphyr::Error) -> SyntaxError {
    use serde_saphyr::Error;

    let pos = error
        .location()
        .map(|location| Pos {
            line: u32::try_from(location.line()).unwrap_or(u32::MAX),
            column: u32::try_from(location.column()).unwrap_or(u32::MAX),
        })
        .unwrap_or_default();
    let mut inner = error;
    while let Error::WithSnippet { error, .. } | Error::AliasError { error, .. } = inner {
        inner = error;
    }
    let parser_message = || strip_location_suffix(&inner.to_string());
    let (kind, message) = match inner {
        Error::ExternalMessage { .. } | Error::Eof { .. } => {
            (SyntaxErrorKind::Syntax, parser_message())
        }
        Error::DuplicateMappingKey { key, .. } => (
            SyntaxErrorKind::DuplicateKey,
            match key {
                Some(key) => format!("duplicate key `{key}`"),
                None => "duplicate key".to_owned(),
            },
        ),
        Error::UnknownAnchor { .. } => (SyntaxErrorKind::UnknownAnchor, parser_message()),
        Error::Budget {
            breach: serde_saphyr::budget::BudgetBreach::Depth { .. },
            ..
        } => (
            SyntaxErrorKind::Budget,
            format!("values are nested more than {MAX_DEPTH} levels deep"),
        ),
        Error::Budget { .. }
        | Error::AliasReplayLimitExceeded { .. }
        | Error::AliasExpansionLimitExceeded { .. }
        | Error::AliasReplayStackDepthExceeded { .. }
        | Error::AliasReplayCounterOverflow { .. } => (SyntaxErrorKind::Budget, parser_message()),
        Error::MultipleDocuments { .. } => (
            SyntaxErrorKind::MultipleDocuments,
            "the file holds more than one YAML document, but an inventory file holds one"
                .to_owned(),
        ),
        Error::RecursiveReferencesRequireWeakTypes { .. } => (
            SyntaxErrorKind::RecursiveAlias,
            "an alias refers to the anchored value that contains it, which would make the \
             value endless"
                .to_owned(),
        ),
        _ => (SyntaxErrorKind::Other, parser_message()),
    };
    SyntaxError { message, pos, kind }
}

/// Removes the " at line X, column Y" the parser appends, because the position is shown apart.
fn strip_location_suffix(message: &str) -> String {
    let first_line = message.lines().next().unwrap_or(message).trim();
    match first_line.rfind(" at line ") {
        Some(index) => first_line[..index].trim_end_matches(',').to_owned(),
        None => first_line.to_owned(),
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<Value>::deserialize(deserializer)?;
        let pos = Pos {
            line: u32::try_from(spanned.referenced.line()).unwrap_or(u32::MAX),
            column: u32::try_from(spanned.referenced.column()).unwrap_or(u32::MAX),
        };
        let mut value = spanned.value;
        // The `defined` location is the scalar itself, also when `pos` is an alias or merge site.
        let text = match &mut value {
            Value::Int(_) | Value::UInt(_) | Value::Float(_) => source_text(spanned.defined.span()),
            Value::Str(canonical) if matches!(canonical.as_str(), ".inf" | "-.inf" | ".nan") => {
                // The parser passes `.INF` or `+.inf` on as `.inf`; keep the spelling written.
                if let Some(written) = source_text(spanned.defined.span())
                    && !written.starts_with(['\'', '"'])
                {
                    *canonical = written.into();
                }
                None
            }
            _ => None,
        };
        Ok(Node { value, pos, text })
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::UInt(v), Value::Int))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        Value::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Value::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some((key, value)) = map.next_entry::<Node, Node>()? {
            entries.push((key, value));
        }
        Ok(Value::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Node {
        parse(text).expect("valid YAML").expect("a document")
    }

    fn map_value<'a>(node: &'a Node, key: &str) -> &'a Node {
        let Value::Map(entries) = &node.value else {
            panic!("expected a mapping, found {node:?}");
        };
        entries
            .iter()
            .find(|(k, _)| k.value == Value::Str(key.to_owned()))
            .map_or_else(|| panic!("no key {key}"), |(_, v)| v)
    }

    #[test]
    fn yes_no_on_off_stay_strings() {
        let node = parse_ok("a: yes\nb: no\nc: on\nd: off\ne: NO\nf: true\ng: FALSE\n");
        for (key, text) in [
            ("a", "yes"),
            ("b", "no"),
            ("c", "on"),
            ("d", "off"),
            ("e", "NO"),
        ] {
            assert_eq!(
                map_value(&node, key).value,
                Value::Str(text.to_owned()),
                "{key}"
            );
        }
        assert_eq!(map_value(&node, "f").value, Value::Bool(true));
        assert_eq!(map_value(&node, "g").value, Value::Bool(false));
    }

    #[test]
    fn positions_are_one_based() {
        let node = parse_ok("first: 1\nsecond:\n  - x\n");
        let second = map_value(&node, "second");
        let Value::Seq(items) = &second.value else {
            panic!("expected a list");
        };
        assert_eq!(items[0].pos, Pos { line: 3, column: 5 });
    }

    #[test]
    fn merge_key_applies() {
        let node = parse_ok("base: &b {x: 1, y: 2}\nitem:\n  <<: *b\n  y: 3\n");
        let item = map_value(&node, "item");
        assert_eq!(map_value(item, "x").value, Value::Int(1));
        assert_eq!(map_value(item, "y").value, Value::Int(3));
    }

    #[test]
    fn duplicate_key_points_at_duplicate() {
        let error = parse("a: 1\nb: 2\na: 3\n").expect_err("duplicate key");
        assert!(error.message.contains("duplicate"), "{}", error.message);
        assert_eq!(error.pos.line, 3);
    }

    #[test]
    fn tab_indentation_is_named() {
        let error = parse("a:\n\tb: 1\n").expect_err("tab");
        assert_eq!(error.kind, SyntaxErrorKind::TabIndentation);
        assert!(error.message.contains("tab"), "{}", error.message);
        assert_eq!(error.pos, Pos { line: 2, column: 1 });
    }

    #[test]
    fn tab_inside_block_scalar_is_content() {
        let node = parse_ok("a: |\n  one\n  \ttwo\nb: 2\n");
        assert_eq!(map_value(&node, "b").value, Value::Int(2));
    }

    #[test]
    fn tab_after_commented_header_is_content() {
        let node = parse_ok("a: |  # steps\n  one\n  \ttwo\nb: 2\n");
        assert_eq!(
            map_value(&node, "a").value,
            Value::Str("one\n\ttwo\n".to_owned())
        );
        assert_eq!(map_value(&node, "b").value, Value::Int(2));
    }

    #[test]
    fn tab_after_indent_indicator_is_content() {
        let node = parse_ok("a: |2\n   one\n  \ttwo\nb: 2\n");
        assert_eq!(
            map_value(&node, "a").value,
            Value::Str(" one\n\ttwo\n".to_owned())
        );
    }

    #[test]
    fn tab_starting_quoted_continuation_is_valid() {
        let node = parse_ok("a: \"one\n\ttwo\"\nb: 2\n");
        assert_eq!(
            map_value(&node, "a").value,
            Value::Str("one two".to_owned())
        );
    }

    #[test]
    fn tab_before_syntax_error_is_named() {
        let error = parse("a: |  # steps\n  one\n\ttwo\nb: 1\n").expect_err("tab");
        assert_eq!(error.kind, SyntaxErrorKind::TabIndentation, "{error:?}");
        assert_eq!(error.pos, Pos { line: 3, column: 1 });
    }

    #[test]
    fn tab_after_syntax_error_is_not_blamed() {
        let error = parse("a: [1, 2\nb: 3\nc: |\n  x\n\td: 4\n").expect_err("syntax");
        assert_eq!(error.kind, SyntaxErrorKind::Syntax, "{error:?}");
        assert_eq!(error.pos.line, 2);
    }

    #[test]
    fn block_scalar_headers_are_recognised() {
        for header in ["a: |", "a: >-", "a: |2", "a: >+1", "- |  # note", "a: |-"] {
            assert!(starts_block_scalar(header), "{header}");
        }
        for line in ["a: b", "a: b|", "a: '|'", "a: # |"] {
            assert!(!starts_block_scalar(line), "{line}");
        }
    }

    #[test]
    fn numbers_keep_source_text() {
        let node =
            parse_ok("a: 0x10\nb: 007\nc: 1.50\nd: [1e3, -0]\ne: 123456789012345678901234567890\n");
        for (key, text) in [
            ("a", "0x10"),
            ("b", "007"),
            ("c", "1.50"),
            ("e", "123456789012345678901234567890"),
        ] {
            assert_eq!(map_value(&node, key).text.as_deref(), Some(text), "{key}");
        }
        let Value::Seq(items) = &map_value(&node, "d").value else {
            panic!("expected a list");
        };
        assert_eq!(items[0].text.as_deref(), Some("1e3"));
        assert_eq!(items[1].text.as_deref(), Some("-0"));
    }

    #[test]
    fn aliased_number_keeps_anchor_text() {
        let node = parse_ok("a: &n 0x1F\nb: *n\n");
        let alias = map_value(&node, "b");
        assert_eq!(alias.text.as_deref(), Some("0x1F"));
        assert_eq!(alias.pos, Pos { line: 2, column: 4 });
    }

    #[test]
    fn non_finite_floats_are_text() {
        let node = parse_ok("a: .inf\nb: -.Inf\nc: .NaN\nd: '.inf'\n");
        for (key, text) in [("a", ".inf"), ("b", "-.Inf"), ("c", ".NaN"), ("d", ".inf")] {
            assert_eq!(
                map_value(&node, key).value,
                Value::Str(text.to_owned()),
                "{key}"
            );
        }
    }

    #[test]
    fn second_document_is_named() {
        let error = parse("- a: 1\n---\n").expect_err("two documents");
        assert_eq!(error.kind, SyntaxErrorKind::MultipleDocuments);
        assert!(!error.message.contains("from_str"), "{}", error.message);
    }

    #[test]
    fn alias_inside_own_anchor_is_named() {
        let error = parse("a: &x [*x]\n").expect_err("recursive alias");
        assert_eq!(error.kind, SyntaxErrorKind::RecursiveAlias);
        assert!(!error.message.contains("weak"), "{}", error.message);
    }

    #[test]
    fn byte_order_mark_is_ignored() {
        let node = parse_ok("\u{feff}a: 1\n");
        assert_eq!(map_value(&node, "a").value, Value::Int(1));
    }

    #[test]
    fn comments_only_is_empty() {
        assert_eq!(parse("# nothing here\n\n   # still nothing\n"), Ok(None));
        assert_eq!(parse(""), Ok(None));
    }

    #[test]
    fn unclosed_flow_is_syntax_error() {
        let error = parse("a: [1, 2\nb: 3\n").expect_err("syntax");
        assert_eq!(error.kind, SyntaxErrorKind::Syntax);
        assert!(error.pos.line >= 1, "{error:?}");
    }
}
