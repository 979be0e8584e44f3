//! The service catalogue: departments, fields, materials, matters (事项) and bundles (一件事),
//! as data.
//!
//! The server reads the files in `catalog/`; this module owns the model and every rule a
//! catalogue must satisfy ([`Catalog::problems`]), so a bad catalogue is caught at load, never
//! by a citizen. The one-time checklist, the savings of a bundle and search are computed here
//! too, the same in the browser and on the server.

pub mod checklist;
pub mod condition;
pub mod merge;
mod problems;
pub mod questions;
pub mod search;

use serde::{Deserialize, Serialize};

pub use condition::Condition;
pub use problems::{CatalogProblem, Problem};

/// A government department (部门) or other body that processes matters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Department {
    pub code: String,
    pub name: String,
    pub name_en: String,
    /// The department's own hotline, if it has one (otherwise 12345 applies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hotline: Option<String>,
    /// The department's own declaration (承诺) an applicant accepts before submitting; each
    /// department's stands alone, none implies another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declaration: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declaration_en: Option<String>,
}

/// A section of the merged form: the fields whose keys start with `key.` (or `key[].` for a
/// repeatable group), asked on one page, in the order the sections are listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionDef {
    pub key: String,
    pub title: String,
    pub title_en: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_en: Option<String>,
    /// Fewest and most rows of a repeatable group; absent for an ordinary section.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<(u16, u16)>,
}

/// Who a matter is for: 个人 (a person) or 法人 (a company or other legal person).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApplicantKind {
    Person,
    Company,
}

/// How the result reaches the applicant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// 免费邮寄 (EMS).
    Ems,
    /// 窗口或自助柜领取.
    Pickup,
    /// 电子证照.
    Electronic,
}

/// How a material is supplied, from least to most effort for the applicant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Supply {
    /// 免提交: the government already holds it (e-certificate, data sharing).
    Shared,
    /// Uploaded as a file.
    #[default]
    Upload,
    /// The original is shown at the counter on the one trip (and a copy uploaded).
    Counter,
}

/// File types a material accepts; checked from the bytes, never the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FileType {
    Pdf,
    Jpeg,
    Png,
}

/// What kind of value a form field holds; decides its input and its checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    PersonName,
    IdNumber,
    CreditCode,
    Mobile,
    PostalCode,
    CompanyName,
    Address,
    Date,
    /// Money in fen (分).
    Money,
    /// A share in basis points (0.01%).
    Percent,
    Integer,
    Choice,
    YesNo,
    /// One of the banks of `banks.toml` (预约开户).
    Bank,
    /// A branch of the bank chosen in the form's `bank` field.
    Branch,
}

/// One allowed value of a choice field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    pub value: String,
    pub label: String,
    pub label_en: String,
    /// Offered before the applicant chooses (基本存款账户 for a new company's account).
    #[serde(default, skip_serializing_if = "is_false")]
    pub default: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A form field, defined once for the whole catalogue by its canonical key
/// (`applicant.id_number`, `company.name`, `shareholders[].share_percent`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    pub key: String,
    pub label: String,
    pub label_en: String,
    pub kind: FieldKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Allowed values of a `choice` field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<ChoiceOption>,
}

/// A document (材料), defined once for the whole catalogue by its canonical key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MaterialDef {
    pub key: String,
    pub name: String,
    pub name_en: String,
    pub description: String,
    /// Accepted file types.
    pub types: Vec<FileType>,
    /// Largest file, in KiB.
    pub max_kb: u32,
    /// Most pages (PDF).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_pages: Option<u16>,
    /// Both sides needed (an identity card: 人像面和国徽面).
    #[serde(default)]
    pub both_sides: bool,
    /// Smallest short edge of an image, in pixels (legibility).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_px: Option<u32>,
    /// What a good copy looks like (样本说明).
    pub sample: String,
}

/// A field as one matter uses it. The matter may tighten the field's rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FieldUse {
    pub key: String,
    #[serde(default = "yes")]
    pub required: bool,
    /// Smallest value, or shortest length for text, for this matter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    /// Largest value, or longest length for text, for this matter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    /// The choice values this matter allows (a subset of the field's options).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub when: Option<Condition>,
}

fn yes() -> bool {
    true
}

fn one() -> u8 {
    1
}

/// A material as one matter asks for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MaterialUse {
    pub key: String,
    #[serde(default = "yes")]
    pub required: bool,
    /// 容缺: may be supplied after acceptance, within this many working days. Absent means
    /// critical: the application cannot be accepted without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deferrable_days: Option<u32>,
    #[serde(default = "one")]
    pub copies: u8,
    #[serde(default)]
    pub supply: Supply,
    /// What this matter in particular needs of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub when: Option<Condition>,
}

/// One answer to a situational question; choosing it sets its flags.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AnswerOption {
    pub value: String,
    pub label: String,
    pub label_en: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sets: Vec<String>,
}

/// A situational question (情形引导), asked one per screen. The first option is the most
/// common situation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub key: String,
    pub text: String,
    pub text_en: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_en: Option<String>,
    /// Asked only when this holds on the flags set by earlier answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub when: Option<Condition>,
    #[serde(rename = "option")]
    pub options: Vec<AnswerOption>,
}

/// A matter (事项): one department's service, with its service guide (办事指南).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Matter {
    pub code: String,
    pub name: String,
    pub name_en: String,
    /// The department code.
    pub department: String,
    pub for_whom: Vec<ApplicantKind>,
    /// The time limit the law allows, in working days (法定时限).
    pub legal_days: u32,
    /// The time limit promised (承诺时限), never more than the legal one.
    pub promised_days: u32,
    /// Trips to an office: 0 or 1. One trip needs its reason (负面清单).
    pub trips: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trip_reason: Option<String>,
    /// Where to go for the one trip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office: Option<String>,
    /// Fee in fen; 0 is free (不收费).
    #[serde(default)]
    pub fee_fen: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_note: Option<String>,
    /// 受理条件.
    #[serde(default)]
    pub conditions: Vec<String>,
    /// 设定依据.
    #[serde(default)]
    pub legal_basis: Vec<String>,
    /// What the applicant receives (办理结果), e.g. 营业执照.
    pub result: String,
    pub delivery: Vec<Delivery>,
    /// Overrides the department's hotline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hotline: Option<String>,
    /// Words people search with (开公司, 上户口).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Rank among the most used matters (1 first); absent if not listed there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub popular: Option<u8>,
    /// Where the entry comes from: a seed file or the public practice it is modelled on.
    pub source: String,
    /// The details are illustrative rather than official (the guide shows 示例).
    #[serde(default)]
    pub illustrative: bool,
    pub summary: String,
    pub summary_en: String,
    #[serde(default, rename = "field")]
    pub fields: Vec<FieldUse>,
    #[serde(default, rename = "material")]
    pub materials: Vec<MaterialUse>,
    #[serde(default, rename = "question")]
    pub questions: Vec<Question>,
}

/// A member of a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub matter: String,
    /// Members whose result this one needs first (the seal needs the credit code).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub when: Option<Condition>,
}

/// A bundle (一件事): several matters applied for as one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub for_whom: ApplicantKind,
    /// The life event or business stage it belongs to.
    pub life_event: String,
    pub summary: String,
    pub summary_en: String,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub source: String,
    #[serde(default)]
    pub illustrative: bool,
    #[serde(rename = "member")]
    pub members: Vec<Member>,
    #[serde(default, rename = "question")]
    pub questions: Vec<Question>,
}

/// Codes of departments, matters and bundles: lowercase letters, digits and dashes, at most 64.
/// The app's router accepts exactly these in addresses.
pub fn is_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 64
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !code.starts_with('-')
        && !code.ends_with('-')
}

/// Words that mean the same to someone searching (开公司 = 企业开办).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Synonyms {
    pub words: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    pub departments: Vec<Department>,
    pub fields: Vec<FieldDef>,
    pub sections: Vec<SectionDef>,
    pub materials: Vec<MaterialDef>,
    pub matters: Vec<Matter>,
    pub bundles: Vec<Bundle>,
    pub synonyms: Vec<Synonyms>,
    /// Banks and branches for 预约开户 (`banks.toml`).
    pub banks: Vec<crate::bank::Bank>,
}

impl Catalog {
    pub fn matter(&self, code: &str) -> Option<&Matter> {
        self.matters.iter().find(|m| m.code == code)
    }

    pub fn bundle(&self, code: &str) -> Option<&Bundle> {
        self.bundles.iter().find(|b| b.code == code)
    }

    pub fn department(&self, code: &str) -> Option<&Department> {
        self.departments.iter().find(|d| d.code == code)
    }

    pub fn field(&self, key: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.key == key)
    }

    pub fn material(&self, key: &str) -> Option<&MaterialDef> {
        self.materials.iter().find(|m| m.key == key)
    }

    /// The members of a bundle, in catalogue order. Unknown codes are skipped (a validated
    /// catalogue has none).
    pub fn bundle_matters<'a>(&'a self, bundle: &'a Bundle) -> impl Iterator<Item = &'a Matter> {
        bundle.members.iter().filter_map(|m| self.matter(&m.matter))
    }

    /// The hotline for a matter: its own, its department's, or 12345.
    pub fn hotline(&self, matter: &Matter) -> String {
        matter
            .hotline
            .clone()
            .or_else(|| {
                self.department(&matter.department)
                    .and_then(|d| d.hotline.clone())
            })
            .unwrap_or_else(|| "12345".to_owned())
    }
}

#[cfg(test)]
mod tests;
