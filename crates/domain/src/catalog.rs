//! The service catalogue: departments, matters (事项) and bundles (一件事), as data.
//!
//! The server reads the files in `catalog/`; this module owns the model and every rule a
//! catalogue must satisfy, so a bad catalogue is caught at load, never by a citizen.

use serde::{Deserialize, Serialize};

/// A government department (部门).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Department {
    pub code: String,
    pub name: String,
    pub name_en: String,
    /// The department's own hotline, if it has one (otherwise 12345 applies).
    #[serde(default)]
    pub hotline: Option<String>,
}

/// Who a matter is for: 个人 (a person) or 法人 (a company or other legal person).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantKind {
    Person,
    Company,
}

/// A matter (事项): one department's service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    #[serde(default)]
    pub trip_reason: Option<String>,
    pub summary: String,
    pub summary_en: String,
}

/// A bundle (一件事): several matters applied for as one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    pub code: String,
    pub name: String,
    pub name_en: String,
    /// The life event or business stage it belongs to.
    pub life_event: String,
    pub summary: String,
    pub summary_en: String,
    /// Member matter codes.
    pub matters: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    pub departments: Vec<Department>,
    pub matters: Vec<Matter>,
    pub bundles: Vec<Bundle>,
}

/// A rule a catalogue breaks; `subject` is the code of the entry at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogProblem {
    pub subject: String,
    pub problem: Problem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    BadCode,
    DuplicateCode,
    EmptyName,
    UnknownDepartment(String),
    UnknownMatter(String),
    NoApplicantKind,
    PromiseExceedsLegalLimit { promised: u32, legal: u32 },
    TripsOutOfRange(u8),
    TripWithoutReason,
    ReasonWithoutTrip,
    EmptyBundle,
    RepeatedMember(String),
}

impl std::fmt::Display for CatalogProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = &self.subject;
        match &self.problem {
            Problem::BadCode => write!(f, "`{s}`: codes are lowercase letters, digits and dashes"),
            Problem::DuplicateCode => write!(f, "`{s}`: the code is used twice"),
            Problem::EmptyName => write!(f, "`{s}`: a name is empty"),
            Problem::UnknownDepartment(d) => write!(f, "`{s}`: no department `{d}`"),
            Problem::UnknownMatter(m) => write!(f, "`{s}`: no matter `{m}`"),
            Problem::NoApplicantKind => write!(f, "`{s}`: for_whom is empty"),
            Problem::PromiseExceedsLegalLimit { promised, legal } => write!(
                f,
                "`{s}`: promised_days ({promised}) exceeds legal_days ({legal})"
            ),
            Problem::TripsOutOfRange(n) => write!(f, "`{s}`: trips must be 0 or 1, not {n}"),
            Problem::TripWithoutReason => write!(f, "`{s}`: one trip needs a trip_reason"),
            Problem::ReasonWithoutTrip => write!(f, "`{s}`: trip_reason given but trips = 0"),
            Problem::EmptyBundle => write!(f, "`{s}`: a bundle needs at least two matters"),
            Problem::RepeatedMember(m) => write!(f, "`{s}`: matter `{m}` is listed twice"),
        }
    }
}

fn is_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 64
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !code.starts_with('-')
        && !code.ends_with('-')
}

impl Catalog {
    pub fn matter(&self, code: &str) -> Option<&Matter> {
        self.matters.iter().find(|m| m.code == code)
    }

    pub fn department(&self, code: &str) -> Option<&Department> {
        self.departments.iter().find(|d| d.code == code)
    }

    /// The members of a bundle, in catalogue order. Unknown codes are skipped (a validated
    /// catalogue has none).
    pub fn bundle_matters<'a>(&'a self, bundle: &'a Bundle) -> impl Iterator<Item = &'a Matter> {
        bundle.matters.iter().filter_map(|code| self.matter(code))
    }

    /// Promised working days for a bundle: members are processed in parallel (并联审批).
    pub fn bundle_promised_days(&self, bundle: &Bundle) -> u32 {
        self.bundle_matters(bundle)
            .map(|m| m.promised_days)
            .max()
            .unwrap_or(0)
    }

    /// Trips for a bundle: at most one, shared by every member that needs one.
    pub fn bundle_trips(&self, bundle: &Bundle) -> u8 {
        self.bundle_matters(bundle)
            .map(|m| m.trips)
            .max()
            .unwrap_or(0)
    }

    /// Every rule broken, all at once.
    pub fn problems(&self) -> Vec<CatalogProblem> {
        let mut out = Vec::new();
        let mut push = |subject: &str, problem| {
            out.push(CatalogProblem {
                subject: subject.to_owned(),
                problem,
            })
        };
        let mut seen = std::collections::HashSet::new();
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
                push(code, Problem::BadCode);
            }
            if !seen.insert(code.as_str()) {
                push(code, Problem::DuplicateCode);
            }
            if names.iter().any(|n| n.trim().is_empty()) {
                push(code, Problem::EmptyName);
            }
        }
        for m in &self.matters {
            if self.department(&m.department).is_none() {
                push(&m.code, Problem::UnknownDepartment(m.department.clone()));
            }
            if m.for_whom.is_empty() {
                push(&m.code, Problem::NoApplicantKind);
            }
            if m.promised_days > m.legal_days {
                push(
                    &m.code,
                    Problem::PromiseExceedsLegalLimit {
                        promised: m.promised_days,
                        legal: m.legal_days,
                    },
                );
            }
            match (m.trips, &m.trip_reason) {
                (0, Some(_)) => push(&m.code, Problem::ReasonWithoutTrip),
                (1, None) => push(&m.code, Problem::TripWithoutReason),
                (0 | 1, _) => {}
                (n, _) => push(&m.code, Problem::TripsOutOfRange(n)),
            }
        }
        for b in &self.bundles {
            if b.matters.len() < 2 {
                push(&b.code, Problem::EmptyBundle);
            }
            let mut members = std::collections::HashSet::new();
            for code in &b.matters {
                if self.matter(code).is_none() {
                    push(&b.code, Problem::UnknownMatter(code.clone()));
                }
                if !members.insert(code) {
                    push(&b.code, Problem::RepeatedMember(code.clone()));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dept(code: &str) -> Department {
        Department {
            code: code.into(),
            name: "市场监管局".into(),
            name_en: "AMR".into(),
            hotline: None,
        }
    }

    fn matter(code: &str, department: &str) -> Matter {
        Matter {
            code: code.into(),
            name: "设立登记".into(),
            name_en: "Registration".into(),
            department: department.into(),
            for_whom: vec![ApplicantKind::Company],
            legal_days: 15,
            promised_days: 1,
            trips: 0,
            trip_reason: None,
            summary: "说明".into(),
            summary_en: "About".into(),
        }
    }

    fn bundle(code: &str, members: &[&str]) -> Bundle {
        Bundle {
            code: code.into(),
            name: "企业开办".into(),
            name_en: "Starting a company".into(),
            life_event: "企业开办".into(),
            summary: "说明".into(),
            summary_en: "About".into(),
            matters: members.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn good() -> Catalog {
        Catalog {
            departments: vec![dept("amr")],
            matters: vec![matter("reg", "amr"), matter("seal", "amr")],
            bundles: vec![bundle("startup", &["reg", "seal"])],
        }
    }

    /// One broken catalogue per row, with the one problem it must report.
    fn check(breaks: impl FnOnce(&mut Catalog), subject: &str, problem: Problem) {
        let mut catalog = good();
        breaks(&mut catalog);
        assert_eq!(
            catalog.problems(),
            vec![CatalogProblem {
                subject: subject.into(),
                problem
            }]
        );
    }

    #[test]
    fn a_good_catalogue_has_no_problems() {
        assert_eq!(good().problems(), vec![]);
    }

    #[test]
    fn every_rule_is_reported() {
        check(
            |c| c.bundles[0].code = "Startup".into(),
            "Startup",
            Problem::BadCode,
        );
        check(
            |c| c.bundles[0].code = "reg".into(),
            "reg",
            Problem::DuplicateCode,
        );
        check(
            |c| c.matters[0].name_en = " ".into(),
            "reg",
            Problem::EmptyName,
        );
        check(
            |c| c.matters[0].department = "tax".into(),
            "reg",
            Problem::UnknownDepartment("tax".into()),
        );
        check(
            |c| c.matters[0].for_whom.clear(),
            "reg",
            Problem::NoApplicantKind,
        );
        check(
            |c| c.matters[0].promised_days = 20,
            "reg",
            Problem::PromiseExceedsLegalLimit {
                promised: 20,
                legal: 15,
            },
        );
        check(
            |c| c.matters[0].trips = 2,
            "reg",
            Problem::TripsOutOfRange(2),
        );
        check(
            |c| c.matters[0].trips = 1,
            "reg",
            Problem::TripWithoutReason,
        );
        check(
            |c| c.matters[0].trip_reason = Some("核验原件".into()),
            "reg",
            Problem::ReasonWithoutTrip,
        );
        check(
            |c| c.bundles[0].matters.truncate(1),
            "startup",
            Problem::EmptyBundle,
        );
        check(
            |c| c.bundles[0].matters[1] = "bank".into(),
            "startup",
            Problem::UnknownMatter("bank".into()),
        );
        check(
            |c| c.bundles[0].matters[1] = "reg".into(),
            "startup",
            Problem::RepeatedMember("reg".into()),
        );
    }

    #[test]
    fn bundles_take_the_longest_promise_and_at_most_one_trip() {
        let mut c = good();
        c.matters[1].promised_days = 3;
        c.matters[1].trips = 1;
        c.matters[1].trip_reason = Some("现场核验".into());
        c.matters[0].trips = 1;
        c.matters[0].trip_reason = Some("核验原件".into());
        assert_eq!(c.bundle_promised_days(&c.bundles[0]), 3);
        assert_eq!(c.bundle_trips(&c.bundles[0]), 1);
    }
}
