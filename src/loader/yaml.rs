//! YAML parsing into a located node tree: the only module that talks to `serde-saphyr`.
//!
//! The loader parses each file into [`Node`]s first and converts them to typed records second,
//! so one bad record does not hide the problems of the records after it.

use std::fmt;

use serde::Serialize;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Budget, DuplicateKeyPolicy, MergeKeyPolicy, Options, Spanned};

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
    /// The parser's message, without the snippet it would draw itself.
    pub message: String,
    /// Where the parser stopped, when it reported a position.
    pub pos: Pos,
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
    if let Some(pos) = find_tab_indentation(text) {
        return Err(SyntaxError {
            message: "a tab is used for indentation; YAML allows only spaces there, so replace \
                      the tab with spaces"
                .to_owned(),
            pos,
        });
    }
    match serde_saphyr::from_str_with_options::<Option<Node>>(text, options()) {
        Ok(node) => Ok(node),
        Err(error) => Err(syntax_error(&error)),
    }
}

/// Finds the first line whose leading whitespace holds a tab before any other character.
///
/// The parser rejects these too, but with a generic message; a tab is the most common way a
/// hand-edited inventory breaks, so it gets a message of its own.
fn find_tab_indentation(text: &str) -> Option<Pos> {
    let mut in_block_scalar = false;
    let mut block_indent = 0;
    for (index, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        let content = line.trim_start_matches([' ', '\t']);
        if in_block_scalar {
            if content.is_empty() || indent > block_indent {
                continue;
            }
            in_block_scalar = false;
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
        let trimmed = content.trim_end();
        if trimmed.ends_with('|')
            || trimmed.ends_with('>')
            || trimmed.ends_with("|-")
            || trimmed.ends_with(">-")
            || trimmed.ends_with("|+")
            || trimmed.ends_with(">+")
        {
            in_block_scalar = true;
            block_indent = indent;
        }
    }
    None
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
    budget.max_depth = 32;
    // Inventories legitimately merge one `&defaults` anchor into thousands of records, so the
    // alias-to-anchor ratio heuristic is off; alias bombs are stopped by the replay limit.
    budget.enforce_alias_anchor_ratio = false;
    budget.max_aliases = 1_000_000;

    let mut options = Options::default();
    options.budget = Some(budget);
    options.strict_booleans = true;
    options.duplicate_keys = DuplicateKeyPolicy::Error;
    options.merge_keys = MergeKeyPolicy::Merge;
    options.alias_limits.max_total_replayed_events = 4_000_000;
    options
}

fn syntax_error(error: &serde_saphyr::Error) -> SyntaxError {
    let pos = error
        .location()
        .map(|location| Pos {
            line: u32::try_from(location.line()).unwrap_or(u32::MAX),
            column: u32::try_from(location.column()).unwrap_or(u32::MAX),
        })
        .unwrap_or_default();
    let message = error.without_snippet().to_string();
    let message = strip_location_suffix(&message);
    SyntaxError { message, pos }
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
        Ok(Node {
            value: spanned.value,
            pos,
        })
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
        assert!(error.message.contains("tab"), "{}", error.message);
        assert_eq!(error.pos, Pos { line: 2, column: 1 });
    }

    #[test]
    fn tab_inside_block_scalar_is_content() {
        let node = parse_ok("a: |\n  one\n  \ttwo\nb: 2\n");
        assert_eq!(map_value(&node, "b").value, Value::Int(2));
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
        assert!(error.pos.line >= 1, "{error:?}");
    }
}
