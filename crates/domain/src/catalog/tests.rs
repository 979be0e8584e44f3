//! Table-driven tests of the catalogue rules, the questions, the checklist and search, on a
//! small catalogue written the way `catalog/` is.

use std::collections::BTreeSet;

use serde::Deserialize;

use super::checklist::{Need, Subject, checklist, typical};
use super::merge::{group_of, merged_form};
use super::questions::{self, Answers, complete, prune, questionnaire_of, walk};
use super::search::{self as find, normalize, search, search_text};
use super::*;

#[derive(Deserialize)]
struct Fixture {
    department: Vec<Department>,
    field: Vec<FieldDef>,
    section: Vec<SectionDef>,
    material: Vec<MaterialDef>,
    matter: Vec<Matter>,
    bundle: Vec<Bundle>,
    synonyms: Vec<Synonyms>,
}

const FIXTURE: &str = r#"
[[department]]
code = "amr"
name = "市场监督管理局"
name_en = "AMR"
[[department]]
code = "police"
name = "公安局"
name_en = "Police"
hotline = "110"

[[field]]
key = "company.name"
label = "企业名称"
label_en = "Company name"
kind = "company_name"
[[field]]
key = "applicant.id_number"
label = "身份证号码"
label_en = "ID number"
kind = "id_number"
[[field]]
key = "company.type"
label = "企业类型"
label_en = "Company type"
kind = "choice"
options = [
  { value = "limited", label = "有限责任公司", label_en = "Limited" },
  { value = "sole", label = "个人独资企业", label_en = "Sole" },
]

[[section]]
key = "company"
title = "企业"
title_en = "Company"
[[section]]
key = "applicant"
title = "申请人"
title_en = "Applicant"

[[material]]
key = "id-card"
name = "身份证"
name_en = "ID card"
description = "法定代表人身份证"
types = ["jpeg", "png"]
max_kb = 5120
both_sides = true
min_px = 600
sample = "四角完整"
[[material]]
key = "lease"
name = "住所证明"
name_en = "Proof of address"
description = "租赁合同"
types = ["pdf"]
max_kb = 10240
max_pages = 20
sample = "签字页清晰"
[[material]]
key = "appointment"
name = "任职文件"
name_en = "Appointment"
description = "聘任书"
types = ["pdf"]
max_kb = 2048
sample = "盖章"
[[material]]
key = "licence"
name = "营业执照"
name_en = "Licence"
description = "电子营业执照"
types = ["pdf"]
max_kb = 2048
sample = "无"

[[matter]]
code = "reg"
name = "企业设立登记"
name_en = "Company registration"
department = "amr"
for_whom = ["company"]
legal_days = 15
promised_days = 1
trips = 0
result = "营业执照"
delivery = ["ems", "electronic"]
keywords = ["注册公司"]
source = "seed 003"
summary = "登记"
summary_en = "Register"
[[matter.field]]
key = "company.name"
[[matter.field]]
key = "applicant.id_number"
[[matter.field]]
key = "company.type"
options = ["limited", "sole"]
[[matter.material]]
key = "id-card"
[[matter.material]]
key = "lease"
deferrable_days = 5
[[matter.material]]
key = "appointment"
when = "hired_rep"
[[matter.question]]
key = "rep_is_shareholder"
text = "法定代表人是股东吗？"
text_en = "Is the legal representative a shareholder?"
[[matter.question.option]]
value = "yes"
label = "是"
label_en = "Yes"
[[matter.question.option]]
value = "no"
label = "否，聘任"
label_en = "No, hired"
sets = ["hired_rep"]

[[matter]]
code = "seal"
name = "公章刻制"
name_en = "Seal"
department = "police"
for_whom = ["company"]
legal_days = 3
promised_days = 1
trips = 1
trip_reason = "领取印章须现场签收"
office = "政务服务中心"
fee_fen = 20000
result = "公章"
delivery = ["pickup"]
source = "public practice"
illustrative = true
summary = "刻章"
summary_en = "Seal"
[[matter.field]]
key = "company.name"
[[matter.material]]
key = "id-card"
copies = 2
note = "复印件两份"
[[matter.material]]
key = "lease"
deferrable_days = 3
[[matter.material]]
key = "licence"
supply = "shared"

[[bundle]]
code = "startup"
name = "企业开办"
name_en = "Starting a company"
for_whom = "company"
life_event = "企业开办"
keywords = ["开公司"]
source = "seed 003"
summary = "一次办好"
summary_en = "Done once"
[[bundle.member]]
matter = "reg"
[[bundle.member]]
matter = "seal"
after = ["reg"]
when = "wants_seal"
[[bundle.question]]
key = "seal"
text = "需要刻制公章吗？"
text_en = "Do you need a seal?"
[[bundle.question.option]]
value = "yes"
label = "需要"
label_en = "Yes"
sets = ["wants_seal"]
[[bundle.question.option]]
value = "no"
label = "不需要"
label_en = "No"

[[synonyms]]
words = ["开公司", "办公司", "企业开办", "注册公司"]
"#;

fn good() -> Catalog {
    let f: Fixture = toml::from_str(FIXTURE).expect("fixture parses");
    Catalog {
        departments: f.department,
        fields: f.field,
        sections: f.section,
        materials: f.material,
        matters: f.matter,
        bundles: f.bundle,
        synonyms: f.synonyms,
        banks: Vec::new(),
    }
}

fn answers(pairs: &[(&str, &str)]) -> Answers {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
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

fn cond(s: &str) -> Option<Condition> {
    Some(Condition::parse(s).unwrap())
}

#[test]
fn a_good_catalogue_has_no_problems() {
    assert_eq!(good().problems(), vec![]);
}

#[test]
fn every_rule_is_reported() {
    use Problem as P;
    check(
        |c| c.bundles[0].code = "Startup".into(),
        "Startup",
        P::BadCode,
    );
    check(
        |c| c.bundles[0].code = "reg".into(),
        "reg",
        P::DuplicateCode,
    );
    check(|c| c.matters[0].name_en = " ".into(), "reg", P::EmptyName);
    check(|c| c.matters[0].source = "".into(), "reg", P::EmptySource);
    check(
        |c| c.sections.retain(|s| s.key != "applicant"),
        "applicant.id_number",
        P::NoSection("applicant.id_number".into()),
    );
    check(
        |c| c.sections[0].rows = Some((1, 50)),
        "company",
        P::GroupMismatch("company".into()),
    );
    check(
        |c| c.departments[0].declaration = Some("本人承诺".into()),
        "amr",
        P::HalfDeclaration("amr".into()),
    );
    check(
        |c| c.matters[0].department = "tax".into(),
        "reg",
        P::UnknownDepartment("tax".into()),
    );
    check(|c| c.matters[0].for_whom.clear(), "reg", P::NoApplicantKind);
    check(|c| c.matters[0].delivery.clear(), "reg", P::NoDelivery);
    check(
        |c| c.matters[0].promised_days = 20,
        "reg",
        P::PromiseExceedsLegalLimit {
            promised: 20,
            legal: 15,
        },
    );
    check(|c| c.matters[0].trips = 2, "reg", P::TripsOutOfRange(2));
    check(|c| c.matters[0].trips = 1, "reg", P::TripWithoutReason);
    check(
        |c| c.matters[0].trip_reason = Some("核验原件".into()),
        "reg",
        P::ReasonWithoutTrip,
    );
    check(
        |c| c.matters[0].fields[0].key = "company.nmae".into(),
        "reg",
        P::UnknownField("company.nmae".into()),
    );
    check(
        |c| c.matters[0].fields[1].key = "company.name".into(),
        "reg",
        P::RepeatedField("company.name".into()),
    );
    check(
        |c| {
            c.matters[0].fields[0].min = Some(5);
            c.matters[0].fields[0].max = Some(4);
        },
        "reg",
        P::MinAboveMax("company.name".into()),
    );
    check(
        |c| c.matters[0].fields[0].options = Some(vec![]),
        "reg",
        P::OptionsOnNonChoice("company.name".into()),
    );
    check(
        |c| c.matters[0].fields[2].options = Some(vec!["llp".into()]),
        "reg",
        P::UnknownOption {
            field: "company.type".into(),
            value: "llp".into(),
        },
    );
    check(
        |c| {
            c.fields[2].options.clear();
            c.matters[0].fields[2].options = None;
        },
        "company.type",
        P::ChoiceWithoutOptions("company.type".into()),
    );
    check(
        |c| c.matters[0].materials[0].key = "passport".into(),
        "reg",
        P::UnknownMaterial("passport".into()),
    );
    check(
        |c| c.matters[0].materials[1].key = "id-card".into(),
        "reg",
        P::RepeatedMaterial("id-card".into()),
    );
    check(
        |c| c.matters[0].materials[0].copies = 0,
        "reg",
        P::NoCopies("id-card".into()),
    );
    check(
        |c| c.matters[0].materials[1].required = false,
        "reg",
        P::DeferrableNotRequired("lease".into()),
    );
    check(
        |c| c.matters[0].materials[1].supply = Supply::Shared,
        "reg",
        P::DeferrableShared("lease".into()),
    );
    check(
        |c| c.matters[0].materials[1].deferrable_days = Some(0),
        "reg",
        P::ZeroDeferral("lease".into()),
    );
    check(
        |c| c.materials[1].types.clear(),
        "lease",
        P::NoFileTypes("lease".into()),
    );
    check(
        |c| c.matters[0].materials[2].when = cond("hired"),
        "reg",
        P::UnsetFlag("hired".into()),
    );
    check(
        |c| {
            c.matters[0].questions[0].options.remove(0);
        },
        "reg",
        P::FewOptions("rep_is_shareholder".into()),
    );
    check(
        |c| c.matters[0].questions[0].options[1].value = "yes".into(),
        "reg",
        P::RepeatedOption {
            question: "rep_is_shareholder".into(),
            value: "yes".into(),
        },
    );
    check(
        |c| c.bundles[0].questions[0].options[1].sets = vec!["Seal".into()],
        "startup",
        P::BadFlag("Seal".into()),
    );
    check(
        |c| {
            let q = c.bundles[0].questions[0].clone();
            c.bundles[0].questions.push(q);
        },
        "startup",
        P::RepeatedQuestion("seal".into()),
    );
    check(
        |c| {
            let mut q = c.matters[0].questions[0].clone();
            q.text = "另一个问题".into();
            c.bundles[0].questions.push(q);
        },
        "rep_is_shareholder",
        P::QuestionsDiffer("rep_is_shareholder".into()),
    );
    check(
        |c| c.bundles[0].questions[0].when = cond("hired_rep"),
        "startup",
        P::UnsetFlag("hired_rep".into()),
    );
    check(
        |c| c.bundles[0].members.truncate(1),
        "startup",
        P::EmptyBundle,
    );
    check(
        |c| c.bundles[0].members[1].matter = "bank".into(),
        "startup",
        P::UnknownMatter("bank".into()),
    );
    check(
        |c| {
            c.bundles[0].members[1].matter = "reg".into();
            c.bundles[0].members[1].after.clear();
        },
        "startup",
        P::RepeatedMember("reg".into()),
    );
    check(
        |c| c.bundles[0].members.swap(0, 1),
        "startup",
        P::AfterNotEarlier("reg".into()),
    );
    check(
        |c| c.matters[1].for_whom = vec![ApplicantKind::Person],
        "startup",
        P::MemberNotFor("seal".into()),
    );
}

#[test]
fn the_walk_asks_one_question_at_a_time_and_skips_what_does_not_apply() {
    let c = good();
    let qs = questionnaire_of(&c, &c.bundles[0]);
    let keys: Vec<&str> = qs.iter().map(|g| g.question.key.as_str()).collect();
    assert_eq!(keys, ["seal", "rep_is_shareholder"]);

    let w = walk(&qs, &Answers::new()).unwrap();
    assert_eq!(w.next, Some(0));
    let w = walk(&qs, &answers(&[("seal", "no")])).unwrap();
    assert_eq!(w.next, Some(1));
    let w = walk(
        &qs,
        &answers(&[("seal", "no"), ("rep_is_shareholder", "no")]),
    )
    .unwrap();
    assert_eq!(w.next, None);
    assert_eq!(w.flags, BTreeSet::from(["hired_rep".to_string()]));
}

#[test]
fn answers_must_be_complete_and_exact() {
    let c = good();
    let qs = questionnaire_of(&c, &c.bundles[0]);
    let code = |a: &[(&str, &str)]| -> Vec<(String, String)> {
        complete(&qs, &answers(a))
            .unwrap_err()
            .into_iter()
            .map(|p| (p.field, p.code))
            .collect()
    };
    let p = |f: &str, c: &str| (f.to_string(), c.to_string());
    assert_eq!(code(&[]), [p("seal", questions::MISSING)]);
    assert_eq!(
        code(&[("seal", "maybe")]),
        [p("seal", questions::UNKNOWN_OPTION)]
    );
    assert_eq!(
        code(&[("seal", "yes"), ("colour", "red")]),
        [
            p("colour", questions::UNKNOWN_QUESTION),
            p("rep_is_shareholder", questions::MISSING)
        ]
    );
    assert!(
        complete(
            &qs,
            &answers(&[("seal", "yes"), ("rep_is_shareholder", "yes")])
        )
        .is_ok()
    );
}

#[test]
fn a_question_that_no_longer_applies_is_rejected_and_pruned() {
    let mut c = good();
    // Ask about the representative only when a seal is wanted.
    c.matters[0].questions[0].when = None;
    c.bundles[0].members[0].when = None;
    c.bundles[0].questions.push(Question {
        key: "rep".into(),
        when: cond("wants_seal"),
        ..c.matters[0].questions[0].clone()
    });
    let qs = questionnaire_of(&c, &c.bundles[0]);
    let stale = answers(&[("seal", "no"), ("rep", "no"), ("rep_is_shareholder", "yes")]);
    let err = complete(&qs, &stale).unwrap_err();
    assert_eq!(err[0].field, "rep");
    assert_eq!(err[0].code, questions::NOT_APPLICABLE);
    assert_eq!(
        prune(&qs, &stale),
        answers(&[("seal", "no"), ("rep_is_shareholder", "yes")])
    );
}

#[test]
fn the_checklist_has_exactly_what_the_situation_needs() {
    let c = good();
    let subject = Subject::Bundle("startup".into());
    // With a seal and a hired representative.
    let list = checklist(
        &c,
        &subject,
        &answers(&[("seal", "yes"), ("rep_is_shareholder", "no")]),
    )
    .unwrap();
    let got: Vec<(&str, Need, Option<u32>, Supply, u8)> = list
        .materials
        .iter()
        .map(|m| {
            (
                m.key.as_str(),
                m.need,
                m.deferrable_days,
                m.supply,
                m.copies,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("id-card", Need::Critical, None, Supply::Upload, 2),
            // Deferrable in both: the shorter deadline wins.
            ("lease", Need::Deferrable, Some(3), Supply::Upload, 1),
            ("appointment", Need::Critical, None, Supply::Upload, 1),
            ("licence", Need::Shared, None, Supply::Shared, 1),
        ]
    );
    assert_eq!(list.materials[0].departments, ["amr", "police"]);
    assert_eq!(list.materials[0].notes, ["复印件两份"]);
    assert_eq!(list.trips, 1);
    assert_eq!(list.fee_fen, 20000);
    assert!(list.illustrative);
    // The seal waits for the licence: 1 + 1 days.
    assert_eq!(list.promised_days, 2);
    assert_eq!(list.answers.len(), 2);
    assert_eq!(list.answers[1].answer, "否，聘任");
    let s = list.savings.unwrap();
    assert_eq!((s.fields_separate, s.fields_merged), (4, 3));
    assert_eq!((s.materials_separate, s.materials_merged), (5, 3));
    assert_eq!((s.trips_separate, s.trips_merged), (1, 1));
    assert_eq!((s.days_separate, s.days_merged), (2, 2));

    // Without a seal, and the representative is a shareholder.
    let list = checklist(
        &c,
        &subject,
        &answers(&[("seal", "no"), ("rep_is_shareholder", "yes")]),
    )
    .unwrap();
    let keys: Vec<&str> = list.materials.iter().map(|m| m.key.as_str()).collect();
    assert_eq!(keys, ["id-card", "lease"]);
    assert_eq!(list.materials[1].deferrable_days, Some(5));
    assert_eq!(list.trips, 0);
    assert_eq!(list.matters.len(), 1);
    assert_eq!(list.departments.len(), 1);
}

#[test]
fn a_critical_use_beats_a_deferrable_one_and_a_required_one_an_optional_one() {
    let mut c = good();
    c.matters[1].materials[1].deferrable_days = None;
    c.matters[0].materials[0].required = false;
    let list = checklist(
        &c,
        &Subject::Bundle("startup".into()),
        &answers(&[("seal", "yes"), ("rep_is_shareholder", "yes")]),
    )
    .unwrap();
    assert_eq!(list.materials[0].need, Need::Critical);
    assert_eq!(list.materials[1].need, Need::Critical);
    assert_eq!(list.materials[1].deferrable_days, None);
}

#[test]
fn a_single_matter_has_a_checklist_without_savings() {
    let c = good();
    let list = checklist(&c, &Subject::Matter("seal".into()), &Answers::new()).unwrap();
    assert_eq!(list.savings, None);
    assert_eq!(list.matters[0].hotline, "110");
    assert_eq!(
        list.matters[0].trip_reason.as_deref(),
        Some("领取印章须现场签收")
    );
    let err = checklist(&c, &Subject::Matter("nope".into()), &Answers::new()).unwrap_err();
    assert_eq!(err[0].code, checklist::UNKNOWN_SUBJECT);
}

#[test]
fn the_typical_situation_takes_every_first_option() {
    let c = good();
    let list = typical(&c, &Subject::Bundle("startup".into())).unwrap();
    assert_eq!(list.answers.len(), 2);
    assert_eq!(list.matters.len(), 2);
}

#[test]
fn search_finds_by_name_keyword_synonym_and_phrasing() {
    let c = good();
    let first = |q: &str| search(&c, q, None).first().map(|h| h.subject.clone());
    let bundle = Some(Subject::Bundle("startup".into()));
    assert_eq!(first("企业开办"), bundle);
    assert_eq!(first("开公司"), bundle);
    assert_eq!(first("我想开公司"), bundle);
    assert_eq!(first(" 开 公司 "), bundle);
    assert_eq!(first("公章"), Some(Subject::Matter("seal".into())));
    assert_eq!(first("SEAL"), Some(Subject::Matter("seal".into())));
    assert_eq!(first("刻个章"), Some(Subject::Matter("seal".into())));
    assert_eq!(first("火星移民"), None);
    assert_eq!(first(""), None);
    assert!(
        search(&c, "开公司", Some(ApplicantKind::Person)).is_empty(),
        "nothing here is for a person"
    );
    assert_eq!(normalize("ＡＢ　c-1"), "abc1");
}

fn merged(c: &Catalog, answers_: &[(&str, &str)]) -> Vec<super::merge::MergedField> {
    merged_form(c, &Subject::Bundle("startup".into()), &answers(answers_)).unwrap()
}

const WITH_SEAL: &[(&str, &str)] = &[("seal", "yes"), ("rep_is_shareholder", "yes")];

#[test]
fn each_field_is_asked_once_with_the_departments_that_need_it() {
    let c = good();
    let form = merged(&c, WITH_SEAL);
    let keys: Vec<&str> = form.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(
        keys,
        ["company.name", "applicant.id_number", "company.type"]
    );
    assert_eq!(form[0].departments, ["amr", "police"]);
    assert_eq!(form[1].departments, ["amr"]);
    // Without the seal, the police do not ask.
    let form = merged(&c, &[("seal", "no"), ("rep_is_shareholder", "yes")]);
    assert_eq!(form[0].departments, ["amr"]);
}

#[test]
fn the_strictest_rule_wins_rule_by_rule() {
    let mut c = good();
    // company.name: registration says optional, 2..=50; the seal says required, 4..=30.
    c.matters[0].fields[0].required = false;
    c.matters[0].fields[0].min = Some(2);
    c.matters[0].fields[0].max = Some(50);
    c.matters[1].fields[0].required = true;
    c.matters[1].fields[0].min = Some(4);
    c.matters[1].fields[0].max = Some(30);
    let f = &merged(&c, WITH_SEAL)[0];
    assert!(f.required, "required if any requires it");
    assert_eq!(f.min, Some(4), "the largest minimum");
    assert_eq!(f.max, Some(30), "the smallest maximum");

    // Only one side sets a bound: that bound holds.
    c.matters[0].fields[0].min = None;
    c.matters[1].fields[0].max = None;
    let f = &merged(&c, WITH_SEAL)[0];
    assert_eq!((f.min, f.max), (Some(4), Some(50)));

    // Allowed values: the intersection, in the catalogue's order.
    c.fields[2].options.push(ChoiceOption {
        value: "partnership".into(),
        label: "合伙企业".into(),
        label_en: "Partnership".into(),
        default: false,
    });
    c.matters[0].fields[2].options = Some(vec!["partnership".into(), "limited".into()]);
    c.matters[1].fields.push(FieldUse {
        key: "company.type".into(),
        required: true,
        min: None,
        max: None,
        options: Some(vec!["sole".into(), "limited".into(), "partnership".into()]),
        when: None,
    });
    let f = merged(&c, WITH_SEAL)
        .into_iter()
        .find(|f| f.key == "company.type")
        .unwrap();
    let values: Vec<&str> = f.options.iter().map(|o| o.value.as_str()).collect();
    assert_eq!(values, ["limited", "partnership"]);
    assert_eq!(c.problems(), vec![]);
}

#[test]
fn rules_no_value_can_meet_stop_the_catalogue_at_load() {
    check(
        |c| {
            c.matters[1].fields.push(FieldUse {
                key: "company.type".into(),
                required: true,
                min: None,
                max: None,
                options: Some(vec!["sole".into()]),
                when: None,
            });
            c.matters[0].fields[2].options = Some(vec!["limited".into()]);
        },
        "startup",
        Problem::FieldConflict("company.type".into()),
    );
    check(
        |c| {
            c.matters[0].fields[0].min = Some(10);
            c.matters[1].fields[0].max = Some(5);
        },
        "startup",
        Problem::FieldConflict("company.name".into()),
    );
}

#[test]
fn a_merged_form_needs_complete_answers_and_a_known_subject() {
    let c = good();
    let err = merged_form(&c, &Subject::Bundle("startup".into()), &Answers::new()).unwrap_err();
    assert_eq!(err[0].code, questions::MISSING);
    let err = merged_form(&c, &Subject::Bundle("nope".into()), &Answers::new()).unwrap_err();
    assert_eq!(err[0].code, super::checklist::UNKNOWN_SUBJECT);
    assert_eq!(group_of("shareholders[].name"), Some("shareholders"));
    assert_eq!(group_of("company.name"), None);
}

#[test]
fn what_can_be_searched() {
    assert_eq!(search_text("  开公司 "), Ok("开公司"));
    assert_eq!(search_text(" "), Err(find::QUERY_EMPTY));
    assert_eq!(search_text(&"办".repeat(50)), Ok("办".repeat(50).as_str()));
    assert_eq!(search_text(&"办".repeat(51)), Err(find::QUERY_TOO_LONG));
    assert_eq!(search_text("138 0013 8000"), Err(find::QUERY_PERSONAL_DATA));
}
