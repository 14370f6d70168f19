//! A value together with the line and column it was written at.

use std::borrow::Cow;
use std::fmt;
use std::hash::{Hash, Hasher};

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, Deserialize, Deserializer, SeqAccess, Visitor};
use serde::{Serialize, Serializer};

use crate::loader::decode::LOCATED_MARKER;
use crate::loader::yaml::Pos;

/// A value and its position in the file of the record that holds it.
///
/// Equality, ordering and hashing look at the value only, so two references to the same id
/// written in different places compare equal.
#[derive(Clone, Debug, Default)]
pub struct Located<T> {
    /// The value as written.
    pub value: T,
    /// Where it was written; `0:0` for values built in code.
    pub pos: Pos,
}

impl<T> Located<T> {
    /// Wraps a value built in code, which has no position.
    pub fn new(value: T) -> Self {
        Located {
            value,
            pos: Pos::default(),
        }
    }
}

impl Located<String> {
    /// Returns the text.
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

impl<T> std::ops::Deref for Located<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: PartialEq> PartialEq for Located<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: Eq> Eq for Located<T> {}

impl<T: Hash> Hash for Located<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl<T: fmt::Display> fmt::Display for Located<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl<T: Serialize> Serialize for Located<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

impl<T: JsonSchema> JsonSchema for Located<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }

    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Located<T> {
    /// Reads the position from the inventory's node deserializer; any other deserializer
    /// yields the value with an unknown position.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_newtype_struct(LOCATED_MARKER, LocatedVisitor(std::marker::PhantomData))
    }
}

struct LocatedVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for LocatedVisitor<T> {
    type Value = Located<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value")
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        T::deserialize(deserializer).map(Located::new)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let line = seq
            .next_element::<u32>()?
            .ok_or_else(|| de::Error::invalid_length(0, &self))?;
        let column = seq
            .next_element::<u32>()?
            .ok_or_else(|| de::Error::invalid_length(1, &self))?;
        let value = seq
            .next_element::<T>()?
            .ok_or_else(|| de::Error::invalid_length(2, &self))?;
        Ok(Located {
            value,
            pos: Pos { line, column },
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::schema::{self, SchemaKind};

    #[test]
    fn wave_schema_has_loader_range() {
        let rendered = schema::render(SchemaKind::Systems);
        let schema: serde_json::Value = serde_json::from_str(&rendered).expect("valid JSON");
        let wave = schema
            .pointer("/$defs/System/properties/wave")
            .unwrap_or_else(|| panic!("no wave property in {rendered}"));
        assert_eq!(wave["minimum"], 1, "{wave}");
        assert_eq!(wave["maximum"], 1000, "{wave}");
    }
}
