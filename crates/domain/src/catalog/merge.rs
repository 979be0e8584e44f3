//! 一表登记: the merged form. The fields of several matters become one form, each canonical key
//! asked once, with the departments that need it. Where matters constrain the same field
//! differently the strictest rule wins, rule by rule: required if any requires it, the largest
//! minimum, the smallest maximum, the intersection of the allowed values.

use serde::{Deserialize, Serialize};

use super::checklist::{Subject, situation};
use super::condition::holds;
use super::questions::Answers;
use super::{Catalog, ChoiceOption, FieldKind, FieldUse, Matter};
use crate::validation::FieldProblem;

/// A field whose merged rules no value can meet (a validated catalogue never has one).
pub const FIELD_CONFLICT: &str = "catalog.field_conflict";

/// One field of the merged form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MergedField {
    pub key: String,
    pub label: String,
    pub label_en: String,
    pub kind: FieldKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    /// The values every matter allows (choice fields only), in the catalogue's order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<ChoiceOption>,
    /// Codes of the departments that need it, in member order.
    pub departments: Vec<String>,
}

impl MergedField {
    /// The repeatable group a key belongs to: `shareholders[].name` is in `shareholders`.
    pub fn group(&self) -> Option<&str> {
        group_of(&self.key)
    }
}

/// The repeatable group of a canonical key, if any.
pub fn group_of(key: &str) -> Option<&str> {
    key.split_once("[].").map(|(group, _)| group)
}

/// Two matters' rules for one field that no value can satisfy: a catalogue error, caught at
/// load (see `problems.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    /// No allowed value is left in the intersection.
    NoCommonOption(String),
    /// The largest minimum is above the smallest maximum.
    MinAboveMax(String),
}

/// Merge field uses, in order of first appearance, by canonical key.
pub fn merge_fields<'a>(
    catalog: &Catalog,
    uses: impl IntoIterator<Item = (&'a Matter, &'a FieldUse)>,
) -> Result<Vec<MergedField>, Vec<Conflict>> {
    let mut out: Vec<MergedField> = Vec::new();
    for (matter, u) in uses {
        let Some(def) = catalog.field(&u.key) else {
            continue;
        };
        let i = match out.iter().position(|f| f.key == u.key) {
            Some(i) => i,
            None => {
                out.push(MergedField {
                    key: def.key.clone(),
                    label: def.label.clone(),
                    label_en: def.label_en.clone(),
                    kind: def.kind,
                    help: def.help.clone(),
                    required: false,
                    min: None,
                    max: None,
                    options: def.options.clone(),
                    departments: Vec::new(),
                });
                out.len() - 1
            }
        };
        let f = &mut out[i];
        f.required |= u.required;
        f.min = match (f.min, u.min) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        f.max = match (f.max, u.max) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if let Some(allowed) = &u.options {
            f.options.retain(|o| allowed.contains(&o.value));
        }
        if !f.departments.contains(&matter.department) {
            f.departments.push(matter.department.clone());
        }
    }
    let mut conflicts = Vec::new();
    for f in &out {
        if f.kind == FieldKind::Choice && f.options.is_empty() {
            conflicts.push(Conflict::NoCommonOption(f.key.clone()));
        }
        if let (Some(min), Some(max)) = (f.min, f.max)
            && min > max
        {
            conflicts.push(Conflict::MinAboveMax(f.key.clone()));
        }
    }
    if conflicts.is_empty() {
        Ok(out)
    } else {
        Err(conflicts)
    }
}

/// The merged form of a subject for a complete set of answers: the fields of the matters that
/// apply, those fields' own conditions applied, each key once.
pub fn merged_form(
    catalog: &Catalog,
    subject: &Subject,
    answers: &Answers,
) -> Result<Vec<MergedField>, Vec<FieldProblem>> {
    let (resolved, flags) = situation(catalog, subject, answers)?;
    let uses: Vec<(&Matter, &FieldUse)> = resolved
        .applicable(&flags)
        .into_iter()
        .flat_map(|(m, _)| {
            m.fields
                .iter()
                .filter(|f| holds(f.when.as_ref(), &flags))
                .map(move |f| (m, f))
        })
        .collect();
    // A validated catalogue has no conflicts; a conflict here is reported as the field's.
    merge_fields(catalog, uses).map_err(|conflicts| {
        conflicts
            .into_iter()
            .map(|c| match c {
                Conflict::NoCommonOption(k) | Conflict::MinAboveMax(k) => FieldProblem {
                    field: k,
                    code: FIELD_CONFLICT.into(),
                },
            })
            .collect()
    })
}
