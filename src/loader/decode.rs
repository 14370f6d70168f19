//! Conversion of a located YAML node tree into typed records, with positioned errors.
//!
//! Errors carry the position of the innermost node that caused them, and unknown fields and
//! enum values carry a "did you mean" suggestion.

use std::fmt;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, MapAccess,
    SeqAccess, VariantAccess, Visitor,
};

use super::yaml::{Node, Pos, Value};

/// Name of the newtype struct through which [`Located`] asks for a node's position.
pub(crate) const LOCATED_MARKER: &str = "$hipaa_migrate::Located";

/// A typed-record error at a position in the source file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// What is wrong, naming the value.
    pub message: String,
    /// What to do about it, when there is something specific to say.
    pub help: Option<Box<str>>,
    /// Position of the innermost node involved; `None` until a node claims the error.
    pub pos: Option<Pos>,
    /// Keys and list indices leading from the decoded node to the node the error is about:
    /// the invalid value, the unknown key, or the mapping that lacks a required field.
    pub path: Vec<Segment>,
    /// Kind of error.
    pub kind: DecodeErrorKind,
    /// The number as the message shows it, when the message names a number, so the node's
    /// source text can replace it.
    shown_number: Option<Box<str>>,
}

/// One step of a [`DecodeError::path`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Segment {
    /// The entry of a mapping with this key.
    Key(String),
    /// The item of a list at this index, counted from 0.
    Index(usize),
}

/// Kinds of [`DecodeError`] that callers treat apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeErrorKind {
    /// A required field, named here, is absent from the mapping at the error's path.
    MissingField(&'static str),
    /// A mapping has a key its record type does not define; the path ends at the key.
    UnknownField,
    /// Any other error: a wrong type or an invalid value.
    Other,
}

impl DecodeError {
    fn new(message: String, help: Option<String>, kind: DecodeErrorKind) -> Self {
        DecodeError {
            message,
            help: help.map(String::into_boxed_str),
            pos: None,
            path: Vec::new(),
            kind,
            shown_number: None,
        }
    }

    fn at(mut self, pos: Pos) -> Self {
        if self.pos.is_none() {
            self.pos = Some(pos);
        }
        self
    }

    /// Adds the step from a parent node to the node the path starts at.
    fn under(mut self, segment: Segment) -> Self {
        self.path.insert(0, segment);
        self
    }

    /// Shows the number as written in the source when the message names the node's number.
    fn with_number_text(mut self, node: &Node) -> Self {
        if self.pos.is_none()
            && let (Some(shown), Some(text)) = (self.shown_number.take(), &node.text)
        {
            self.message = self
                .message
                .replacen(&format!("`{shown}`"), &format!("`{text}`"), 1);
        }
        self
    }

    /// Returns the key of the innermost mapping entry that contains the error, not counting
    /// the unknown key itself when the error is an unknown field.
    pub fn field(&self) -> Option<&str> {
        let path = match self.kind {
            // The path ends at the unknown key itself, which the message names already.
            DecodeErrorKind::UnknownField => self.path.split_last().map_or(&[][..], |(_, p)| p),
            _ => &self.path[..],
        };
        path.iter().rev().find_map(|segment| match segment {
            Segment::Key(key) => Some(key.as_str()),
            Segment::Index(_) => None,
        })
    }

    /// Returns the message, naming the field when the error is about a field's value.
    pub fn full_message(&self) -> String {
        match self.field() {
            Some(field) => format!("`{field}`: {}", self.message),
            None => self.message.clone(),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DecodeError {}

impl de::Error for DecodeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DecodeError::new(msg.to_string(), None, DecodeErrorKind::Other)
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        let help = match closest(field, expected.iter().copied()) {
            Some(best) => format!(
                "did you mean `{best}`? Allowed fields: {}",
                quote_list(expected)
            ),
            None => format!("allowed fields: {}", quote_list(expected)),
        };
        DecodeError::new(
            format!("unknown field `{field}`"),
            Some(help),
            DecodeErrorKind::UnknownField,
        )
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        let help = match closest(variant, expected.iter().copied()) {
            Some(best) => format!(
                "did you mean `{best}`? Allowed values: {}",
                quote_list(expected)
            ),
            None => format!("allowed values: {}", quote_list(expected)),
        };
        DecodeError::new(
            format!("invalid value `{variant}`"),
            Some(help),
            DecodeErrorKind::Other,
        )
    }

    fn invalid_type(unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        let (found, shown_number) = describe_unexpected(&unexpected);
        let mut error = DecodeError::new(
            format!("expected {}, found {found}", describe_expected(expected)),
            None,
            DecodeErrorKind::Other,
        );
        error.shown_number = shown_number;
        error
    }

    fn invalid_value(unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        let (found, shown_number) = describe_unexpected(&unexpected);
        let mut error = DecodeError::new(
            format!("expected {}, found {found}", describe_expected(expected)),
            None,
            DecodeErrorKind::Other,
        );
        error.shown_number = shown_number;
        error
    }

    fn missing_field(field: &'static str) -> Self {
        DecodeError::new(
            format!("missing field `{field}`"),
            Some(format!("add `{field}:` to this entry")),
            DecodeErrorKind::MissingField(field),
        )
    }
}

/// Describes what serde expected in words a YAML author uses; serde names Rust types.
fn describe_expected(expected: &dyn de::Expected) -> String {
    let text = expected.to_string();
    let range = |min: &dyn fmt::Display, max: &dyn fmt::Display| {
        format!("a whole number from {min} to {max}")
    };
    match text.as_str() {
        "u8" => range(&u8::MIN, &u8::MAX),
        "u16" => range(&u16::MIN, &u16::MAX),
        "u32" => range(&u32::MIN, &u32::MAX),
        "u64" | "usize" => range(&u64::MIN, &u64::MAX),
        "i8" => range(&i8::MIN, &i8::MAX),
        "i16" => range(&i16::MIN, &i16::MAX),
        "i32" => range(&i32::MIN, &i32::MAX),
        "i64" | "isize" => range(&i64::MIN, &i64::MAX),
        "f32" | "f64" => "a number".to_owned(),
        "a string" | "a borrowed string" => "text".to_owned(),
        "a sequence" => "a list".to_owned(),
        _ if text.starts_with("struct ") => "a mapping of fields".to_owned(),
        _ => text,
    }
}

/// Describes a value serde rejected, quoting scalars in backticks, and returns the number's
/// text when the value is a number.
fn describe_unexpected(unexpected: &de::Unexpected<'_>) -> (String, Option<Box<str>>) {
    use de::Unexpected;

    let number = |kind: &str, text: String| (format!("the {kind} `{text}`"), Some(text.into()));
    match unexpected {
        Unexpected::Bool(value) => (format!("the boolean `{value}`"), None),
        Unexpected::Unsigned(value) => number("integer", value.to_string()),
        Unexpected::Signed(value) => number("integer", value.to_string()),
        Unexpected::Float(value) => number("number", value.to_string()),
        Unexpected::Char(value) => (format!("the character `{value}`"), None),
        Unexpected::Str(value) => (format!("the string `{value}`"), None),
        Unexpected::Unit => ("null".to_owned(), None),
        Unexpected::Seq => ("a list".to_owned(), None),
        Unexpected::Map => ("a mapping".to_owned(), None),
        other => (other.to_string(), None),
    }
}

/// Returns the candidate a mistyped `word` most likely means, or `None` when none is close.
///
/// The first candidate, in the order given, that starts with `word` (ignoring case) wins, so
/// `tls` suggests `tls_1_2_or_higher` before `tls_below_1_2`. Otherwise the candidate with the
/// highest Jaro-Winkler similarity wins, when it is at least 0.8.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_lower = word.trim().to_lowercase();
    let mut first_with_prefix = None;
    let mut best: Option<(&str, f64)> = None;
    for candidate in candidates {
        let candidate_lower = candidate.to_lowercase();
        if first_with_prefix.is_none()
            && !word_lower.is_empty()
            && candidate_lower.starts_with(&word_lower)
        {
            first_with_prefix = Some(candidate);
        }
        let score = strsim::jaro_winkler(&word_lower, &candidate_lower);
        if best.is_none_or(|(_, best_score)| score > best_score) {
            best = Some((candidate, score));
        }
    }
    first_with_prefix.or_else(|| {
        best.filter(|(_, score)| *score >= 0.8)
            .map(|(candidate, _)| candidate)
    })
}

fn quote_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|item| format!("`{item}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Converts one node into `T`.
///
/// # Errors
/// Returns the first type error, unknown field, invalid value or missing field in the node,
/// positioned at the innermost node involved.
pub fn from_node<T: DeserializeOwned>(node: &Node) -> Result<T, DecodeError> {
    T::deserialize(NodeDeserializer(node)).map_err(|error| error.at(node.pos))
}

/// A serde deserializer reading one borrowed node.
#[derive(Clone, Copy)]
pub struct NodeDeserializer<'a>(pub &'a Node);

impl NodeDeserializer<'_> {
    fn pos(self) -> Pos {
        self.0.pos
    }

    fn invalid_type(self, expected: &str) -> DecodeError {
        let found = match &self.0.value {
            Value::Str(text) => format!("the string `{text}`"),
            other => other.type_name().to_owned(),
        };
        let help = match &self.0.value {
            Value::Str(text) if expected == "a boolean" => Some(format!(
                "write `true` or `false`; `{text}` is read as text, never as a boolean"
            )),
            _ => None,
        };
        DecodeError::new(
            format!("expected {expected}, found {found}"),
            help,
            DecodeErrorKind::Other,
        )
        .at(self.pos())
    }
}

/// Returns a scalar's text for string-like targets: a string as it is, a number as written in
/// the source (`0x10`, `007`, `1.50`), or its decimal form when the source is not known.
pub fn scalar_text(node: &Node) -> Option<String> {
    if let Some(text) = &node.text {
        return Some(text.to_string());
    }
    match &node.value {
        Value::Str(text) => Some(text.clone()),
        Value::Int(number) => Some(number.to_string()),
        Value::UInt(number) => Some(number.to_string()),
        Value::Float(number) => Some(number.to_string()),
        _ => None,
    }
}

/// Returns the text of a mapping key for a [`Segment::Key`].
pub fn key_text(key: &Node) -> String {
    match &key.value {
        Value::Null => "null".to_owned(),
        Value::Bool(value) => value.to_string(),
        Value::Seq(_) | Value::Map(_) => key.value.type_name().to_owned(),
        _ => scalar_text(key).unwrap_or_default(),
    }
}

macro_rules! forward_to_any {
    ($($method:ident)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
                self.deserialize_any(visitor)
            }
        )*
    };
}

impl<'de> Deserializer<'de> for NodeDeserializer<'_> {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        let result = match &self.0.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(value) => visitor.visit_bool(*value),
            Value::Int(value) => visitor
                .visit_i64(*value)
                .map_err(|error: DecodeError| error.with_number_text(self.0)),
            Value::UInt(value) => visitor
                .visit_u64(*value)
                .map_err(|error: DecodeError| error.with_number_text(self.0)),
            Value::Float(value) => visitor
                .visit_f64(*value)
                .map_err(|error: DecodeError| error.with_number_text(self.0)),
            Value::Str(text) => visitor.visit_str(text),
            Value::Seq(items) => visitor.visit_seq(NodeSeq {
                items: items.iter().enumerate(),
            }),
            Value::Map(entries) => visitor.visit_map(NodeMap {
                entries: entries.iter(),
                value: None,
            }),
        };
        result.map_err(|error| error.at(self.pos()))
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match &self.0.value {
            Value::Bool(value) => visitor
                .visit_bool(*value)
                .map_err(|e: DecodeError| e.at(self.pos())),
            _ => Err(self.invalid_type("a boolean")),
        }
    }

    forward_to_any! {
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64 deserialize_char deserialize_bytes deserialize_byte_buf
        deserialize_unit deserialize_identifier
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match scalar_text(self.0) {
            Some(text) => visitor
                .visit_string(text)
                .map_err(|e: DecodeError| e.at(self.pos())),
            None => Err(self.invalid_type("a string")),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match &self.0.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_any(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        if name == LOCATED_MARKER {
            return visitor.visit_seq(LocatedSeq {
                node: self.0,
                step: 0,
            });
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match &self.0.value {
            Value::Seq(_) => self.deserialize_any(visitor),
            Value::Null => visitor.visit_seq(NodeSeq {
                items: [].iter().enumerate(),
            }),
            _ => Err(self.invalid_type("a list")),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match &self.0.value {
            Value::Map(_) => self.deserialize_any(visitor),
            _ => Err(self.invalid_type("a mapping")),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        match scalar_text(self.0) {
            Some(text) => visitor
                .visit_enum(UnitVariant { name: text })
                .map_err(|e: DecodeError| e.at(self.pos())),
            None => Err(self.invalid_type("one of the listed words")),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_unit()
    }
}

struct NodeSeq<'a> {
    items: std::iter::Enumerate<std::slice::Iter<'a, Node>>,
}

impl<'de> SeqAccess<'de> for NodeSeq<'_> {
    type Error = DecodeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DecodeError> {
        match self.items.next() {
            Some((index, node)) => seed
                .deserialize(NodeDeserializer(node))
                .map(Some)
                .map_err(|error| error.at(node.pos).under(Segment::Index(index))),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct NodeMap<'a> {
    entries: std::slice::Iter<'a, (Node, Node)>,
    value: Option<(&'a Node, &'a Node)>,
}

impl<'de> MapAccess<'de> for NodeMap<'_> {
    type Error = DecodeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DecodeError> {
        match self.entries.next() {
            Some((key, value)) => {
                self.value = Some((key, value));
                seed.deserialize(NodeDeserializer(key))
                    .map(Some)
                    .map_err(|error| error.at(key.pos).under(Segment::Key(key_text(key))))
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DecodeError> {
        let Some((key, node)) = self.value.take() else {
            return Err(de::Error::custom(
                "a mapping value was requested before its key",
            ));
        };
        seed.deserialize(NodeDeserializer(node))
            .map_err(|error| error.at(node.pos).under(Segment::Key(key_text(key))))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

struct UnitVariant {
    name: String,
}

impl<'de> EnumAccess<'de> for UnitVariant {
    type Error = DecodeError;
    type Variant = UnitOnly;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, UnitOnly), DecodeError> {
        let deserializer: de::value::StringDeserializer<DecodeError> =
            self.name.into_deserializer();
        Ok((seed.deserialize(deserializer)?, UnitOnly))
    }
}

struct UnitOnly;

impl<'de> VariantAccess<'de> for UnitOnly {
    type Error = DecodeError;

    fn unit_variant(self) -> Result<(), DecodeError> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        _seed: T,
    ) -> Result<T::Value, DecodeError> {
        Err(de::Error::custom(
            "expected a single word, found a value with content",
        ))
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        _visitor: V,
    ) -> Result<V::Value, DecodeError> {
        Err(de::Error::custom("expected a single word, found a list"))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, DecodeError> {
        Err(de::Error::custom("expected a single word, found a mapping"))
    }
}

/// Hands [`Located`](crate::model::Located) the node's line, column and then its value.
struct LocatedSeq<'a> {
    node: &'a Node,
    step: u8,
}

impl<'de> SeqAccess<'de> for LocatedSeq<'_> {
    type Error = DecodeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DecodeError> {
        let step = self.step;
        self.step += 1;
        match step {
            0 => seed
                .deserialize(self.node.pos.line.into_deserializer())
                .map(Some),
            1 => seed
                .deserialize(self.node.pos.column.into_deserializer())
                .map(Some),
            2 => seed
                .deserialize(NodeDeserializer(self.node))
                .map(Some)
                .map_err(|error| error.at(self.node.pos)),
            _ => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRANSPORTS: [&str; 6] = [
        "private_link",
        "vpn",
        "tls_1_2_or_higher",
        "tls_below_1_2",
        "plaintext",
        "public_internet",
    ];

    #[test]
    fn closest_prefers_first_prefix_match() {
        assert_eq!(closest("tls", TRANSPORTS), Some("tls_1_2_or_higher"));
        assert_eq!(closest("TLS_B", TRANSPORTS), Some("tls_below_1_2"));
        assert_eq!(closest("Name", ["id", "name"]), Some("name"));
    }

    #[test]
    fn closest_falls_back_to_similarity() {
        assert_eq!(closest("plaintxt", TRANSPORTS), Some("plaintext"));
        assert_eq!(closest("carrier-pigeon", TRANSPORTS), None);
        assert_eq!(closest("", TRANSPORTS), None);
        assert_eq!(closest("  ", TRANSPORTS), None);
    }

    #[test]
    fn integer_ranges_are_named() {
        assert_eq!(
            describe_expected(&"u32"),
            "a whole number from 0 to 4294967295"
        );
        assert_eq!(describe_expected(&"u8"), "a whole number from 0 to 255");
        assert_eq!(
            describe_expected(&"i16"),
            "a whole number from -32768 to 32767"
        );
    }

    #[test]
    fn error_path_names_each_level() {
        let node = crate::loader::yaml::parse("a:\n  - 1\n  - x\n")
            .expect("valid YAML")
            .expect("a document");
        let error = from_node::<std::collections::BTreeMap<String, Vec<u8>>>(&node)
            .expect_err("text in a list of numbers");
        assert_eq!(
            error.path,
            vec![Segment::Key("a".to_owned()), Segment::Index(1)]
        );
        assert_eq!(error.pos, Some(Pos { line: 3, column: 5 }));
    }

    #[test]
    fn missing_field_path_is_the_mapping() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Inner {
            required: u8,
        }
        let node = crate::loader::yaml::parse("outer:\n  other: 1\n")
            .expect("valid YAML")
            .expect("a document");
        let error = from_node::<std::collections::BTreeMap<String, Inner>>(&node)
            .expect_err("missing field");
        assert_eq!(error.kind, DecodeErrorKind::MissingField("required"));
        assert_eq!(error.path, vec![Segment::Key("outer".to_owned())]);
    }
}
