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
    pub help: Option<String>,
    /// Position of the innermost node involved; `None` until a node claims the error.
    pub pos: Option<Pos>,
    /// Key of the innermost mapping entry whose value is invalid.
    pub field: Option<String>,
}

impl DecodeError {
    fn at(mut self, pos: Pos) -> Self {
        if self.pos.is_none() {
            self.pos = Some(pos);
        }
        self
    }

    fn in_field(mut self, key: &Node) -> Self {
        if self.field.is_none()
            && let Value::Str(name) = &key.value
        {
            self.field = Some(name.clone());
        }
        self
    }

    /// Returns the message, naming the field when the error is about a field's value.
    pub fn full_message(&self) -> String {
        match &self.field {
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
        DecodeError {
            message: msg.to_string(),
            help: None,
            pos: None,
            field: None,
        }
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        let help = match closest(field, expected.iter().copied()) {
            Some(best) => format!(
                "did you mean `{best}`? Allowed fields: {}",
                quote_list(expected)
            ),
            None => format!("allowed fields: {}", quote_list(expected)),
        };
        DecodeError {
            message: format!("unknown field `{field}`"),
            help: Some(help),
            pos: None,
            field: None,
        }
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        let help = match closest(variant, expected.iter().copied()) {
            Some(best) => format!(
                "did you mean `{best}`? Allowed values: {}",
                quote_list(expected)
            ),
            None => format!("allowed values: {}", quote_list(expected)),
        };
        DecodeError {
            message: format!("invalid value `{variant}`"),
            help: Some(help),
            pos: None,
            field: None,
        }
    }

    fn invalid_type(unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        DecodeError {
            message: format!(
                "expected {}, found {unexpected}",
                describe_expected(expected)
            ),
            help: None,
            pos: None,
            field: None,
        }
    }

    fn invalid_value(unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        DecodeError {
            message: format!(
                "invalid value {unexpected}, expected {}",
                describe_expected(expected)
            ),
            help: None,
            pos: None,
            field: None,
        }
    }

    fn missing_field(field: &'static str) -> Self {
        DecodeError {
            message: format!("missing field `{field}`"),
            help: Some(format!("add `{field}:` to this entry")),
            pos: None,
            field: None,
        }
    }
}

/// Describes what serde expected in words a YAML author uses; serde names Rust types.
fn describe_expected(expected: &dyn de::Expected) -> String {
    let text = expected.to_string();
    match text.as_str() {
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number of 0 or more".to_owned(),
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number".to_owned(),
        "f32" | "f64" => "a number".to_owned(),
        "a string" | "a borrowed string" => "text".to_owned(),
        "a sequence" => "a list".to_owned(),
        _ if text.starts_with("struct ") => "a mapping of fields".to_owned(),
        _ => text,
    }
}

/// Returns the candidate nearest to `word` when it is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_lower = word.to_lowercase();
    let mut best: Option<(&str, f64)> = None;
    for candidate in candidates {
        let score = strsim::jaro_winkler(&word_lower, &candidate.to_lowercase());
        if best.is_none_or(|(_, best_score)| score > best_score) {
            best = Some((candidate, score));
        }
    }
    best.filter(|(_, score)| *score >= 0.8)
        .map(|(candidate, _)| candidate)
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
        DecodeError {
            message: format!("expected {expected}, found {found}"),
            help,
            pos: Some(self.pos()),
            field: None,
        }
    }

    /// Returns the scalar's text for string-like targets; numbers become their decimal text.
    fn scalar_text(self) -> Option<String> {
        match &self.0.value {
            Value::Str(text) => Some(text.clone()),
            Value::Int(number) => Some(number.to_string()),
            Value::UInt(number) => Some(number.to_string()),
            Value::Float(number) => Some(number.to_string()),
            _ => None,
        }
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
            Value::Int(value) => visitor.visit_i64(*value),
            Value::UInt(value) => visitor.visit_u64(*value),
            Value::Float(value) => visitor.visit_f64(*value),
            Value::Str(text) => visitor.visit_str(text),
            Value::Seq(items) => visitor.visit_seq(NodeSeq {
                items: items.iter(),
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
        match self.scalar_text() {
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
            Value::Null => visitor.visit_seq(NodeSeq { items: [].iter() }),
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
        match self.scalar_text() {
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
    items: std::slice::Iter<'a, Node>,
}

impl<'de> SeqAccess<'de> for NodeSeq<'_> {
    type Error = DecodeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DecodeError> {
        match self.items.next() {
            Some(node) => seed
                .deserialize(NodeDeserializer(node))
                .map(Some)
                .map_err(|error| error.at(node.pos)),
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
                    .map_err(|error| error.at(key.pos))
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
            .map_err(|error| error.at(node.pos).in_field(key))
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
