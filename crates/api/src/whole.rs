//! Whole numbers as JSON Schema, and so the API document, counts them: `2` and `2.0` are the
//! same integer. serde reads only the first into a `u8`; these read both, and refuse a
//! fraction, a negative or a number too large as before (a 422).

use std::fmt;

use serde::de::{self, Deserializer, Unexpected, Visitor};

/// `#[serde(deserialize_with = "crate::whole::deserialize")]` on an unsigned field.
pub fn deserialize<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<u64>,
{
    let n = d.deserialize_any(Whole)?;
    T::try_from(n).map_err(|_| de::Error::invalid_value(Unexpected::Unsigned(n), &Whole))
}

/// `#[serde(default, deserialize_with = "crate::whole::option")]` on an `Option` of one.
pub fn option<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<u64>,
{
    struct Maybe<T>(std::marker::PhantomData<T>);
    impl<'de, T: TryFrom<u64>> Visitor<'de> for Maybe<T> {
        type Value = Option<T>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a whole number or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            deserialize(d).map(Some)
        }
    }
    d.deserialize_option(Maybe(std::marker::PhantomData))
}

struct Whole;

impl Visitor<'_> for Whole {
    type Value = u64;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a whole number, not negative")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
        Ok(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
        u64::try_from(v).map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<u64, E> {
        // 2^53: past it a float no longer spells every whole number.
        if v.fract() == 0.0 && (0.0..=9_007_199_254_740_992.0).contains(&v) {
            Ok(v as u64)
        } else {
            Err(E::invalid_value(Unexpected::Float(v), &self))
        }
    }
}
