//! Page feedback ("这个页面对您有帮助吗？"): the first thing a citizen can send us.

use serde::{Deserialize, Serialize};
use validator::{Validate, ValidationError};

use crate::validation::{FieldProblem, problems_of};

/// Every code the feedback rules return.
pub const CODES: [&str; 3] = [
    "feedback.page",
    "feedback.comment_too_long",
    "feedback.personal_data",
];

/// Longest comment, in characters (the same number in the browser and on the server).
pub const COMMENT_MAX_CHARS: u64 = 500;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Feedback {
    /// The app path the feedback is about, e.g. `/` (no query string).
    #[validate(custom(function = "page_path"))]
    #[cfg_attr(feature = "openapi", schema(schema_with = page_schema))]
    pub page: String,
    /// 有帮助 (true) or 没有帮助 (false).
    pub useful: bool,
    /// What could be better, optional.
    #[validate(
        length(max = "COMMENT_MAX_CHARS", code = "feedback.comment_too_long"),
        custom(function = "no_identifiers")
    )]
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = comment_schema))]
    pub comment: Option<String>,
}

/// `page_path` for the API document: `/`, then up to 199 characters that are not `?`, `#`, a
/// control character or a space.
#[cfg(feature = "openapi")]
fn page_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::String)
        .pattern(Some(
            r"^/[^?#\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$",
        ))
        .max_length(Some(200))
        .description(Some(
            "The app path the feedback is about, e.g. `/` (no query string).",
        ))
        .build()
}

/// The comment for the API document: at most 500 characters, no ID or phone number.
#[cfg(feature = "openapi")]
fn comment_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::SchemaType::from_iter([
            utoipa::openapi::Type::String,
            utoipa::openapi::Type::Null,
        ]))
        .pattern(Some(format!(r"^(?![\s\S]*{IDENTIFIER_RUN})")))
        .max_length(Some(COMMENT_MAX_CHARS as usize))
        .description(Some(
            "What could be better, optional: at most 500 characters, no ID or phone number.",
        ))
        .build()
}

impl Feedback {
    /// Every problem at once, as codes (`feedback.comment_too_long`).
    pub fn problems(&self) -> Vec<FieldProblem> {
        problems_of(self.validate())
    }

    /// Trim the comment; an empty one is no comment.
    pub fn normalized(mut self) -> Self {
        self.comment = self
            .comment
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty());
        self
    }
}

fn page_path(page: &str) -> Result<(), ValidationError> {
    let ok = page.starts_with('/')
        && page.chars().count() <= 200
        && !page.contains(['?', '#'])
        && page.chars().all(|c| !c.is_control() && !c.is_whitespace());
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new("feedback.page"))
    }
}

/// Comments are free text: refuse the ones that carry an ID or phone number (a run of 11 or more
/// digits), so that personal data does not end up where nobody expects it.
fn no_identifiers(comment: &str) -> Result<(), ValidationError> {
    if carries_identifier(comment) {
        return Err(ValidationError::new("feedback.personal_data"));
    }
    Ok(())
}

/// `carries_identifier` as a regular expression (ECMA-262, for the API document): 11 digits,
/// half- or full-width, with nothing but the spaces and dashes `ident::normalize` drops between
/// them.
pub const IDENTIFIER_RUN: &str =
    r"[0-9０-９](?:[ \t\u3000\u00a0\u2010-\u2014\uff0d-]*[0-9０-９]){10}";

/// Free text that may carry an ID or phone number: a run of 11 or more digits (after
/// full-width digits are made half-width). Such text never goes into a URL, a log or storage.
pub fn carries_identifier(text: &str) -> bool {
    let mut run = 0;
    for c in crate::ident::normalize(text).chars() {
        if c.is_ascii_digit() {
            run += 1;
            if run >= 11 {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(page: &str, comment: Option<&str>, want: &[(&str, &str)]) {
        let f = Feedback {
            page: page.into(),
            useful: true,
            comment: comment.map(Into::into),
        };
        let got: Vec<(String, String)> = f
            .problems()
            .into_iter()
            .map(|p| (p.field, p.code))
            .collect();
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(f, c)| (f.to_string(), c.to_string()))
            .collect();
        assert_eq!(got, want, "page={page:?} comment={comment:?}");
    }

    #[test]
    fn feedback_rules() {
        check("/", None, &[]);
        check("/matters/company-registration", Some("很清楚"), &[]);
        check("matters", None, &[("page", "feedback.page")]);
        check("/?id=1", None, &[("page", "feedback.page")]);
        check("/", Some(&"字".repeat(500)), &[]);
        check(
            "/",
            Some(&"字".repeat(501)),
            &[("comment", "feedback.comment_too_long")],
        );
        check(
            "/",
            Some("我的电话 138 0013 8000"),
            &[("comment", "feedback.personal_data")],
        );
        check(
            "/",
            Some("身份证１１０１０５１９４９１２３１００２Ｘ"),
            &[("comment", "feedback.personal_data")],
        );
        check("/", Some("第 3 步等了 10 分钟"), &[]);
        check(
            "?",
            Some(&"x".repeat(501)),
            &[
                ("comment", "feedback.comment_too_long"),
                ("page", "feedback.page"),
            ],
        );
    }

    #[test]
    fn normalized_drops_blank_comments() {
        let f = Feedback {
            page: "/".into(),
            useful: false,
            comment: Some("  ".into()),
        };
        assert_eq!(f.normalized().comment, None);
    }
}
