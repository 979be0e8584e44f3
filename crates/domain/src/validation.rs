//! Validation results as codes. Every check returns all its problems at once; the app maps
//! codes to words (Chinese first), the server answers 422 with the same codes.

use serde::{Deserialize, Serialize};
use validator::ValidationErrors;

/// One problem with one field: `field` is its key, `code` a stable code such as
/// `id_number.checksum`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FieldProblem {
    pub field: String,
    pub code: String,
}

impl FieldProblem {
    pub fn new(field: impl Into<String>, code: &str) -> Self {
        FieldProblem {
            field: field.into(),
            code: code.to_owned(),
        }
    }
}

/// Flatten `validator`'s result into our codes, sorted by code for stable output.
pub fn problems_of(result: Result<(), ValidationErrors>) -> Vec<FieldProblem> {
    let Err(errors) = result else {
        return Vec::new();
    };
    let mut out: Vec<FieldProblem> = errors
        .field_errors()
        .into_iter()
        .flat_map(|(field, errs)| {
            errs.iter().map(move |e| FieldProblem {
                field: field.to_string(),
                code: e.code.to_string(),
            })
        })
        .collect();
    out.sort_by(|a, b| a.code.cmp(&b.code).then(a.field.cmp(&b.field)));
    out
}
