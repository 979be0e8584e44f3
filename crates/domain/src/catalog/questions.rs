//! Situational questions (情形引导): which question comes next, which flags the answers set,
//! and whether a set of answers is complete and valid. The app and the server walk the same
//! questionnaire with the same function.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::condition::{both, holds};
use super::{Bundle, Catalog, Condition, Matter, Question};
use crate::validation::FieldProblem;

/// Question key → chosen option value.
pub type Answers = BTreeMap<String, String>;

/// A question as the applicant meets it: asked only when `gate` holds, which combines the
/// question's own condition with its matter's condition of membership in the bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GatedQuestion {
    pub question: Question,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub gate: Option<Condition>,
}

/// A bundle's questions first, then each member's own, in member order; a key asked earlier
/// is not asked again.
pub fn questionnaire_of(catalog: &Catalog, bundle: &Bundle) -> Vec<GatedQuestion> {
    let mut out: Vec<GatedQuestion> = bundle
        .questions
        .iter()
        .map(|q| GatedQuestion {
            question: q.clone(),
            gate: q.when.clone(),
        })
        .collect();
    for member in &bundle.members {
        let Some(matter) = catalog.matter(&member.matter) else {
            continue;
        };
        for q in &matter.questions {
            if out.iter().any(|g| g.question.key == q.key) {
                continue;
            }
            out.push(GatedQuestion {
                question: q.clone(),
                gate: both(member.when.as_ref(), q.when.as_ref()),
            });
        }
    }
    out
}

/// A single matter's own questions.
pub fn questionnaire_of_matter(matter: &Matter) -> Vec<GatedQuestion> {
    matter
        .questions
        .iter()
        .map(|q| GatedQuestion {
            question: q.clone(),
            gate: q.when.clone(),
        })
        .collect()
}

/// Where a walk through the questions stands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Walk {
    /// Indexes of the questions asked and answered, in order.
    pub asked: Vec<usize>,
    /// Flags set by those answers.
    pub flags: BTreeSet<String>,
    /// The first question that applies and has no answer yet; `None` when complete.
    pub next: Option<usize>,
}

pub const UNKNOWN_QUESTION: &str = "answers.unknown_question";
pub const UNKNOWN_OPTION: &str = "answers.unknown_option";
pub const NOT_APPLICABLE: &str = "answers.not_applicable";
pub const MISSING: &str = "answers.missing";
pub const CODES: &[&str] = &[UNKNOWN_QUESTION, UNKNOWN_OPTION, NOT_APPLICABLE, MISSING];

fn problem(question: &str, code: &str) -> FieldProblem {
    FieldProblem {
        field: question.to_owned(),
        code: code.to_owned(),
    }
}

/// Walk the questions in order, taking the answers given, up to the first question that
/// applies and has no answer. An answer that names no option of its question is a problem.
pub fn walk(questions: &[GatedQuestion], answers: &Answers) -> Result<Walk, Vec<FieldProblem>> {
    let mut walk = Walk::default();
    let mut problems = Vec::new();
    for (i, g) in questions.iter().enumerate() {
        if !holds(g.gate.as_ref(), &walk.flags) {
            continue;
        }
        let Some(value) = answers.get(&g.question.key) else {
            walk.next = Some(i);
            break;
        };
        match g.question.options.iter().find(|o| &o.value == value) {
            Some(option) => {
                walk.asked.push(i);
                walk.flags.extend(option.sets.iter().cloned());
            }
            None => {
                problems.push(problem(&g.question.key, UNKNOWN_OPTION));
                break;
            }
        }
    }
    if problems.is_empty() {
        Ok(walk)
    } else {
        Err(problems)
    }
}

/// A complete and exact set of answers: every question that applies answered with one of its
/// options, and nothing else. Returns the flags.
pub fn complete(
    questions: &[GatedQuestion],
    answers: &Answers,
) -> Result<BTreeSet<String>, Vec<FieldProblem>> {
    let mut problems: Vec<FieldProblem> = answers
        .keys()
        .filter(|k| !questions.iter().any(|g| &g.question.key == *k))
        .map(|k| problem(k, UNKNOWN_QUESTION))
        .collect();
    match walk(questions, answers) {
        Err(more) => problems.extend(more),
        Ok(w) => {
            if let Some(next) = w.next {
                problems.push(problem(&questions[next].question.key, MISSING));
            } else {
                for (i, g) in questions.iter().enumerate() {
                    if !w.asked.contains(&i) && answers.contains_key(&g.question.key) {
                        problems.push(problem(&g.question.key, NOT_APPLICABLE));
                    }
                }
            }
            if problems.is_empty() {
                return Ok(w.flags);
            }
        }
    }
    problems.sort();
    Err(problems)
}

/// Only the answers that still apply (after going back and changing an earlier answer).
pub fn prune(questions: &[GatedQuestion], answers: &Answers) -> Answers {
    let asked = match walk(questions, answers) {
        Ok(w) => w.asked,
        Err(_) => return Answers::new(),
    };
    asked
        .into_iter()
        .map(|i| &questions[i].question.key)
        .filter_map(|k| answers.get(k).map(|v| (k.clone(), v.clone())))
        .collect()
}

/// The most common situation: every question that applies answered with its first option.
pub fn default_answers(questions: &[GatedQuestion]) -> Answers {
    let mut answers = Answers::new();
    while let Ok(Walk { next: Some(i), .. }) = walk(questions, &answers) {
        let q = &questions[i].question;
        let Some(first) = q.options.first() else {
            break;
        };
        answers.insert(q.key.clone(), first.value.clone());
    }
    answers
}
