//! The one-time checklist (一次性告知单) for a situation, and what a bundle saves compared with
//! doing its matters one by one. Pure: the same result in the app and on the server.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::condition::holds;
use super::questions::{
    Answers, GatedQuestion, complete, questionnaire_of, questionnaire_of_matter,
};
use super::{Catalog, Condition, Delivery, Department, FileType, MaterialUse, Matter, Supply};
use crate::validation::FieldProblem;

/// What a checklist is for: a bundle (一件事) or a single matter. On the wire
/// `{"kind": "bundle", "code": "company-startup"}` (see [`SubjectRef`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "SubjectRef", from = "SubjectRef")]
pub enum Subject {
    Bundle(String),
    Matter(String),
}

/// The wire form of a [`Subject`]: a plain struct, which decodes with far less code in the
/// app than serde's adjacently tagged enums.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubjectRef {
    pub kind: SubjectKind,
    pub code: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    Bundle,
    Matter,
}

impl From<Subject> for SubjectRef {
    fn from(s: Subject) -> Self {
        match s {
            Subject::Bundle(code) => SubjectRef {
                kind: SubjectKind::Bundle,
                code,
            },
            Subject::Matter(code) => SubjectRef {
                kind: SubjectKind::Matter,
                code,
            },
        }
    }
}

impl From<SubjectRef> for Subject {
    fn from(r: SubjectRef) -> Self {
        match r.kind {
            SubjectKind::Bundle => Subject::Bundle(r.code),
            SubjectKind::Matter => Subject::Matter(r.code),
        }
    }
}

pub const UNKNOWN_SUBJECT: &str = "subject.unknown";

/// How much a material is needed in this situation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Need {
    /// Must be present to accept the application.
    Critical,
    /// 容缺: may follow within `deferrable_days` working days after acceptance.
    Deferrable,
    /// Helps, not required.
    Optional,
    /// 免提交: the government already holds it.
    Shared,
}

/// One material on the checklist, merged over every matter that needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChecklistMaterial {
    pub key: String,
    pub name: String,
    pub name_en: String,
    pub description: String,
    pub need: Need,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deferrable_days: Option<u32>,
    pub supply: Supply,
    pub copies: u8,
    pub types: Vec<FileType>,
    pub max_kb: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_pages: Option<u16>,
    pub both_sides: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_px: Option<u32>,
    pub sample: String,
    /// Codes of the departments that need it.
    pub departments: Vec<String>,
    /// What particular matters need of it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Needed only in some situations (shown on a guide, never on a checklist).
    #[serde(default)]
    pub conditional: bool,
}

/// One matter on the checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChecklistMatter {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub department: String,
    pub legal_days: u32,
    pub promised_days: u32,
    pub trips: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trip_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office: Option<String>,
    pub fee_fen: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_note: Option<String>,
    pub result: String,
    pub delivery: Vec<Delivery>,
    pub hotline: String,
    /// Members whose result this one waits for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<String>,
}

/// A question and the answer given, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnswerLine {
    pub key: String,
    pub question: String,
    pub question_en: String,
    pub answer: String,
    pub answer_en: String,
}

/// Doing the matters together against one by one, computed from the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Savings {
    /// Fields over the separate forms, counted once per form.
    pub fields_separate: u32,
    /// Fields of the merged form, each canonical key once.
    pub fields_merged: u32,
    /// Documents the applicant supplies over the separate lists.
    pub materials_separate: u32,
    pub materials_merged: u32,
    pub trips_separate: u32,
    pub trips_merged: u32,
    /// Sum of the separate promised times, in working days.
    pub days_separate: u32,
    /// The bundle's promised time: departments in parallel, waiting only where `after` says.
    pub days_merged: u32,
}

/// The one-time checklist for one situation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Checklist {
    #[cfg_attr(feature = "openapi", schema(value_type = SubjectRef))]
    pub subject: Subject,
    pub name: String,
    pub name_en: String,
    pub illustrative: bool,
    pub answers: Vec<AnswerLine>,
    pub departments: Vec<Department>,
    pub matters: Vec<ChecklistMatter>,
    pub materials: Vec<ChecklistMaterial>,
    pub promised_days: u32,
    pub trips: u8,
    pub fee_fen: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub savings: Option<Savings>,
}

/// A subject resolved against the catalogue: its questions and its members.
pub(crate) struct Resolved<'a> {
    name: &'a str,
    name_en: &'a str,
    illustrative: bool,
    questions: Vec<GatedQuestion>,
    /// (matter, after, membership condition)
    members: Vec<(&'a Matter, &'a [String], Option<&'a Condition>)>,
    is_bundle: bool,
}

impl<'a> Resolved<'a> {
    /// The members that apply under `flags`, each with the members it waits for.
    pub(crate) fn applicable(&self, flags: &BTreeSet<String>) -> Vec<(&'a Matter, &'a [String])> {
        self.members
            .iter()
            .filter(|(_, _, when)| holds(*when, flags))
            .map(|(m, after, _)| (*m, *after))
            .collect()
    }
}

/// A subject and a complete set of answers: the subject resolved and the flags the answers
/// set, or the problems (an unknown subject, missing or foreign answers).
pub(crate) fn situation<'a>(
    catalog: &'a Catalog,
    subject: &Subject,
    answers: &Answers,
) -> Result<(Resolved<'a>, BTreeSet<String>), Vec<FieldProblem>> {
    let Some(r) = resolve(catalog, subject) else {
        return Err(vec![FieldProblem {
            field: "subject".into(),
            code: UNKNOWN_SUBJECT.into(),
        }]);
    };
    let flags = complete(&r.questions, answers)?;
    Ok((r, flags))
}

fn resolve<'a>(catalog: &'a Catalog, subject: &Subject) -> Option<Resolved<'a>> {
    match subject {
        Subject::Bundle(code) => {
            let b = catalog.bundle(code)?;
            Some(Resolved {
                name: &b.name,
                name_en: &b.name_en,
                illustrative: b.illustrative || catalog.bundle_matters(b).any(|m| m.illustrative),
                questions: questionnaire_of(catalog, b),
                members: b
                    .members
                    .iter()
                    .filter_map(|m| {
                        catalog
                            .matter(&m.matter)
                            .map(|matter| (matter, m.after.as_slice(), m.when.as_ref()))
                    })
                    .collect(),
                is_bundle: true,
            })
        }
        Subject::Matter(code) => {
            let m = catalog.matter(code)?;
            Some(Resolved {
                name: &m.name,
                name_en: &m.name_en,
                illustrative: m.illustrative,
                questions: questionnaire_of_matter(m),
                members: vec![(m, &[], None)],
                is_bundle: false,
            })
        }
    }
}

/// The questions asked for a subject, in order, or `None` for an unknown code.
pub fn questions_for(catalog: &Catalog, subject: &Subject) -> Option<Vec<GatedQuestion>> {
    resolve(catalog, subject).map(|r| r.questions)
}

/// Merge the uses of materials, in order of first appearance, by canonical key: the strictest
/// need wins (critical over deferrable over optional), the shortest deferral, the most
/// copies, the most effortful way of supply; shared only when every use is shared.
pub fn merge_materials<'a>(
    catalog: &Catalog,
    uses: impl IntoIterator<Item = (&'a Matter, &'a MaterialUse)>,
) -> Vec<ChecklistMaterial> {
    let mut out: Vec<ChecklistMaterial> = Vec::new();
    for (matter, u) in uses {
        let Some(def) = catalog.material(&u.key) else {
            continue;
        };
        let idx = match out.iter().position(|m| m.key == u.key) {
            Some(i) => i,
            None => {
                out.push(ChecklistMaterial {
                    key: def.key.clone(),
                    name: def.name.clone(),
                    name_en: def.name_en.clone(),
                    description: def.description.clone(),
                    need: Need::Shared,
                    deferrable_days: None,
                    supply: Supply::Shared,
                    copies: 0,
                    types: def.types.clone(),
                    max_kb: def.max_kb,
                    max_pages: def.max_pages,
                    both_sides: def.both_sides,
                    min_px: def.min_px,
                    sample: def.sample.clone(),
                    departments: Vec::new(),
                    notes: Vec::new(),
                    conditional: true,
                });
                out.len() - 1
            }
        };
        let line = &mut out[idx];
        line.conditional &= u.when.is_some();
        line.copies = line.copies.max(u.copies);
        line.supply = line.supply.max(u.supply);
        if !line.departments.contains(&matter.department) {
            line.departments.push(matter.department.clone());
        }
        if let Some(note) = &u.note
            && !line.notes.contains(note)
        {
            line.notes.push(note.clone());
        }
        if u.supply == Supply::Shared {
            continue;
        }
        let need = match (u.required, u.deferrable_days) {
            (false, _) => Need::Optional,
            (true, None) => Need::Critical,
            (true, Some(_)) => Need::Deferrable,
        };
        if need == Need::Deferrable {
            let days = u.deferrable_days.unwrap_or(0);
            line.deferrable_days = Some(line.deferrable_days.map_or(days, |d| d.min(days)));
        }
        line.need = line.need.min(need);
    }
    for line in &mut out {
        if line.need != Need::Deferrable {
            line.deferrable_days = None;
        }
    }
    out
}

/// Working days for members in parallel, each waiting for those it comes `after`.
fn critical_path(members: &[(&Matter, &[String])]) -> u32 {
    let mut finish: Vec<(&str, u32)> = Vec::new();
    for (m, after) in members {
        let start = after
            .iter()
            .filter_map(|a| finish.iter().find(|(c, _)| c == a).map(|(_, d)| *d))
            .max()
            .unwrap_or(0);
        finish.push((&m.code, start + m.promised_days));
    }
    finish.iter().map(|(_, d)| *d).max().unwrap_or(0)
}

/// The checklist for a subject and a complete set of answers.
pub fn checklist(
    catalog: &Catalog,
    subject: &Subject,
    answers: &Answers,
) -> Result<Checklist, Vec<FieldProblem>> {
    let (r, flags) = situation(catalog, subject, answers)?;
    Ok(build(catalog, subject, &r, answers, &flags))
}

fn build(
    catalog: &Catalog,
    subject: &Subject,
    r: &Resolved<'_>,
    answers: &Answers,
    flags: &BTreeSet<String>,
) -> Checklist {
    let members = r.applicable(flags);
    let material_uses = members.iter().flat_map(|(m, _)| {
        m.materials
            .iter()
            .filter(|u| holds(u.when.as_ref(), flags))
            .map(move |u| (*m, u))
    });
    let mut materials = merge_materials(catalog, material_uses);
    for line in &mut materials {
        line.conditional = false;
    }
    let field_counts: Vec<BTreeSet<&str>> = members
        .iter()
        .map(|(m, _)| {
            m.fields
                .iter()
                .filter(|f| holds(f.when.as_ref(), flags))
                .map(|f| f.key.as_str())
                .collect()
        })
        .collect();
    let supplied = |m: &Matter| {
        m.materials
            .iter()
            .filter(|u| holds(u.when.as_ref(), flags) && u.supply != Supply::Shared)
            .count() as u32
    };
    let trips = members.iter().map(|(m, _)| m.trips).max().unwrap_or(0);
    let promised_days = critical_path(&members);
    let savings = r.is_bundle.then(|| Savings {
        fields_separate: field_counts.iter().map(|s| s.len() as u32).sum(),
        fields_merged: field_counts.iter().flatten().collect::<BTreeSet<_>>().len() as u32,
        materials_separate: members.iter().map(|(m, _)| supplied(m)).sum(),
        materials_merged: materials.iter().filter(|m| m.need != Need::Shared).count() as u32,
        trips_separate: members.iter().map(|(m, _)| u32::from(m.trips)).sum(),
        trips_merged: u32::from(trips),
        days_separate: members.iter().map(|(m, _)| m.promised_days).sum(),
        days_merged: promised_days,
    });
    let mut departments: Vec<Department> = Vec::new();
    for (m, _) in &members {
        if let Some(d) = catalog.department(&m.department)
            && !departments.iter().any(|x| x.code == d.code)
        {
            departments.push(d.clone());
        }
    }
    let answer_lines = r
        .questions
        .iter()
        .filter_map(|g| {
            let value = answers.get(&g.question.key)?;
            let option = g.question.options.iter().find(|o| &o.value == value)?;
            Some(AnswerLine {
                key: g.question.key.clone(),
                question: g.question.text.clone(),
                question_en: g.question.text_en.clone(),
                answer: option.label.clone(),
                answer_en: option.label_en.clone(),
            })
        })
        .collect();
    Checklist {
        subject: subject.clone(),
        name: r.name.to_owned(),
        name_en: r.name_en.to_owned(),
        illustrative: r.illustrative,
        answers: answer_lines,
        departments,
        matters: members
            .iter()
            .map(|(m, after)| ChecklistMatter {
                code: m.code.clone(),
                name: m.name.clone(),
                name_en: m.name_en.clone(),
                department: m.department.clone(),
                legal_days: m.legal_days,
                promised_days: m.promised_days,
                trips: m.trips,
                trip_reason: m.trip_reason.clone(),
                office: m.office.clone(),
                fee_fen: m.fee_fen,
                fee_note: m.fee_note.clone(),
                result: m.result.clone(),
                delivery: m.delivery.clone(),
                hotline: catalog.hotline(m),
                after: after.to_vec(),
            })
            .collect(),
        materials,
        promised_days,
        trips,
        fee_fen: members.iter().map(|(m, _)| m.fee_fen).sum(),
        savings,
    }
}

/// The checklist of the most common situation (every question's first option), which the
/// bundle page uses for its savings.
pub fn typical(catalog: &Catalog, subject: &Subject) -> Option<Checklist> {
    let r = resolve(catalog, subject)?;
    let answers = super::questions::default_answers(&r.questions);
    let flags = complete(&r.questions, &answers).ok()?;
    Some(build(catalog, subject, &r, &answers, &flags))
}
