//! `when` conditions on situational flags, written as data: `limited & !hired_rep | sole`.
//!
//! The grammar is a disjunction of conjunctions (`&` binds tighter than `|`, no brackets):
//! enough for every rule in the catalogue and easy to read for the people who write it.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

/// A flag or its negation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Literal {
    pub flag: String,
    pub negated: bool,
}

/// A condition in disjunctive normal form: true when any clause has all its literals true.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Condition {
    clauses: Vec<Vec<Literal>>,
}

/// Why a condition does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConditionError {
    Empty,
    BadFlag(String),
}

impl fmt::Display for ConditionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConditionError::Empty => write!(f, "an empty condition or an empty side of `&`/`|`"),
            ConditionError::BadFlag(s) => write!(
                f,
                "`{s}` is not a flag (lowercase letters, digits and `_`, after an optional `!`)"
            ),
        }
    }
}

impl std::error::Error for ConditionError {}

/// Flags are snake_case identifiers.
pub fn is_flag(s: &str) -> bool {
    let mut bytes = s.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z'))
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

impl Condition {
    pub fn parse(text: &str) -> Result<Self, ConditionError> {
        let mut clauses = Vec::new();
        for clause in text.split('|') {
            let mut literals = Vec::new();
            for lit in clause.split('&') {
                let lit = lit.trim();
                if lit.is_empty() {
                    return Err(ConditionError::Empty);
                }
                let (negated, flag) = match lit.strip_prefix('!') {
                    Some(rest) => (true, rest.trim()),
                    None => (false, lit),
                };
                if !is_flag(flag) {
                    return Err(ConditionError::BadFlag(lit.to_owned()));
                }
                literals.push(Literal {
                    flag: flag.to_owned(),
                    negated,
                });
            }
            clauses.push(literals);
        }
        Ok(Condition { clauses })
    }

    /// True when some clause has every literal true under `flags` (the flags that are set).
    pub fn holds(&self, flags: &BTreeSet<String>) -> bool {
        self.clauses.iter().any(|clause| {
            clause
                .iter()
                .all(|lit| flags.contains(&lit.flag) != lit.negated)
        })
    }

    /// Every flag the condition mentions.
    pub fn flags(&self) -> impl Iterator<Item = &str> {
        self.clauses.iter().flatten().map(|l| l.flag.as_str())
    }

    /// `self & other`, still in disjunctive normal form.
    pub fn and(&self, other: &Condition) -> Condition {
        let mut clauses = Vec::new();
        for a in &self.clauses {
            for b in &other.clauses {
                let mut clause = a.clone();
                clause.extend(b.iter().cloned());
                clause.sort();
                clause.dedup();
                clauses.push(clause);
            }
        }
        Condition { clauses }
    }
}

/// `None` is "always"; two optional conditions combine with `&`.
pub fn both(a: Option<&Condition>, b: Option<&Condition>) -> Option<Condition> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.and(b)),
        (Some(c), None) | (None, Some(c)) => Some(c.clone()),
        (None, None) => None,
    }
}

/// Whether an optional condition holds (`None` always does).
pub fn holds(when: Option<&Condition>, flags: &BTreeSet<String>) -> bool {
    when.is_none_or(|c| c.holds(flags))
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, clause) in self.clauses.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            for (j, lit) in clause.iter().enumerate() {
                if j > 0 {
                    f.write_str(" & ")?;
                }
                if lit.negated {
                    f.write_str("!")?;
                }
                f.write_str(&lit.flag)?;
            }
        }
        Ok(())
    }
}

impl TryFrom<String> for Condition {
    type Error = ConditionError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Condition::parse(&s)
    }
}

impl From<Condition> for String {
    fn from(c: Condition) -> String {
        c.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(flags: &[&str]) -> BTreeSet<String> {
        flags.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn conditions_evaluate_as_written() {
        let table: &[(&str, &[&str], bool)] = &[
            ("a", &["a"], true),
            ("a", &[], false),
            ("!a", &[], true),
            ("!a", &["a"], false),
            ("a & b", &["a"], false),
            ("a & b", &["a", "b"], true),
            ("a & !b", &["a", "b"], false),
            ("a | b", &["b"], true),
            ("a & b | c", &["c"], true),
            ("a & b | c", &["a"], false),
            (" ! a &b|c ", &["b"], true),
        ];
        for (text, flags, want) in table {
            let c = Condition::parse(text).unwrap();
            assert_eq!(c.holds(&set(flags)), *want, "{text} with {flags:?}");
        }
    }

    #[test]
    fn bad_conditions_are_rejected() {
        assert_eq!(Condition::parse(""), Err(ConditionError::Empty));
        assert_eq!(Condition::parse("a &"), Err(ConditionError::Empty));
        assert_eq!(Condition::parse("a || b"), Err(ConditionError::Empty));
        assert_eq!(
            Condition::parse("Hired"),
            Err(ConditionError::BadFlag("Hired".into()))
        );
        assert_eq!(
            Condition::parse("a & (b)"),
            Err(ConditionError::BadFlag("(b)".into()))
        );
    }

    #[test]
    fn conditions_round_trip_and_combine() {
        let c = Condition::parse("a & !b | c").unwrap();
        assert_eq!(c.to_string(), "a & !b | c");
        let d = c.and(&Condition::parse("x").unwrap());
        assert_eq!(d.to_string(), "a & !b & x | c & x");
        assert!(d.holds(&set(&["c", "x"])));
        assert!(!d.holds(&set(&["c"])));
        assert_eq!(both(None, None), None);
        assert!(holds(None, &set(&[])));
    }
}
