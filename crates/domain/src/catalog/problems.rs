//! Every rule a catalogue must satisfy. [`Catalog::problems`] reports all broken rules at once.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;

use super::condition::is_flag;
use super::questions::questionnaire_of;
use super::{Catalog, Condition, FieldKind, Matter, Question, Supply, is_code};

/// A rule a catalogue breaks; `subject` is the code or key of the entry at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogProblem {
    pub subject: String,
    pub problem: Problem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    NoSection(String),
    GroupMismatch(String),
    HalfDeclaration(String),
    BadCode,
    DuplicateCode,
    EmptyName,
    EmptySource,
    UnknownDepartment(String),
    UnknownMatter(String),
    UnknownField(String),
    UnknownMaterial(String),
    NoApplicantKind,
    NoDelivery,
    PromiseExceedsLegalLimit {
        promised: u32,
        legal: u32,
    },
    TripsOutOfRange(u8),
    TripWithoutReason,
    ReasonWithoutTrip,
    EmptyBundle,
    RepeatedMember(String),
    RepeatedField(String),
    RepeatedMaterial(String),
    MinAboveMax(String),
    OptionsOnNonChoice(String),
    UnknownOption {
        field: String,
        value: String,
    },
    ChoiceWithoutOptions(String),
    NoCopies(String),
    DeferrableNotRequired(String),
    DeferrableShared(String),
    ZeroDeferral(String),
    NoFileTypes(String),
    BadFlag(String),
    FewOptions(String),
    RepeatedOption {
        question: String,
        value: String,
    },
    RepeatedQuestion(String),
    QuestionsDiffer(String),
    UnsetFlag(String),
    AfterNotEarlier(String),
    MemberNotFor(String),
    /// Two members' rules for one field leave no possible value (empty intersection of
    /// options, or a minimum above a maximum) once merged.
    FieldConflict(String),
    /// A bank or branch of `banks.toml` breaks a rule (said in words).
    Bank(String),
}

impl fmt::Display for CatalogProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.subject;
        write!(f, "`{s}`: ")?;
        match &self.problem {
            Problem::BadCode => write!(
                f,
                "codes are lowercase letters, digits and dashes (keys may also use `.`, `_` and `[]`)"
            ),
            Problem::DuplicateCode => write!(f, "the code is used twice"),
            Problem::EmptyName => write!(f, "a name is empty"),
            Problem::EmptySource => write!(f, "`source` must say where the entry comes from"),
            Problem::UnknownDepartment(d) => write!(f, "no department `{d}`"),
            Problem::UnknownMatter(m) => write!(f, "no matter `{m}`"),
            Problem::UnknownField(k) => write!(f, "no field `{k}` in fields.toml"),
            Problem::UnknownMaterial(k) => write!(f, "no material `{k}` in materials.toml"),
            Problem::NoApplicantKind => write!(f, "for_whom is empty"),
            Problem::NoDelivery => write!(f, "delivery is empty"),
            Problem::PromiseExceedsLegalLimit { promised, legal } => {
                write!(f, "promised_days ({promised}) exceeds legal_days ({legal})")
            }
            Problem::TripsOutOfRange(n) => write!(f, "trips must be 0 or 1, not {n}"),
            Problem::TripWithoutReason => write!(f, "one trip needs a trip_reason"),
            Problem::ReasonWithoutTrip => write!(f, "trip_reason given but trips = 0"),
            Problem::EmptyBundle => write!(f, "a bundle needs at least two matters"),
            Problem::RepeatedMember(m) => write!(f, "matter `{m}` is listed twice"),
            Problem::RepeatedField(k) => write!(f, "field `{k}` is listed twice"),
            Problem::RepeatedMaterial(k) => write!(f, "material `{k}` is listed twice"),
            Problem::MinAboveMax(k) => write!(f, "field `{k}`: min is above max"),
            Problem::OptionsOnNonChoice(k) => {
                write!(f, "field `{k}` is not a choice but has options")
            }
            Problem::UnknownOption { field, value } => {
                write!(f, "field `{field}` has no option `{value}`")
            }
            Problem::ChoiceWithoutOptions(k) => write!(f, "choice field `{k}` has no options"),
            Problem::NoCopies(k) => write!(f, "material `{k}`: copies must be at least 1"),
            Problem::DeferrableNotRequired(k) => {
                write!(
                    f,
                    "material `{k}`: only a required material can be deferred (容缺)"
                )
            }
            Problem::DeferrableShared(k) => write!(
                f,
                "material `{k}`: a shared material (免提交) is never asked for, so it cannot be deferred"
            ),
            Problem::ZeroDeferral(k) => {
                write!(f, "material `{k}`: deferrable_days must be at least 1")
            }
            Problem::NoFileTypes(k) => write!(f, "material `{k}` accepts no file type"),
            Problem::BadFlag(x) => write!(f, "`{x}` is not a flag (snake_case) or question key"),
            Problem::FewOptions(q) => write!(f, "question `{q}` needs at least two options"),
            Problem::RepeatedOption { question, value } => {
                write!(f, "question `{question}` lists option `{value}` twice")
            }
            Problem::RepeatedQuestion(q) => write!(f, "question `{q}` is asked twice"),
            Problem::QuestionsDiffer(q) => write!(
                f,
                "question `{q}` is defined differently in two places (one key, one question)"
            ),
            Problem::UnsetFlag(x) => write!(
                f,
                "flag `{x}` is used in a condition but no earlier answer can set it"
            ),
            Problem::AfterNotEarlier(m) => write!(
                f,
                "`after = [\"{m}\"]` must name a member listed earlier in the bundle"
            ),
            Problem::NoSection(k) => write!(
                f,
                "field `{k}` belongs to no section in sections.toml (its key's first part)"
            ),
            Problem::GroupMismatch(k) => write!(
                f,
                "section `{k}`: `rows` must be given exactly when its fields are `{k}[].…`, with 1 <= min <= max"
            ),
            Problem::HalfDeclaration(k) => write!(
                f,
                "department `{k}`: give both declaration and declaration_en, or neither"
            ),
            Problem::MemberNotFor(m) => write!(
                f,
                "matter `{m}` is not for the bundle's kind of applicant (for_whom)"
            ),
            Problem::Bank(p) => write!(f, "{p}"),
            Problem::FieldConflict(k) => write!(
                f,
                "field `{k}`: the members' rules leave no possible value once merged (no common option, or min above max)"
            ),
        }
    }
}

impl Problem {
    /// The code, key or flag the problem is about, beyond the entry itself.
    pub fn detail(&self) -> Option<&str> {
        match self {
            Problem::UnknownDepartment(x)
            | Problem::UnknownMatter(x)
            | Problem::UnknownField(x)
            | Problem::UnknownMaterial(x)
            | Problem::RepeatedMember(x)
            | Problem::RepeatedField(x)
            | Problem::RepeatedMaterial(x)
            | Problem::MinAboveMax(x)
            | Problem::OptionsOnNonChoice(x)
            | Problem::ChoiceWithoutOptions(x)
            | Problem::NoCopies(x)
            | Problem::DeferrableNotRequired(x)
            | Problem::DeferrableShared(x)
            | Problem::ZeroDeferral(x)
            | Problem::NoFileTypes(x)
            | Problem::BadFlag(x)
            | Problem::FewOptions(x)
            | Problem::RepeatedQuestion(x)
            | Problem::QuestionsDiffer(x)
            | Problem::AfterNotEarlier(x)
            | Problem::MemberNotFor(x)
            | Problem::FieldConflict(x)
            | Problem::NoSection(x)
            | Problem::GroupMismatch(x)
            | Problem::HalfDeclaration(x) => Some(x),
            Problem::UnknownOption { value, .. } => Some(value),
            Problem::RepeatedOption { value, .. } => Some(value),
            _ => None,
        }
    }
}

/// Field and material keys: `applicant.id_number`, `shareholders[].share_percent`, `id-card`.
fn is_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 64
        && key.starts_with(|c: char| c.is_ascii_lowercase())
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-[]".contains(&b))
}

struct Report(Vec<CatalogProblem>);

impl Report {
    fn push(&mut self, subject: &str, problem: Problem) {
        self.0.push(CatalogProblem {
            subject: subject.to_owned(),
            problem,
        });
    }
}

impl Catalog {
    /// Every rule broken, all at once.
    pub fn problems(&self) -> Vec<CatalogProblem> {
        let mut r = Report(Vec::new());
        self.check_codes(&mut r);
        self.check_dictionary(&mut r);
        for m in &self.matters {
            self.check_matter(m, &mut r);
        }
        self.check_bundles(&mut r);
        self.check_questions_agree(&mut r);
        for (subject, problem) in crate::bank::catalogue_problems(&self.banks) {
            r.push(&subject, Problem::Bank(problem));
        }
        let uses = |kind: FieldKind| self.fields.iter().any(|f| f.kind == kind);
        if (uses(FieldKind::Bank) || uses(FieldKind::Branch)) && self.banks.is_empty() {
            r.push(
                "banks",
                Problem::Bank("a bank field needs banks.toml".to_owned()),
            );
        }
        r.0
    }

    fn check_codes(&self, r: &mut Report) {
        let mut seen = HashSet::new();
        let codes = self
            .departments
            .iter()
            .map(|d| (&d.code, [&d.name, &d.name_en]))
            .chain(
                self.matters
                    .iter()
                    .map(|m| (&m.code, [&m.name, &m.name_en])),
            )
            .chain(
                self.bundles
                    .iter()
                    .map(|b| (&b.code, [&b.name, &b.name_en])),
            );
        for (code, names) in codes {
            if !is_code(code) {
                r.push(code, Problem::BadCode);
            }
            if !seen.insert(code.as_str()) {
                r.push(code, Problem::DuplicateCode);
            }
            if names.iter().any(|n| n.trim().is_empty()) {
                r.push(code, Problem::EmptyName);
            }
        }
        for (code, source) in self
            .matters
            .iter()
            .map(|m| (&m.code, &m.source))
            .chain(self.bundles.iter().map(|b| (&b.code, &b.source)))
        {
            if source.trim().is_empty() {
                r.push(code, Problem::EmptySource);
            }
        }
    }

    fn check_dictionary(&self, r: &mut Report) {
        let mut seen = HashSet::new();
        for f in &self.fields {
            if !is_key(&f.key) {
                r.push(&f.key, Problem::BadCode);
            }
            if !seen.insert(("field", f.key.as_str())) {
                r.push(&f.key, Problem::DuplicateCode);
            }
            if f.label.trim().is_empty() || f.label_en.trim().is_empty() {
                r.push(&f.key, Problem::EmptyName);
            }
            match (f.kind, f.options.is_empty()) {
                (FieldKind::Choice, true) => {
                    r.push(&f.key, Problem::ChoiceWithoutOptions(f.key.clone()))
                }
                (FieldKind::Choice, false) | (_, true) => {}
                (_, false) => r.push(&f.key, Problem::OptionsOnNonChoice(f.key.clone())),
            }
        }
        self.check_sections(r);
        for m in &self.materials {
            if !is_key(&m.key) {
                r.push(&m.key, Problem::BadCode);
            }
            if !seen.insert(("material", m.key.as_str())) {
                r.push(&m.key, Problem::DuplicateCode);
            }
            if m.name.trim().is_empty() || m.name_en.trim().is_empty() {
                r.push(&m.key, Problem::EmptyName);
            }
            if m.types.is_empty() {
                r.push(&m.key, Problem::NoFileTypes(m.key.clone()));
            }
        }
    }

    /// Every field has a section; a section is a repeatable group exactly when its fields are
    /// `key[].…`; a department's declaration comes in both languages or not at all.
    fn check_sections(&self, r: &mut Report) {
        let mut seen = HashSet::new();
        for s in &self.sections {
            if !seen.insert(s.key.as_str()) {
                r.push(&s.key, Problem::DuplicateCode);
            }
            if s.title.trim().is_empty() || s.title_en.trim().is_empty() {
                r.push(&s.key, Problem::EmptyName);
            }
            let group_fields = self
                .fields
                .iter()
                .any(|f| f.key.starts_with(&format!("{}[].", s.key)));
            let rows_ok = s.rows.is_some_and(|(min, max)| 1 <= min && min <= max);
            if group_fields != s.rows.is_some() || (s.rows.is_some() && !rows_ok) {
                r.push(&s.key, Problem::GroupMismatch(s.key.clone()));
            }
        }
        for f in &self.fields {
            let section = crate::application::section_of(&f.key);
            if !self.sections.iter().any(|s| s.key == section) {
                r.push(&f.key, Problem::NoSection(f.key.clone()));
            }
        }
        for d in &self.departments {
            if d.declaration.is_some() != d.declaration_en.is_some() {
                r.push(&d.code, Problem::HalfDeclaration(d.code.clone()));
            }
        }
    }

    fn check_matter(&self, m: &Matter, r: &mut Report) {
        let code = m.code.as_str();
        if self.department(&m.department).is_none() {
            r.push(code, Problem::UnknownDepartment(m.department.clone()));
        }
        if m.for_whom.is_empty() {
            r.push(code, Problem::NoApplicantKind);
        }
        if m.delivery.is_empty() {
            r.push(code, Problem::NoDelivery);
        }
        if m.promised_days > m.legal_days {
            r.push(
                code,
                Problem::PromiseExceedsLegalLimit {
                    promised: m.promised_days,
                    legal: m.legal_days,
                },
            );
        }
        match (m.trips, &m.trip_reason) {
            (0, Some(_)) => r.push(code, Problem::ReasonWithoutTrip),
            (1, None) => r.push(code, Problem::TripWithoutReason),
            (0 | 1, _) => {}
            (n, _) => r.push(code, Problem::TripsOutOfRange(n)),
        }
        let mut keys = HashSet::new();
        for f in &m.fields {
            if !keys.insert(&f.key) {
                r.push(code, Problem::RepeatedField(f.key.clone()));
            }
            let Some(def) = self.field(&f.key) else {
                r.push(code, Problem::UnknownField(f.key.clone()));
                continue;
            };
            if let (Some(min), Some(max)) = (f.min, f.max)
                && min > max
            {
                r.push(code, Problem::MinAboveMax(f.key.clone()));
            }
            if let Some(options) = &f.options {
                if def.kind != FieldKind::Choice {
                    r.push(code, Problem::OptionsOnNonChoice(f.key.clone()));
                }
                for value in options {
                    if !def.options.iter().any(|o| &o.value == value) {
                        r.push(
                            code,
                            Problem::UnknownOption {
                                field: f.key.clone(),
                                value: value.clone(),
                            },
                        );
                    }
                }
            }
        }
        let mut keys = HashSet::new();
        for u in &m.materials {
            if !keys.insert(&u.key) {
                r.push(code, Problem::RepeatedMaterial(u.key.clone()));
            }
            if self.material(&u.key).is_none() {
                r.push(code, Problem::UnknownMaterial(u.key.clone()));
            }
            if u.copies == 0 {
                r.push(code, Problem::NoCopies(u.key.clone()));
            }
            if let Some(days) = u.deferrable_days {
                if !u.required {
                    r.push(code, Problem::DeferrableNotRequired(u.key.clone()));
                }
                if u.supply == Supply::Shared {
                    r.push(code, Problem::DeferrableShared(u.key.clone()));
                }
                if days == 0 {
                    r.push(code, Problem::ZeroDeferral(u.key.clone()));
                }
            }
        }
        check_questions(code, &m.questions, r);
        let settable = settable_flags(&m.questions);
        let conditions = m
            .fields
            .iter()
            .filter_map(|f| f.when.as_ref())
            .chain(m.materials.iter().filter_map(|u| u.when.as_ref()));
        check_flags_settable(code, conditions, &settable, r);
        check_question_order(code, m.questions.iter(), r);
    }

    fn check_bundles(&self, r: &mut Report) {
        for b in &self.bundles {
            let code = b.code.as_str();
            if b.members.len() < 2 {
                r.push(code, Problem::EmptyBundle);
            }
            let mut listed: Vec<&str> = Vec::new();
            for member in &b.members {
                match self.matter(&member.matter) {
                    None => r.push(code, Problem::UnknownMatter(member.matter.clone())),
                    Some(m) if !m.for_whom.is_empty() && !m.for_whom.contains(&b.for_whom) => {
                        r.push(code, Problem::MemberNotFor(m.code.clone()))
                    }
                    Some(_) => {}
                }
                if listed.contains(&member.matter.as_str()) {
                    r.push(code, Problem::RepeatedMember(member.matter.clone()));
                }
                for before in &member.after {
                    if !listed.contains(&before.as_str()) {
                        r.push(code, Problem::AfterNotEarlier(before.clone()));
                    }
                }
                listed.push(&member.matter);
            }
            check_questions(code, &b.questions, r);
            let gathered = questionnaire_of(self, b);
            let settable = settable_flags(gathered.iter().map(|g| &g.question));
            let conditions = b.members.iter().filter_map(|m| m.when.as_ref());
            check_flags_settable(code, conditions, &settable, r);
            check_question_order(code, gathered.iter().map(|g| &g.question), r);
            // Every use, whatever the situation: a conflict that some answers could reach is
            // a conflict.
            let uses = self
                .bundle_matters(b)
                .flat_map(|m| m.fields.iter().map(move |f| (m, f)));
            if let Err(conflicts) = super::merge::merge_fields(self, uses) {
                // A use that is impossible on its own is reported for its matter already.
                let own = |k: &str| {
                    self.bundle_matters(b).any(|m| {
                        m.fields.iter().any(|f| {
                            f.key == k && super::merge::merge_fields(self, [(m, f)]).is_err()
                        })
                    })
                };
                for c in conflicts {
                    let (super::merge::Conflict::NoCommonOption(k)
                    | super::merge::Conflict::MinAboveMax(k)) = c;
                    if !own(&k) {
                        r.push(code, Problem::FieldConflict(k));
                    }
                }
            }
        }
    }

    /// One key, one question: the same key in two places must be the same question.
    fn check_questions_agree(&self, r: &mut Report) {
        let mut by_key: HashMap<&str, &Question> = HashMap::new();
        let all = self
            .matters
            .iter()
            .flat_map(|m| &m.questions)
            .chain(self.bundles.iter().flat_map(|b| &b.questions));
        let mut reported = BTreeSet::new();
        for q in all {
            match by_key.get(q.key.as_str()) {
                Some(first) if *first != q => {
                    if reported.insert(q.key.as_str()) {
                        r.push(&q.key, Problem::QuestionsDiffer(q.key.clone()));
                    }
                }
                Some(_) => {}
                None => {
                    by_key.insert(&q.key, q);
                }
            }
        }
    }
}

fn check_questions(owner: &str, questions: &[Question], r: &mut Report) {
    let mut keys = HashSet::new();
    for q in questions {
        if !is_flag(&q.key) {
            r.push(owner, Problem::BadFlag(q.key.clone()));
        }
        if !keys.insert(&q.key) {
            r.push(owner, Problem::RepeatedQuestion(q.key.clone()));
        }
        if q.text.trim().is_empty() || q.text_en.trim().is_empty() {
            r.push(owner, Problem::EmptyName);
        }
        if q.options.len() < 2 {
            r.push(owner, Problem::FewOptions(q.key.clone()));
        }
        let mut values = HashSet::new();
        for o in &q.options {
            if !values.insert(&o.value) {
                r.push(
                    owner,
                    Problem::RepeatedOption {
                        question: q.key.clone(),
                        value: o.value.clone(),
                    },
                );
            }
            if o.label.trim().is_empty() || o.label_en.trim().is_empty() {
                r.push(owner, Problem::EmptyName);
            }
            for flag in &o.sets {
                if !is_flag(flag) {
                    r.push(owner, Problem::BadFlag(flag.clone()));
                }
            }
        }
    }
}

fn settable_flags<'a>(questions: impl IntoIterator<Item = &'a Question>) -> BTreeSet<&'a str> {
    questions
        .into_iter()
        .flat_map(|q| &q.options)
        .flat_map(|o| &o.sets)
        .map(String::as_str)
        .collect()
}

fn check_flags_settable<'a>(
    owner: &str,
    conditions: impl Iterator<Item = &'a Condition>,
    settable: &BTreeSet<&str>,
    r: &mut Report,
) {
    let mut reported = BTreeSet::new();
    for c in conditions {
        for flag in c.flags() {
            if !settable.contains(flag) && reported.insert(flag.to_owned()) {
                r.push(owner, Problem::UnsetFlag(flag.to_owned()));
            }
        }
    }
}

/// A question's own condition may only use flags that earlier questions set.
fn check_question_order<'a>(
    owner: &str,
    questions: impl Iterator<Item = &'a Question>,
    r: &mut Report,
) {
    let mut earlier: BTreeSet<&str> = BTreeSet::new();
    for q in questions {
        if let Some(when) = &q.when {
            for flag in when.flags() {
                if !earlier.contains(flag) {
                    r.push(owner, Problem::UnsetFlag(flag.to_owned()));
                }
            }
        }
        earlier.extend(
            q.options
                .iter()
                .flat_map(|o| o.sets.iter().map(String::as_str)),
        );
    }
}
