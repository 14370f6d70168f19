//! Civil dates as inventories write them: `YYYY-MM-DD`, with no time and no time zone.

use std::borrow::Cow;
use std::fmt;

use jiff::civil::Date;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Deserialize, Deserializer};
use serde::{Serialize, Serializer};

/// A calendar date with no time zone, so the same inventory gives the same answer on every
/// machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CivilDate(pub Date);

impl CivilDate {
    /// Parses `YYYY-MM-DD`, explaining what is wrong with an invalid date.
    ///
    /// # Errors
    /// Returns a message naming the text and the reason, such as a day past the month's end.
    pub fn parse(text: &str) -> Result<Self, String> {
        let parts: Vec<&str> = text.split('-').collect();
        let shape_ok = parts.len() == 3
            && parts[0].len() == 4
            && parts[1].len() == 2
            && parts[2].len() == 2
            && parts
                .iter()
                .all(|part| part.bytes().all(|b| b.is_ascii_digit()));
        if !shape_ok {
            return Err(format!("invalid date `{text}`: write dates as YYYY-MM-DD"));
        }
        let number = |part: &str| part.parse::<i16>().unwrap_or(0);
        let (year, month, day) = (number(parts[0]), number(parts[1]), number(parts[2]));
        if !(1..=12).contains(&month) {
            return Err(format!(
                "invalid date `{text}`: month {month} does not exist"
            ));
        }
        let month = month as i8;
        match Date::new(year, month, day as i8) {
            Ok(date) if day >= 1 => Ok(CivilDate(date)),
            _ => {
                let last = Date::new(year, month, 1).map_or(31, Date::days_in_month);
                Err(format!(
                    "invalid date `{text}`: {year}-{month:02} has days 1 to {last}"
                ))
            }
        }
    }
}

impl fmt::Display for CivilDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl<'de> Deserialize<'de> for CivilDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        CivilDate::parse(&text).map_err(de::Error::custom)
    }
}

impl Serialize for CivilDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl JsonSchema for CivilDate {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "date",
            "pattern": r"^\d{4}-\d{2}-\d{2}$",
            "description": "A calendar date, YYYY-MM-DD."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_date_parses() {
        let date = CivilDate::parse("2024-02-29").expect("leap day");
        assert_eq!(date.to_string(), "2024-02-29");
    }

    #[test]
    fn day_past_month_end_names_range() {
        let error = CivilDate::parse("2025-02-30").expect_err("no such day");
        assert_eq!(error, "invalid date `2025-02-30`: 2025-02 has days 1 to 28");
    }

    #[test]
    fn month_thirteen_rejected() {
        let error = CivilDate::parse("2025-13-01").expect_err("no such month");
        assert_eq!(error, "invalid date `2025-13-01`: month 13 does not exist");
    }

    #[test]
    fn other_shapes_rejected() {
        for text in [
            "2025/01/01",
            "01-02-2025",
            "2025-1-1",
            "yesterday",
            "2025-01-01T00:00",
        ] {
            let error = CivilDate::parse(text).expect_err(text);
            assert!(error.ends_with("write dates as YYYY-MM-DD"), "{error}");
        }
    }

    #[test]
    fn day_zero_rejected() {
        assert!(CivilDate::parse("2025-01-00").is_err());
    }
}
