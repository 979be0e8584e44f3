//! 一表登记 as the applicant fills it in: the merged form of a situation split into sections,
//! the values given, and every rule a submission must meet. The app runs [`validate`] before
//! anything is sent; the server runs the same function and answers 422 with the same codes.
//!
//! Values are kept as typed (text); they are read here into their real types: money in fen
//! and shares in basis points, never floating point.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::CivilDate;
use crate::catalog::checklist::{
    ChecklistMaterial, ChecklistMatter, Need, Savings, Subject, checklist,
};
use crate::catalog::merge::{MergedField, group_of, merged_form};
use crate::catalog::questions::Answers;
use crate::catalog::{Catalog, Delivery, FieldKind};
use crate::ident::{CompanyName, CreditCode, MobileNumber, PostalCode, ResidentId};
use crate::validation::FieldProblem;

/// The section whose fields are the postal address: asked only when the result is posted.
pub const DELIVERY_SECTION: &str = "mailing";
/// Longest value of any field, in characters, whatever the catalogue says.
pub const MAX_VALUE_CHARS: usize = 2000;
/// The `id_type` value whose numbers are resident identity card numbers.
pub const RESIDENT_ID: &str = "resident_id";

pub const REQUIRED: &str = "field.required";
pub const TOO_SHORT: &str = "field.too_short";
pub const TOO_LONG: &str = "field.too_long";
pub const TOO_SMALL: &str = "field.too_small";
pub const TOO_LARGE: &str = "field.too_large";
pub const UNKNOWN_FIELD: &str = "field.unknown";
pub const UNKNOWN_CHOICE: &str = "choice.unknown";
pub const NAME_CHARS: &str = "person_name.chars";
pub const DATE_FORMAT: &str = "date.format";
pub const MONEY_FORMAT: &str = "money.format";
pub const PERCENT_FORMAT: &str = "percent.format";
pub const INTEGER_FORMAT: &str = "integer.format";
pub const DOCUMENT_NUMBER: &str = "document_number.format";
pub const TOO_FEW_ROWS: &str = "group.too_few";
pub const TOO_MANY_ROWS: &str = "group.too_many";
pub const SHARE_SUM: &str = "shareholders.share_sum";
pub const CAPITAL_SUM: &str = "shareholders.capital_sum";
pub const DUPLICATE_PERSON: &str = "shareholders.duplicate";
pub const LEGAL_REP_COUNT: &str = "shareholders.legal_rep_count";
pub const UNDER_18: &str = "legal_rep.under_18";
pub const PAID_BY_PAST: &str = "paid_by.past";
pub const PAID_BY_LATE: &str = "paid_by.beyond_5_years";
pub const DELIVERY_REQUIRED: &str = "delivery.required";
pub const DELIVERY_UNKNOWN: &str = "delivery.unknown";
pub const DECLARATION_REQUIRED: &str = "declaration.required";
pub const DECLARATION_UNKNOWN: &str = "declaration.unknown";

/// A critical material (or one side of it) has no file: the application cannot be accepted.
pub const MATERIAL_MISSING: &str = "material.missing";
/// A deferrable material has no file and the applicant has not committed to supply it later.
pub const MATERIAL_COMMITMENT: &str = "material.commitment_required";
/// A commitment to supply later was given for a material that cannot wait.
pub const MATERIAL_NOT_DEFERRABLE: &str = "material.not_deferrable";
/// A commitment names a material this application does not ask for.
pub const MATERIAL_UNKNOWN: &str = "material.unknown";

/// Every code [`material_problems`] can return.
pub const MATERIAL_CODES: &[&str] = &[
    MATERIAL_MISSING,
    MATERIAL_COMMITMENT,
    MATERIAL_NOT_DEFERRABLE,
    MATERIAL_UNKNOWN,
];

/// Every code [`validate`] can return, besides the identifier codes of `ident`.
pub const CODES: &[&str] = &[
    REQUIRED,
    TOO_SHORT,
    TOO_LONG,
    TOO_SMALL,
    TOO_LARGE,
    UNKNOWN_FIELD,
    UNKNOWN_CHOICE,
    NAME_CHARS,
    DATE_FORMAT,
    MONEY_FORMAT,
    PERCENT_FORMAT,
    INTEGER_FORMAT,
    DOCUMENT_NUMBER,
    TOO_FEW_ROWS,
    TOO_MANY_ROWS,
    SHARE_SUM,
    CAPITAL_SUM,
    DUPLICATE_PERSON,
    LEGAL_REP_COUNT,
    UNDER_18,
    PAID_BY_PAST,
    PAID_BY_LATE,
    DELIVERY_REQUIRED,
    DELIVERY_UNKNOWN,
    DECLARATION_REQUIRED,
    DECLARATION_UNKNOWN,
];

/// One page of the form: the fields of one section of the catalogue (`company`, `legal_rep`),
/// or a repeatable group (`shareholders`: one row per person).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormSection {
    pub key: String,
    pub title: String,
    pub title_en: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_en: Option<String>,
    /// Rows allowed, for a repeatable group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<RowLimits>,
    pub fields: Vec<MergedField>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RowLimits {
    pub min: u16,
    pub max: u16,
}

/// One department's declaration (承诺), accepted on its own: one never implies another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Declaration {
    pub department: String,
    pub department_name: String,
    pub department_name_en: String,
    pub text: String,
    pub text_en: String,
}

/// The form for one situation: sections in order, the declarations, how the result may be
/// delivered, and what applying together saves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationForm {
    #[cfg_attr(feature = "openapi", schema(value_type = crate::catalog::checklist::SubjectRef))]
    pub subject: Subject,
    pub name: String,
    pub name_en: String,
    pub answers: Answers,
    pub sections: Vec<FormSection>,
    pub declarations: Vec<Declaration>,
    /// The departments involved, to name those that need each field.
    pub departments: Vec<crate::catalog::Department>,
    /// Ways of receiving the result the applicant may choose (EMS, pickup).
    pub delivery: Vec<Delivery>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub savings: Option<Savings>,
    /// Every material of the situation, 免提交 ones included (shown as not needed, never
    /// asked for).
    #[serde(default)]
    pub materials: Vec<ChecklistMaterial>,
    /// The banks and their branches, when the form asks for a bank (预约开户).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub banks: Vec<crate::bank::Bank>,
}

/// One step of the application flow: its address in the app and its title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormStep {
    pub path: String,
    pub title: String,
    pub title_en: String,
}

impl ApplicationForm {
    /// The steps of the flow, in order: each section, 领取方式 when the form offers ways of
    /// receiving the result and no section of its own asks for them, 上传材料 when a material
    /// is asked for, 各部门的承诺 when there are declarations, and 核对并提交 last.
    pub fn steps(&self) -> Vec<FormStep> {
        let step = |path: String, title: &str, title_en: &str| FormStep {
            path,
            title: title.to_owned(),
            title_en: title_en.to_owned(),
        };
        let mut out: Vec<FormStep> = self
            .sections
            .iter()
            .map(|s| step(format!("/apply/s/{}", s.key), &s.title, &s.title_en))
            .collect();
        if !self.delivery.is_empty() && self.section(DELIVERY_SECTION).is_none() {
            let path = format!("/apply/s/{DELIVERY_SECTION}");
            out.push(step(path, "领取方式", "Receiving the result"));
        }
        if asked_materials(self).next().is_some() {
            out.push(step(
                "/apply/materials".into(),
                "上传材料",
                "Upload documents",
            ));
        }
        if !self.declarations.is_empty() {
            let path = "/apply/declarations".into();
            out.push(step(path, "各部门的承诺", "Declarations"));
        }
        out.push(step(
            "/apply/review".into(),
            "核对并提交",
            "Check and submit",
        ));
        out
    }

    /// The key of the form's field of this kind (the one bank field, the one branch field).
    pub fn key_of(&self, kind: FieldKind) -> Option<&str> {
        self.sections
            .iter()
            .flat_map(|s| &s.fields)
            .find(|f| f.kind == kind)
            .map(|f| f.key.as_str())
    }

    pub fn material(&self, key: &str) -> Option<&ChecklistMaterial> {
        self.materials.iter().find(|m| m.key == key)
    }

    pub fn section(&self, key: &str) -> Option<&FormSection> {
        self.sections.iter().find(|s| s.key == key)
    }

    pub fn field(&self, key: &str) -> Option<&MergedField> {
        self.sections
            .iter()
            .flat_map(|s| &s.fields)
            .find(|f| f.key == key)
    }
}

/// What the applicant has given: values as typed by canonical key, the rows of repeatable
/// groups (`shareholders` → rows of `name` → value), the delivery chosen and the departments
/// whose declaration was accepted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApplicationData {
    #[serde(default)]
    pub values: BTreeMap<String, String>,
    #[serde(default)]
    pub groups: BTreeMap<String, Vec<BTreeMap<String, String>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<Delivery>,
    #[serde(default)]
    pub declarations: BTreeSet<String>,
    /// 容缺: deferrable materials the applicant commits (承诺) to supply after acceptance,
    /// within the material's working days.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub deferred: BTreeSet<String>,
}

impl ApplicationData {
    /// A value by key; `shareholders[1].name` reads row 1 of the group.
    pub fn get(&self, key: &str) -> Option<&str> {
        match split_row_key(key) {
            Some((group, row, field)) => self
                .groups
                .get(group)?
                .get(row)?
                .get(field)
                .map(String::as_str),
            None => self.values.get(key).map(String::as_str),
        }
        .filter(|v| !v.trim().is_empty())
    }

    /// Drop what the form no longer asks for (a changed catalogue, or a changed situation):
    /// returns the keys dropped.
    pub fn retain_known(&mut self, form: &ApplicationForm) -> Vec<String> {
        let mut dropped = Vec::new();
        self.values.retain(|k, v| {
            let keep = form.field(k).is_some_and(|f| f.group().is_none());
            if !keep && !v.trim().is_empty() {
                dropped.push(k.clone());
            }
            keep
        });
        self.groups.retain(|g, rows| {
            let keep = form.section(g).is_some_and(|s| s.rows.is_some());
            if !keep && !rows.is_empty() {
                dropped.push(format!("{g}[]"));
            }
            keep
        });
        for (g, rows) in &mut self.groups {
            for row in rows {
                row.retain(|k, v| {
                    let key = format!("{g}[].{k}");
                    let keep = form.field(&key).is_some();
                    if !keep && !v.trim().is_empty() && !dropped.contains(&key) {
                        dropped.push(key);
                    }
                    keep
                });
            }
        }
        let known: BTreeSet<&str> = form
            .declarations
            .iter()
            .map(|d| d.department.as_str())
            .collect();
        self.declarations.retain(|d| known.contains(d.as_str()));
        self.deferred
            .retain(|m| form.material(m).is_some_and(|m| m.need == Need::Deferrable));
        if self.delivery.is_some_and(|d| !form.delivery.contains(&d)) {
            self.delivery = None;
        }
        dropped
    }
}

/// `shareholders[1].name` → (`shareholders`, 1, `name`).
pub fn split_row_key(key: &str) -> Option<(&str, usize, &str)> {
    let (head, field) = key.split_once("].")?;
    let (group, row) = head.split_once('[')?;
    Some((group, row.parse().ok()?, field))
}

/// The section a field key belongs to: `company.name` → `company`, `shareholders[].name` →
/// `shareholders`.
pub fn section_of(key: &str) -> &str {
    group_of(key).unwrap_or_else(|| key.split_once('.').map_or(key, |(s, _)| s))
}

/// The form for a subject and a complete set of answers, or the problems with the answers.
pub fn application_form(
    catalog: &Catalog,
    subject: &Subject,
    answers: &Answers,
) -> Result<ApplicationForm, Vec<FieldProblem>> {
    let fields = merged_form(catalog, subject, answers)?;
    let list = checklist(catalog, subject, answers)?;
    let mut sections: Vec<FormSection> = Vec::new();
    for def in &catalog.sections {
        let own: Vec<MergedField> = fields
            .iter()
            .filter(|f| section_of(&f.key) == def.key)
            .cloned()
            .collect();
        if own.is_empty() {
            continue;
        }
        sections.push(FormSection {
            key: def.key.clone(),
            title: def.title.clone(),
            title_en: def.title_en.clone(),
            help: def.help.clone(),
            help_en: def.help_en.clone(),
            rows: def.rows.map(|(min, max)| RowLimits { min, max }),
            fields: own,
        });
    }
    let declarations = list
        .departments
        .iter()
        .filter_map(|d| {
            Some(Declaration {
                department: d.code.clone(),
                department_name: d.name.clone(),
                department_name_en: d.name_en.clone(),
                text: d.declaration.clone()?,
                text_en: d.declaration_en.clone()?,
            })
        })
        .collect();
    let mut delivery: Vec<Delivery> = [Delivery::Ems, Delivery::Pickup]
        .into_iter()
        .filter(|d| list.matters.iter().any(|m| m.delivery.contains(d)))
        .collect();
    delivery.sort();
    let asks_bank = fields.iter().any(|f| f.kind == FieldKind::Bank);
    Ok(ApplicationForm {
        subject: subject.clone(),
        name: list.name,
        name_en: list.name_en,
        answers: answers.clone(),
        sections,
        declarations,
        departments: list.departments,
        delivery,
        savings: list.savings,
        materials: list.materials,
        banks: if asks_bank {
            catalog.banks.clone()
        } else {
            Vec::new()
        },
    })
}

/// The materials an applicant is asked to upload: all but those the government already holds.
pub fn asked_materials(form: &ApplicationForm) -> impl Iterator<Item = &ChecklistMaterial> {
    form.materials.iter().filter(|m| is_asked(m))
}

/// Whether the applicant supplies a material at all (免提交 ones the government already holds).
pub fn is_asked(m: &ChecklistMaterial) -> bool {
    m.need != Need::Shared
}

/// [`MATERIAL_MISSING`] for each side of material `key` without a file, given the sides of the
/// files that count (all of them before submission; those since the request for a 补正).
pub fn missing_problems(key: &str, both_sides: bool, given_sides: &[&str]) -> Vec<FieldProblem> {
    crate::files::missing_sides(both_sides, given_sides)
        .into_iter()
        .map(|side| FieldProblem::new(material_field(key, Some(side)), MATERIAL_MISSING))
        .collect()
}

/// Longest reason a department gives for a correction (补正), in characters.
pub const MAX_CORRECTION_REASON: usize = 200;
/// Most working days a correction may allow.
pub const MAX_CORRECTION_DAYS: u32 = 30;

/// What is wrong with a department's correction request, all at once: a material the
/// application does not ask for (`asked`, 免提交 ones left out), a reason empty or over
/// [`MAX_CORRECTION_REASON`] characters, days outside 1 ..= [`MAX_CORRECTION_DAYS`].
pub fn correction_problems(
    asked: &[ChecklistMaterial],
    material: &str,
    reason: &str,
    days: u32,
) -> Vec<FieldProblem> {
    let mut out = Vec::new();
    if !asked.iter().any(|m| m.key == material && is_asked(m)) {
        out.push(FieldProblem::new("material", MATERIAL_UNKNOWN));
    }
    let reason = reason.trim();
    if reason.is_empty() {
        out.push(FieldProblem::new("reason", REQUIRED));
    } else if reason.chars().count() > MAX_CORRECTION_REASON {
        out.push(FieldProblem::new("reason", TOO_LONG));
    }
    if days < 1 {
        out.push(FieldProblem::new("days", TOO_SMALL));
    } else if days > MAX_CORRECTION_DAYS {
        out.push(FieldProblem::new("days", TOO_LARGE));
    }
    out
}

/// The sides of the files of material `key` among `given` (pairs of material key and side).
pub fn sides_given<'a>(key: &str, given: &[(&'a str, &'a str)]) -> Vec<&'a str> {
    given
        .iter()
        .filter(|(k, _)| *k == key)
        .map(|(_, side)| *side)
        .collect()
}

/// The sides of `material` not among `given`.
fn missing_of(m: &ChecklistMaterial, given: &[(&str, &str)]) -> Vec<&'static str> {
    crate::files::missing_sides(m.both_sides, &sides_given(&m.key, given))
}

/// Where a material's problem points: `materials.id-card.back` for a missing side,
/// `materials.lease-contract` otherwise.
pub fn material_field(key: &str, side: Option<&str>) -> String {
    match side {
        Some(side) if side != "pages" => format!("materials.{key}.{side}"),
        _ => format!("materials.{key}"),
    }
}

/// What the materials of a submission lack, all at once: each side of a critical material
/// without a file ([`MATERIAL_MISSING`]), each deferrable material neither given nor committed to
/// ([`MATERIAL_COMMITMENT`]), and commitments that cannot stand ([`MATERIAL_NOT_DEFERRABLE`],
/// [`MATERIAL_UNKNOWN`]). Optional materials are never required. `given` lists (material,
/// side) of the files uploaded; the server reads them from its own records.
pub fn material_problems(
    form: &ApplicationForm,
    data: &ApplicationData,
    given: &[(&str, &str)],
) -> Vec<FieldProblem> {
    let mut out = Vec::new();
    for m in asked_materials(form) {
        let missing = missing_of(m, given);
        match m.need {
            Need::Critical => {
                out.extend(missing_problems(
                    &m.key,
                    m.both_sides,
                    &sides_given(&m.key, given),
                ));
            }
            Need::Deferrable if !missing.is_empty() && !data.deferred.contains(&m.key) => {
                out.push(FieldProblem::new(
                    material_field(&m.key, None),
                    MATERIAL_COMMITMENT,
                ));
            }
            _ => {}
        }
    }
    for key in &data.deferred {
        match form.material(key) {
            None => out.push(FieldProblem::new(
                material_field(key, None),
                MATERIAL_UNKNOWN,
            )),
            Some(m) if m.need != Need::Deferrable => {
                out.push(FieldProblem::new(
                    material_field(key, None),
                    MATERIAL_NOT_DEFERRABLE,
                ));
            }
            Some(_) => {}
        }
    }
    out
}

/// The deferrable materials committed to and not (completely) given: what the application is
/// accepted without (容缺), each to be supplied within its working days.
pub fn outstanding<'a>(
    form: &'a ApplicationForm,
    data: &ApplicationData,
    given: &[(&str, &str)],
) -> Vec<&'a ChecklistMaterial> {
    asked_materials(form)
        .filter(|m| m.need == Need::Deferrable && data.deferred.contains(&m.key))
        .filter(|m| !missing_of(m, given).is_empty())
        .collect()
}

/// The working day, counted from acceptance, by which each matter's result is promised:
/// members run in parallel, each waiting for those it comes `after`.
pub fn finish_days(matters: &[ChecklistMatter]) -> Vec<u32> {
    let mut finish: Vec<u32> = Vec::with_capacity(matters.len());
    for (i, m) in matters.iter().enumerate() {
        let start = m
            .after
            .iter()
            .filter_map(|a| matters[..i].iter().position(|x| &x.code == a))
            .map(|j| finish[j])
            .max()
            .unwrap_or(0);
        finish.push(start + m.promised_days);
    }
    finish
}

/// Money as typed (`50000`, `50,000.5`, `¥1.25`, `3元`) in fen.
pub fn parse_fen(text: &str) -> Option<u64> {
    let t: String = text
        .trim()
        .trim_start_matches(['¥', '￥'])
        .trim_end_matches('元')
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' '))
        .collect();
    decimal(&t, 2, 13)
}

/// A share as typed (`50`, `33.33`, `12.5%`) in basis points (0.01%).
pub fn parse_basis_points(text: &str) -> Option<u64> {
    let t = text.trim().trim_end_matches(['%', '％']).trim();
    decimal(t, 2, 3)
}

/// Digits with at most `scale` decimals, as an integer times 10^scale.
fn decimal(t: &str, scale: u32, max_int_digits: usize) -> Option<u64> {
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    if int.is_empty()
        || int.len() > max_int_digits
        || frac.len() > scale as usize
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || (t.contains('.') && frac.is_empty())
    {
        return None;
    }
    let mut value: u64 = int.parse().ok()?;
    for i in 0..scale as usize {
        let d = frac.as_bytes().get(i).map_or(0, |b| u64::from(b - b'0'));
        value = value.checked_mul(10)?.checked_add(d)?;
    }
    Some(value)
}

/// Fen for display: `5000000` → `50000.00`.
pub fn format_fen(fen: u64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

/// Basis points for display: `3333` → `33.33`.
pub fn format_basis_points(bp: u64) -> String {
    if bp.is_multiple_of(100) {
        format!("{}", bp / 100)
    } else {
        format!("{}.{:02}", bp / 100, bp % 100)
    }
}

fn is_name_char(c: char) -> bool {
    c.is_alphabetic() || matches!(c, '·' | '•' | ' ' | '.' | '-')
}

/// A person's name (trimmed): 2 to 50 letters, with the separators names use (·, space, dot,
/// hyphen); the problem's code, or `None` when fine.
pub fn person_name_problem(v: &str) -> Option<&'static str> {
    let chars = v.chars().count();
    if chars > 50 {
        Some(TOO_LONG)
    } else if chars < 2 || !v.chars().all(is_name_char) {
        Some(NAME_CHARS)
    } else {
        None
    }
}

/// A value checked against its field's kind and rules; `None` when fine or empty.
fn check_value(field: &MergedField, value: &str, today: CivilDate) -> Option<&'static str> {
    let v = value.trim();
    let chars = v.chars().count();
    if chars > MAX_VALUE_CHARS {
        return Some(TOO_LONG);
    }
    let in_range = |n: u64| -> Option<&'static str> {
        let n = i64::try_from(n).unwrap_or(i64::MAX);
        if field.min.is_some_and(|min| n < min) {
            Some(TOO_SMALL)
        } else if field.max.is_some_and(|max| n > max) {
            Some(TOO_LARGE)
        } else {
            None
        }
    };
    match field.kind {
        FieldKind::Text | FieldKind::Address => {
            let n = i64::try_from(chars).unwrap_or(i64::MAX);
            if field.min.is_some_and(|min| n < min) {
                Some(TOO_SHORT)
            } else if field.max.is_some_and(|max| n > max) {
                Some(TOO_LONG)
            } else {
                None
            }
        }
        FieldKind::PersonName => person_name_problem(v),
        FieldKind::IdNumber => ResidentId::parse(v, today).err().map(|e| e.code()),
        FieldKind::CreditCode => CreditCode::parse(v).err().map(|e| e.code()),
        FieldKind::Mobile => MobileNumber::parse(v).err().map(|e| e.code()),
        FieldKind::PostalCode => PostalCode::parse(v).err().map(|e| e.code()),
        FieldKind::CompanyName => CompanyName::parse(v).err().map(|e| e.code()),
        FieldKind::Date => v.parse::<CivilDate>().err().map(|_| DATE_FORMAT),
        FieldKind::Money => parse_fen(v).map_or(Some(MONEY_FORMAT), in_range),
        FieldKind::Percent => match parse_basis_points(v) {
            None => Some(PERCENT_FORMAT),
            Some(bp) if bp > 10_000 => Some(TOO_LARGE),
            Some(bp) => in_range(bp),
        },
        FieldKind::Integer => v.parse::<u64>().map_or(Some(INTEGER_FORMAT), in_range),
        FieldKind::Choice => {
            (!field.options.iter().any(|o| o.value == v)).then_some(UNKNOWN_CHOICE)
        }
        FieldKind::YesNo => (!matches!(v, "yes" | "no")).then_some(UNKNOWN_CHOICE),
        // Checked against the form's banks, together (`crate::bank::choice_problems`).
        FieldKind::Bank | FieldKind::Branch => None,
    }
}

/// A passport or permit number: 5 to 30 letters and digits.
fn document_number_ok(v: &str) -> bool {
    let n = crate::ident::normalize(v);
    (5..=30).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_alphanumeric())
}

struct Report(Vec<FieldProblem>);

impl Report {
    fn add(&mut self, field: impl Into<String>, code: &str) {
        self.0.push(FieldProblem {
            field: field.into(),
            code: code.to_owned(),
        });
    }
}

/// Whether the postal address is asked: only when the result is posted.
pub fn asks_address(form: &ApplicationForm, data: &ApplicationData) -> bool {
    form.delivery.is_empty() || data.delivery == Some(Delivery::Ems)
}

/// Every problem with an application, all at once, in form order. `today` is the submission
/// day in China time (ages and deadlines are counted from it).
pub fn validate(
    form: &ApplicationForm,
    data: &ApplicationData,
    today: CivilDate,
) -> Vec<FieldProblem> {
    let mut r = Report(Vec::new());
    unknown_keys(form, data, &mut r);
    let address = asks_address(form, data);
    for section in &form.sections {
        if section.key == DELIVERY_SECTION && !address {
            continue;
        }
        match section.rows {
            None => {
                for f in &section.fields {
                    match data.get(&f.key) {
                        None if f.required => r.add(&f.key, REQUIRED),
                        None => {}
                        Some(v) => {
                            if let Some(code) = check_value(f, v, today) {
                                r.add(&f.key, code);
                            }
                        }
                    }
                }
            }
            Some(limits) => group_rules(form, section, limits, data, today, &mut r),
        }
    }
    legal_rep_rules(form, data, today, &mut r);
    if let Some(bank) = form.key_of(FieldKind::Bank) {
        let branch = form.key_of(FieldKind::Branch).unwrap_or("");
        r.0.extend(crate::bank::choice_problems(
            &form.banks,
            (bank, data.get(bank)),
            (branch, data.get(branch)),
        ));
    }
    if !form.delivery.is_empty() {
        match data.delivery {
            None => r.add("delivery", DELIVERY_REQUIRED),
            Some(d) if !form.delivery.contains(&d) => r.add("delivery", DELIVERY_UNKNOWN),
            Some(_) => {}
        }
    }
    for d in &form.declarations {
        if !data.declarations.contains(&d.department) {
            r.add(
                format!("declarations.{}", d.department),
                DECLARATION_REQUIRED,
            );
        }
    }
    for d in &data.declarations {
        if !form.declarations.iter().any(|x| &x.department == d) {
            r.add("declarations", DECLARATION_UNKNOWN);
            break;
        }
    }
    r.0
}

fn unknown_keys(form: &ApplicationForm, data: &ApplicationData, r: &mut Report) {
    for key in data.values.keys() {
        if form.field(key).is_none_or(|f| f.group().is_some()) {
            r.add(key.as_str(), UNKNOWN_FIELD);
        }
    }
    for (group, rows) in &data.groups {
        let Some(section) = form.section(group).filter(|s| s.rows.is_some()) else {
            r.add(group.as_str(), UNKNOWN_FIELD);
            continue;
        };
        for (i, row) in rows.iter().enumerate() {
            for k in row.keys() {
                let key = format!("{group}[].{k}");
                if !section.fields.iter().any(|f| f.key == key) {
                    r.add(format!("{group}[{i}].{k}"), UNKNOWN_FIELD);
                }
            }
        }
    }
}

fn group_rules(
    form: &ApplicationForm,
    section: &FormSection,
    limits: RowLimits,
    data: &ApplicationData,
    today: CivilDate,
    r: &mut Report,
) {
    let g = section.key.as_str();
    let rows = data.groups.get(g).map_or(&[][..], Vec::as_slice);
    if rows.len() < usize::from(limits.min) {
        r.add(g, TOO_FEW_ROWS);
    }
    if rows.len() > usize::from(limits.max) {
        r.add(g, TOO_MANY_ROWS);
        return;
    }
    let limited = data.get("company.type") == Some("limited");
    let mut shares: Option<u64> = Some(0);
    let mut capital: Option<u64> = Some(0);
    let mut seen_ids: BTreeSet<String> = BTreeSet::new();
    for (i, row) in rows.iter().enumerate() {
        let value = |name: &str| row.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
        for f in &section.fields {
            let name = f.key.rsplit_once("].").map_or(f.key.as_str(), |(_, n)| n);
            let key = format!("{g}[{i}].{name}");
            let Some(v) = value(name) else {
                if f.required {
                    r.add(key, REQUIRED);
                }
                if name == "share_percent" {
                    shares = None;
                }
                if name == "capital_fen" {
                    capital = None;
                }
                continue;
            };
            let is_id = f.kind == FieldKind::IdNumber;
            let resident = value("id_type").is_none_or(|t| t == RESIDENT_ID);
            let problem = if is_id && !resident {
                (!document_number_ok(v)).then_some(DOCUMENT_NUMBER)
            } else {
                check_value(f, v, today)
            };
            if let Some(code) = problem {
                r.add(key, code);
                if name == "share_percent" {
                    shares = None;
                }
                if name == "capital_fen" {
                    capital = None;
                }
                continue;
            }
            match name {
                "share_percent" => {
                    shares = shares.zip(parse_basis_points(v)).map(|(a, b)| a + b);
                }
                "capital_fen" => {
                    capital = capital.zip(parse_fen(v)).map(|(a, b)| a.saturating_add(b));
                }
                "paid_by" => {
                    if let Ok(date) = v.parse::<CivilDate>() {
                        if date < today {
                            r.add(key, PAID_BY_PAST);
                        } else if limited && date > five_years_after(today) {
                            r.add(key, PAID_BY_LATE);
                        }
                    }
                }
                _ if is_id => {
                    let id = crate::ident::normalize(v);
                    if !seen_ids.insert(id) {
                        r.add(key, DUPLICATE_PERSON);
                    }
                }
                _ => {}
            }
        }
    }
    let has = |name: &str| {
        section
            .fields
            .iter()
            .any(|f| f.key == format!("{g}[].{name}"))
    };
    if has("share_percent") && !rows.is_empty() && shares.is_some_and(|s| s != 10_000) {
        r.add(g, SHARE_SUM);
    }
    let registered = form
        .field("company.registered_capital")
        .and_then(|_| data.get("company.registered_capital"))
        .and_then(parse_fen);
    if has("capital_fen")
        && !rows.is_empty()
        && let (Some(sum), Some(total)) = (capital, registered)
        && sum != total
    {
        r.add(g, CAPITAL_SUM);
    }
    if has("is_legal_rep") && !rows.is_empty() {
        let reps = rows
            .iter()
            .filter(|row| row.get("is_legal_rep").map(|v| v.trim()) == Some("yes"))
            .count();
        if reps != 1 {
            r.add(g, LEGAL_REP_COUNT);
        }
    }
}

/// The same month and day five years later (28 February for a 29 February).
fn five_years_after(d: CivilDate) -> CivilDate {
    CivilDate::new(d.year() + 5, d.month(), d.day())
        .or_else(|| CivilDate::new(d.year() + 5, d.month(), d.day() - 1))
        .unwrap_or(d)
}

/// The legal representative is at least 18 on the submission day: from their own ID number
/// when it is asked (a hired representative), otherwise from the shareholder marked as the
/// representative.
fn legal_rep_rules(
    form: &ApplicationForm,
    data: &ApplicationData,
    today: CivilDate,
    r: &mut Report,
) {
    let under_18 = |v: &str| ResidentId::parse(v, today).is_ok_and(|id| id.age_on(today) < 18);
    if form.field("legal_rep.id_number").is_some() {
        if data.get("legal_rep.id_number").is_some_and(under_18) {
            r.add("legal_rep.id_number", UNDER_18);
        }
        return;
    }
    let Some(rows) = data.groups.get("shareholders") else {
        return;
    };
    for (i, row) in rows.iter().enumerate() {
        let is_rep = row.get("is_legal_rep").map(|v| v.trim()) == Some("yes");
        let resident = row.get("id_type").is_none_or(|t| t.trim() == RESIDENT_ID);
        if is_rep && resident && row.get("id_number").is_some_and(|v| under_18(v)) {
            r.add(format!("shareholders[{i}].id_number"), UNDER_18);
        }
    }
}

/// Values already known elsewhere in the form, offered for the empty fields of `section`:
/// the applicant or tax officer is often the legal representative, and the representative
/// often a shareholder. Prefilled, never skipped: the applicant sees and may change them.
pub fn prefill(
    form: &ApplicationForm,
    data: &ApplicationData,
    section: &str,
) -> Vec<(String, String)> {
    let rep_row = data.groups.get("shareholders").and_then(|rows| {
        let marked: Vec<_> = rows
            .iter()
            .filter(|r| r.get("is_legal_rep").map(|v| v.trim()) == Some("yes"))
            .collect();
        match marked.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    });
    let mut out = Vec::new();
    let Some(s) = form.section(section) else {
        return out;
    };
    for f in &s.fields {
        if data.get(&f.key).is_some() {
            continue;
        }
        let Some((prefix, name)) = f.key.split_once('.') else {
            continue;
        };
        // A situational answer named like the field (`company_type` for `company.type`)
        // already said it: 要开办哪一类企业？ answers 企业类型.
        let answered = form
            .answers
            .get(&format!("{prefix}_{name}"))
            .filter(|v| f.options.iter().any(|o| &o.value == *v))
            .cloned();
        let default = f
            .options
            .iter()
            .find(|o| o.default)
            .map(|o| o.value.clone());
        let from = answered.or(default).or_else(|| match prefix {
            "applicant" | "tax_officer" => {
                data.get(&format!("legal_rep.{name}")).map(str::to_owned)
            }
            "legal_rep" => rep_row.and_then(|row| row.get(name).cloned()),
            _ => None,
        });
        if let Some(v) = from.filter(|v| !v.trim().is_empty()) {
            out.push((f.key.clone(), v));
        }
    }
    out
}

/// Where the second factor of a draft comes from, in order: the first of these ID numbers
/// given opens it with its last six characters.
pub const RESUME_ID_KEYS: &[&str] = &[
    "applicant.id_number",
    "legal_rep.id_number",
    "shareholders[0].id_number",
];

/// The key and the last six characters (normalised) of the ID number that opens a draft on
/// another device, if one has been entered.
pub fn resume_id(data: &ApplicationData) -> Option<(&'static str, String)> {
    RESUME_ID_KEYS.iter().find_map(|key| {
        let id = crate::ident::normalize(data.get(key)?);
        let chars: Vec<char> = id.chars().collect();
        (chars.len() >= 6).then(|| (*key, chars[chars.len() - 6..].iter().collect()))
    })
}

/// The problems that belong to one section's page (its fields, its rows, and for the
/// delivery section the delivery choice).
pub fn section_problems<'a>(
    problems: &'a [FieldProblem],
    section: &str,
) -> impl Iterator<Item = &'a FieldProblem> {
    problems.iter().filter(move |p| {
        let head = p.field.split(['[', '.']).next().unwrap_or(&p.field);
        head == section || (section == DELIVERY_SECTION && head == "delivery")
    })
}

#[cfg(test)]
mod tests;
