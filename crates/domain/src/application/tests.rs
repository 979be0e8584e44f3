//! The rules of a submission, one at a time, on a small form written the way the catalogue
//! merges one: a company with shareholders, a legal representative, a postal address.

use super::*;
use crate::catalog::ChoiceOption;
use crate::catalog::checklist::SubjectRef;

const ADULT: &str = "330106198001010021";
const ADULT_2: &str = "330106198506150038";
const CHILD: &str = "110101201001010015";

fn today() -> CivilDate {
    CivilDate::new(2026, 11, 23).unwrap()
}

fn field(key: &str, kind: FieldKind, required: bool) -> MergedField {
    MergedField {
        key: key.into(),
        label: key.into(),
        label_en: key.into(),
        kind,
        help: None,
        required,
        min: None,
        max: None,
        options: Vec::new(),
        departments: vec!["amr".into()],
    }
}

fn choice(key: &str, values: &[&str]) -> MergedField {
    MergedField {
        options: values
            .iter()
            .map(|v| ChoiceOption {
                value: (*v).into(),
                label: (*v).into(),
                label_en: (*v).into(),
                default: false,
            })
            .collect(),
        ..field(key, FieldKind::Choice, true)
    }
}

fn section(key: &str, rows: Option<(u16, u16)>, fields: Vec<MergedField>) -> FormSection {
    FormSection {
        key: key.into(),
        title: key.into(),
        title_en: key.into(),
        help: None,
        help_en: None,
        rows: rows.map(|(min, max)| RowLimits { min, max }),
        fields,
    }
}

fn form() -> ApplicationForm {
    use FieldKind as K;
    ApplicationForm {
        subject: SubjectRef {
            kind: crate::catalog::checklist::SubjectKind::Bundle,
            code: "company-startup".into(),
        }
        .into(),
        name: "企业开办".into(),
        name_en: "Starting a company".into(),
        answers: Answers::new(),
        sections: vec![
            section(
                "company",
                None,
                vec![
                    field("company.name", K::CompanyName, true),
                    choice("company.type", &["limited", "partnership"]),
                    MergedField {
                        min: Some(1),
                        ..field("company.registered_capital", K::Money, true)
                    },
                    MergedField {
                        max: Some(20),
                        ..field("company.business_scope", K::Text, false)
                    },
                ],
            ),
            section(
                "shareholders",
                Some((1, 50)),
                vec![
                    field("shareholders[].name", K::PersonName, true),
                    choice("shareholders[].id_type", &["resident_id", "passport"]),
                    field("shareholders[].id_number", K::IdNumber, true),
                    MergedField {
                        min: Some(1),
                        max: Some(10_000),
                        ..field("shareholders[].share_percent", K::Percent, true)
                    },
                    field("shareholders[].capital_fen", K::Money, true),
                    field("shareholders[].paid_by", K::Date, true),
                    field("shareholders[].is_legal_rep", K::YesNo, true),
                ],
            ),
            section(
                "legal_rep",
                None,
                vec![
                    field("legal_rep.name", K::PersonName, true),
                    field("legal_rep.mobile", K::Mobile, true),
                ],
            ),
            section(
                "applicant",
                None,
                vec![
                    field("applicant.name", K::PersonName, true),
                    field("applicant.mobile", K::Mobile, true),
                ],
            ),
            section(
                "mailing",
                None,
                vec![
                    field("mailing.address", K::Address, true),
                    field("mailing.postal_code", K::PostalCode, false),
                ],
            ),
        ],
        declarations: vec![
            Declaration {
                department: "amr".into(),
                department_name: "市场监督管理局".into(),
                department_name_en: "AMR".into(),
                text: "本人承诺所填信息真实。".into(),
                text_en: "I declare.".into(),
            },
            Declaration {
                department: "tax".into(),
                department_name: "税务局".into(),
                department_name_en: "Tax".into(),
                text: "本人承诺依法纳税。".into(),
                text_en: "I declare.".into(),
            },
        ],
        departments: Vec::new(),
        delivery: vec![Delivery::Ems, Delivery::Pickup],
        savings: None,
        materials: vec![
            material("id-card", Need::Critical, true, None),
            material("articles-of-association", Need::Critical, false, None),
            material("employee-roster", Need::Deferrable, false, Some(5)),
            material("bank-letter", Need::Optional, false, None),
            material("business-licence", Need::Shared, false, None),
        ],
        banks: Vec::new(),
    }
}

fn material(key: &str, need: Need, both_sides: bool, days: Option<u32>) -> ChecklistMaterial {
    ChecklistMaterial {
        key: key.into(),
        name: key.into(),
        name_en: key.into(),
        description: String::new(),
        need,
        deferrable_days: days,
        supply: Default::default(),
        copies: 1,
        types: vec![crate::catalog::FileType::Pdf],
        max_kb: 1024,
        max_pages: None,
        both_sides,
        min_px: None,
        sample: String::new(),
        departments: vec!["amr".into()],
        notes: Vec::new(),
        conditional: false,
    }
}

fn row(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Two shareholders, 60% and 40%, the first the legal representative; posted by EMS.
fn good() -> ApplicationData {
    let mut d = ApplicationData::default();
    for (k, v) in [
        ("company.name", "杭州市云帆信息科技有限公司"),
        ("company.type", "limited"),
        ("company.registered_capital", "1,000,000"),
        ("legal_rep.name", "张三"),
        ("legal_rep.mobile", "13812345678"),
        ("applicant.name", "张三"),
        ("applicant.mobile", "13812345678"),
        ("mailing.address", "杭州市上城区解放路 1 号"),
    ] {
        d.values.insert(k.into(), v.into());
    }
    d.groups.insert(
        "shareholders".into(),
        vec![
            row(&[
                ("name", "张三"),
                ("id_type", "resident_id"),
                ("id_number", ADULT),
                ("share_percent", "60"),
                ("capital_fen", "600000"),
                ("paid_by", "2030-12-31"),
                ("is_legal_rep", "yes"),
            ]),
            row(&[
                ("name", "李四"),
                ("id_type", "resident_id"),
                ("id_number", ADULT_2),
                ("share_percent", "40.00%"),
                ("capital_fen", "¥400,000.00"),
                ("paid_by", "2031-11-23"),
                ("is_legal_rep", "no"),
            ]),
        ],
    );
    d.delivery = Some(Delivery::Ems);
    d.declarations = ["amr".to_owned(), "tax".to_owned()].into();
    d
}

fn codes(data: &ApplicationData) -> Vec<(String, String)> {
    validate(&form(), data, today())
        .into_iter()
        .map(|p| (p.field, p.code))
        .collect()
}

fn one(field: &str, code: &str) -> Vec<(String, String)> {
    vec![(field.to_owned(), code.to_owned())]
}

fn set_row(d: &mut ApplicationData, i: usize, key: &str, value: &str) {
    d.groups.get_mut("shareholders").unwrap()[i].insert(key.into(), value.into());
}

#[test]
fn a_complete_application_with_two_shareholders_passes() {
    assert_eq!(codes(&good()), vec![]);
}

#[test]
fn every_rule_is_reported_once_where_it_belongs() {
    type Break = fn(&mut ApplicationData);
    let cases: &[(Break, &str, &str)] = &[
        (
            |d| {
                d.values.remove("company.name");
            },
            "company.name",
            REQUIRED,
        ),
        (
            |d| {
                d.values.insert("company.name".into(), "云帆科技".into());
            },
            "company.name",
            "company_name.form",
        ),
        (
            |d| {
                d.values.insert("company.type".into(), "sole".into());
            },
            "company.type",
            UNKNOWN_CHOICE,
        ),
        (
            |d| {
                d.values
                    .insert("company.business_scope".into(), "软".repeat(21));
            },
            "company.business_scope",
            TOO_LONG,
        ),
        (
            |d| {
                d.values
                    .insert("legal_rep.mobile".into(), "12345678901".into());
            },
            "legal_rep.mobile",
            "mobile.prefix",
        ),
        (
            |d| {
                d.values.insert("legal_rep.name".into(), "张3".into());
            },
            "legal_rep.name",
            NAME_CHARS,
        ),
        (
            |d| {
                d.values
                    .insert("mailing.postal_code".into(), "31000".into());
            },
            "mailing.postal_code",
            "postal_code.format",
        ),
        (
            |d| {
                d.values.insert("nickname".into(), "x".into());
            },
            "nickname",
            UNKNOWN_FIELD,
        ),
        (
            |d| {
                set_row(d, 1, "share_percent", "30");
            },
            "shareholders",
            SHARE_SUM,
        ),
        (
            |d| {
                set_row(d, 1, "share_percent", "40.005");
            },
            "shareholders[1].share_percent",
            PERCENT_FORMAT,
        ),
        (
            |d| {
                set_row(d, 1, "capital_fen", "300000");
            },
            "shareholders",
            CAPITAL_SUM,
        ),
        (
            |d| {
                set_row(d, 1, "capital_fen", "四十万");
            },
            "shareholders[1].capital_fen",
            MONEY_FORMAT,
        ),
        (
            |d| {
                set_row(d, 1, "id_number", ADULT);
            },
            "shareholders[1].id_number",
            DUPLICATE_PERSON,
        ),
        (
            |d| {
                set_row(d, 1, "id_number", "330106198506150039");
            },
            "shareholders[1].id_number",
            "id_number.checksum",
        ),
        (
            |d| {
                set_row(d, 1, "id_type", "passport");
                set_row(d, 1, "id_number", "E12");
            },
            "shareholders[1].id_number",
            DOCUMENT_NUMBER,
        ),
        (
            |d| {
                set_row(d, 1, "is_legal_rep", "yes");
            },
            "shareholders",
            LEGAL_REP_COUNT,
        ),
        (
            |d| {
                set_row(d, 0, "is_legal_rep", "no");
            },
            "shareholders",
            LEGAL_REP_COUNT,
        ),
        (
            |d| {
                set_row(d, 0, "id_number", CHILD);
            },
            "shareholders[0].id_number",
            UNDER_18,
        ),
        (
            |d| {
                set_row(d, 1, "paid_by", "2026-11-22");
            },
            "shareholders[1].paid_by",
            PAID_BY_PAST,
        ),
        (
            |d| {
                set_row(d, 1, "paid_by", "2031-11-24");
            },
            "shareholders[1].paid_by",
            PAID_BY_LATE,
        ),
        (
            |d| {
                set_row(d, 1, "paid_by", "2031-02-30");
            },
            "shareholders[1].paid_by",
            DATE_FORMAT,
        ),
        (
            |d| {
                set_row(d, 1, "nickname", "x");
            },
            "shareholders[1].nickname",
            UNKNOWN_FIELD,
        ),
        (
            |d| {
                d.groups.remove("shareholders");
            },
            "shareholders",
            TOO_FEW_ROWS,
        ),
        (
            |d| {
                d.delivery = None;
            },
            "delivery",
            DELIVERY_REQUIRED,
        ),
        (
            |d| {
                d.delivery = Some(Delivery::Electronic);
            },
            "delivery",
            DELIVERY_UNKNOWN,
        ),
        (
            |d| {
                d.declarations.remove("tax");
            },
            "declarations.tax",
            DECLARATION_REQUIRED,
        ),
        (
            |d| {
                d.declarations.insert("police".into());
            },
            "declarations",
            DECLARATION_UNKNOWN,
        ),
    ];
    for (i, (breaks, field, code)) in cases.iter().enumerate() {
        let mut d = good();
        breaks(&mut d);
        assert_eq!(codes(&d), one(field, code), "case {i}: {field} {code}");
    }
}

#[test]
fn every_problem_is_returned_at_once() {
    let mut d = good();
    d.values.remove("company.name");
    d.values.insert("legal_rep.mobile".into(), "1".into());
    set_row(&mut d, 1, "share_percent", "10");
    d.delivery = None;
    assert_eq!(codes(&d).len(), 4, "{:?}", codes(&d));
}

#[test]
fn capital_may_stay_unpaid_longer_outside_a_limited_company() {
    let mut d = good();
    d.values.insert("company.type".into(), "partnership".into());
    set_row(&mut d, 1, "paid_by", "2040-01-01");
    assert_eq!(codes(&d), vec![]);
}

#[test]
fn the_address_is_asked_only_when_the_result_is_posted() {
    let mut d = good();
    d.values.remove("mailing.address");
    assert_eq!(codes(&d), one("mailing.address", REQUIRED));
    d.delivery = Some(Delivery::Pickup);
    assert_eq!(codes(&d), vec![]);
}

#[test]
fn too_many_rows_are_refused_without_checking_each() {
    let mut d = good();
    let extra = d.groups["shareholders"][1].clone();
    d.groups
        .get_mut("shareholders")
        .unwrap()
        .extend(vec![extra; 60]);
    assert_eq!(codes(&d), one("shareholders", TOO_MANY_ROWS));
}

#[test]
fn an_18th_birthday_on_the_submission_day_is_old_enough() {
    // Born 2008-11-23: 18 on 2026-11-23, 17 the day before.
    let w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let body = "11010120081123001";
    let sum: u32 = body
        .bytes()
        .zip(w)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let id = format!(
        "{body}{}",
        "10X98765432".as_bytes()[(sum % 11) as usize] as char
    );
    let mut d = good();
    set_row(&mut d, 0, "id_number", &id);
    assert_eq!(codes(&d), vec![]);
    let day_before = validate(&form(), &d, today().add_days(-1));
    assert!(
        day_before.iter().any(|p| p.code == UNDER_18),
        "{day_before:?}"
    );
}

#[test]
fn money_is_read_in_fen_and_shares_in_basis_points() {
    for (text, fen) in [
        ("50000", Some(5_000_000)),
        ("50,000.5", Some(5_000_050)),
        ("￥1.25", Some(125)),
        ("3元", Some(300)),
        ("0.01", Some(1)),
        ("1.", None),
        (".5", None),
        ("1.234", None),
        ("-5", None),
        ("1e5", None),
        ("99999999999999", None),
        ("", None),
    ] {
        assert_eq!(parse_fen(text), fen, "{text}");
    }
    for (text, bp) in [
        ("50", Some(5000)),
        ("33.33", Some(3333)),
        ("12.5%", Some(1250)),
        ("100", Some(10_000)),
        ("0.001", None),
        ("1000", None),
    ] {
        assert_eq!(parse_basis_points(text), bp, "{text}");
    }
    assert_eq!(format_fen(5_000_050), "50000.50");
    assert_eq!(format_basis_points(3333), "33.33");
    assert_eq!(format_basis_points(5000), "50");
    // Three thirds do not make 100% in basis points: the rule is exact.
    let mut d = good();
    set_row(&mut d, 0, "share_percent", "33.33");
    set_row(&mut d, 1, "share_percent", "66.66");
    assert_eq!(codes(&d), one("shareholders", SHARE_SUM));
}

#[test]
fn known_answers_are_offered_for_later_sections() {
    let mut d = good();
    d.values.remove("applicant.name");
    d.values.remove("applicant.mobile");
    d.values.remove("legal_rep.name");
    let offered = prefill(&form(), &d, "applicant");
    assert_eq!(
        offered,
        vec![("applicant.mobile".to_owned(), "13812345678".to_owned())]
    );
    assert_eq!(
        prefill(&form(), &d, "legal_rep"),
        vec![("legal_rep.name".to_owned(), "张三".to_owned())]
    );
    // A situational answer named like a choice field is offered for it.
    let mut f = form();
    f.answers.insert("company_type".into(), "limited".into());
    d.values.remove("company.type");
    assert_eq!(
        prefill(&f, &d, "company"),
        vec![("company.type".to_owned(), "limited".to_owned())]
    );
    // Nothing is offered over what the applicant typed.
    assert_eq!(prefill(&form(), &good(), "applicant"), vec![]);
}

#[test]
fn a_changed_form_keeps_what_still_exists_and_says_what_went() {
    let mut d = good();
    let mut f = form();
    f.sections.retain(|s| s.key != "applicant");
    f.sections[1]
        .fields
        .retain(|x| x.key != "shareholders[].paid_by");
    f.declarations.pop();
    let dropped = d.retain_known(&f);
    assert_eq!(
        dropped,
        vec![
            "applicant.mobile".to_owned(),
            "applicant.name".to_owned(),
            "shareholders[].paid_by".to_owned()
        ]
    );
    assert_eq!(d.values["company.name"], "杭州市云帆信息科技有限公司");
    assert_eq!(validate(&f, &d, today()), vec![]);
}

#[test]
fn row_keys_name_the_row() {
    assert_eq!(
        split_row_key("shareholders[1].name"),
        Some(("shareholders", 1, "name"))
    );
    assert_eq!(split_row_key("company.name"), None);
    assert_eq!(section_of("shareholders[].name"), "shareholders");
    assert_eq!(section_of("company.name"), "company");
    let d = good();
    assert_eq!(d.get("shareholders[1].name"), Some("李四"));
    assert_eq!(d.get("shareholders[9].name"), None);
}

fn material_codes(data: &ApplicationData, given: &[(&str, &str)]) -> Vec<(String, String)> {
    material_problems(&form(), data, given)
        .into_iter()
        .map(|p| (p.field, p.code))
        .collect()
}

const ALL_GIVEN: &[(&str, &str)] = &[
    ("id-card", "front"),
    ("id-card", "back"),
    ("articles-of-association", "pages"),
    ("employee-roster", "pages"),
];

#[test]
fn every_material_given_passes_and_nothing_is_outstanding() {
    assert_eq!(material_codes(&good(), ALL_GIVEN), vec![]);
    assert!(outstanding(&form(), &good(), ALL_GIVEN).is_empty());
    // Optional and 免提交 materials are never asked for; the shared one is not even offered.
    let f = form();
    let asked: Vec<&str> = asked_materials(&f).map(|m| m.key.as_str()).collect();
    assert!(asked.contains(&"bank-letter"));
    assert!(!asked.contains(&"business-licence"));
}

#[test]
fn each_side_of_a_critical_material_is_required_and_a_deferrable_one_needs_a_commitment() {
    let owned = |k: &str, c: &str| (k.to_owned(), c.to_owned());
    assert_eq!(
        material_codes(&good(), &[("id-card", "back")]),
        vec![
            owned("materials.id-card.front", MATERIAL_MISSING),
            owned("materials.articles-of-association", MATERIAL_MISSING),
            owned("materials.employee-roster", MATERIAL_COMMITMENT),
        ]
    );
    // A file in the wrong side does not count for the other.
    assert_eq!(
        material_codes(&good(), &[("id-card", "front"), ("id-card", "front")])[0],
        owned("materials.id-card.back", MATERIAL_MISSING)
    );
}

#[test]
fn a_commitment_lets_a_deferrable_material_follow_and_lists_it_as_outstanding() {
    let mut d = good();
    d.deferred.insert("employee-roster".into());
    let given = &ALL_GIVEN[..3];
    assert_eq!(material_codes(&d, given), vec![]);
    let f = form();
    let out: Vec<&str> = outstanding(&f, &d, given)
        .iter()
        .map(|m| m.key.as_str())
        .collect();
    assert_eq!(out, ["employee-roster"]);
    // Given after all: nothing is outstanding, the commitment is harmless.
    assert!(outstanding(&form(), &d, ALL_GIVEN).is_empty());
}

#[test]
fn critical_unknown_and_optional_materials_cannot_be_deferred() {
    let mut d = good();
    for key in ["id-card", "no-such-thing", "bank-letter"] {
        d.deferred.insert(key.into());
    }
    let owned = |k: &str, c: &str| (k.to_owned(), c.to_owned());
    let problems = material_codes(&d, ALL_GIVEN);
    assert_eq!(
        problems,
        vec![
            owned("materials.bank-letter", MATERIAL_NOT_DEFERRABLE),
            owned("materials.id-card", MATERIAL_NOT_DEFERRABLE),
            owned("materials.no-such-thing", MATERIAL_UNKNOWN),
        ]
    );
    // A changed form drops commitments it cannot honour.
    d.retain_known(&form());
    assert!(d.deferred.is_empty());
}

#[test]
fn a_correction_names_an_asked_material_a_reason_and_1_to_30_days() {
    let f = form();
    assert_eq!(
        correction_problems(&f.materials, "id-card", "缺少国徽面。", 5),
        vec![]
    );
    let codes = |m: &str, r: &str, d: u32| -> Vec<(String, String)> {
        correction_problems(&f.materials, m, r, d)
            .into_iter()
            .map(|p| (p.field, p.code))
            .collect()
    };
    let owned = |k: &str, c: &str| (k.to_owned(), c.to_owned());
    // 免提交 and unknown materials are not asked for; everything wrong is said at once.
    assert_eq!(
        codes("business-licence", "  ", 0),
        vec![
            owned("material", MATERIAL_UNKNOWN),
            owned("reason", REQUIRED),
            owned("days", TOO_SMALL)
        ]
    );
    assert_eq!(
        codes(
            "nothing",
            &"字".repeat(MAX_CORRECTION_REASON + 1),
            MAX_CORRECTION_DAYS + 1
        ),
        vec![
            owned("material", MATERIAL_UNKNOWN),
            owned("reason", TOO_LONG),
            owned("days", TOO_LARGE)
        ]
    );
    assert_eq!(
        codes(
            "id-card",
            &"字".repeat(MAX_CORRECTION_REASON),
            MAX_CORRECTION_DAYS
        ),
        vec![]
    );
}

#[test]
fn the_steps_are_the_sections_then_the_materials_the_declarations_and_the_review() {
    let paths = |f: &ApplicationForm| f.steps().into_iter().map(|s| s.path).collect::<Vec<_>>();
    let mut f = form();
    let all = [
        "/apply/s/company",
        "/apply/s/shareholders",
        "/apply/s/legal_rep",
        "/apply/s/applicant",
        "/apply/s/mailing",
        "/apply/materials",
        "/apply/declarations",
        "/apply/review",
    ];
    assert_eq!(paths(&f), all);
    assert_eq!(f.steps()[0].title, "company");
    assert_eq!(f.steps()[7].title, "核对并提交");
    // 领取方式 is a step of its own when no section asks where to send the result.
    f.sections.retain(|s| s.key != DELIVERY_SECTION);
    assert_eq!(paths(&f)[4], "/apply/s/mailing");
    assert_eq!(f.steps()[4].title, "领取方式");
    // Only 免提交 materials, no declarations, no way of receiving to choose: the sections and
    // the review.
    f.materials.retain(|m| m.need == Need::Shared);
    f.declarations.clear();
    f.delivery.clear();
    assert_eq!(
        paths(&f),
        all[..4]
            .iter()
            .chain(&all[7..])
            .copied()
            .collect::<Vec<_>>()
    );
}
