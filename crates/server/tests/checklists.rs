//! The real catalogue in `catalog/`, situation by situation: for every bundle, what the
//! one-time checklist (一次性告知单) asks for, which matters it includes, how many trips and how
//! many working days it promises. Also: every matter's typical checklist computes, and search
//! puts the right entry first for the words people actually type.

use std::collections::BTreeSet;
use std::path::PathBuf;

use onetrip_domain::catalog::Catalog;
use onetrip_domain::catalog::checklist::{Need, Subject, checklist, typical};
use onetrip_domain::catalog::questions::{Answers, questionnaire_of};
use onetrip_domain::catalog::search::search;

use Need::{Critical, Deferrable, Optional, Shared};

fn catalog() -> Catalog {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../catalog");
    onetrip_server::catalog::load(&path)
        .unwrap_or_else(|e| panic!("catalog/ must load: {e}"))
        .catalog
}

/// One situation of one bundle and what its checklist must say.
struct Row {
    bundle: &'static str,
    situation: &'static str,
    answers: &'static [(&'static str, &'static str)],
    matters: &'static [&'static str],
    materials: &'static [(&'static str, Need)],
    trips: u8,
    promised_days: u32,
}

const ROWS: &[Row] = &[
    // ── 企业开办 ──────────────────────────────────────────────────────────────
    Row {
        bundle: "company-startup",
        situation: "typical: limited company, shareholder as legal rep, rented office, staff, bank account",
        answers: &[
            ("has_employees", "yes"),
            ("open_bank_account", "yes"),
            ("company_type", "limited"),
            ("rep_is_shareholder", "yes"),
            ("premises", "rented"),
            ("tax_officer", "legal_rep"),
        ],
        matters: &[
            "company-registration",
            "seal-engraving",
            "invoice-application",
            "bank-account",
            "social-insurance-registration",
            "housing-fund-registration",
        ],
        materials: &[
            ("id-card", Critical),
            ("articles-of-association", Critical),
            ("lease-contract", Critical),
            ("property-certificate", Shared),
            ("business-licence", Shared),
            ("employee-roster", Deferrable),
        ],
        trips: 1,
        promised_days: 4,
    },
    Row {
        bundle: "company-startup",
        situation: "hired legal rep, own premises, no staff yet, bank later, bookkeeper files taxes",
        answers: &[
            ("has_employees", "no"),
            ("open_bank_account", "later"),
            ("company_type", "limited"),
            ("rep_is_shareholder", "no"),
            ("premises", "owned"),
            ("tax_officer", "agent"),
        ],
        matters: &[
            "company-registration",
            "seal-engraving",
            "invoice-application",
        ],
        materials: &[
            ("id-card", Critical),
            ("articles-of-association", Critical),
            ("appointment-letter", Critical),
            ("property-certificate", Shared),
            ("business-licence", Shared),
            ("power-of-attorney", Critical),
            ("agent-id-card", Critical),
        ],
        trips: 0,
        promised_days: 2,
    },
    Row {
        bundle: "company-startup",
        situation: "sole proprietorship in a hosted cluster desk, with staff and a bank account",
        answers: &[
            ("has_employees", "yes"),
            ("open_bank_account", "yes"),
            ("company_type", "sole_proprietorship"),
            ("premises", "cluster"),
            ("tax_officer", "legal_rep"),
        ],
        matters: &[
            "company-registration",
            "seal-engraving",
            "invoice-application",
            "bank-account",
            "social-insurance-registration",
            "housing-fund-registration",
        ],
        materials: &[
            ("id-card", Critical),
            ("cluster-certificate", Critical),
            ("business-licence", Shared),
            ("employee-roster", Deferrable),
        ],
        trips: 1,
        promised_days: 4,
    },
    Row {
        bundle: "company-startup",
        situation: "partnership in rented premises, no staff, bank account, accounting firm",
        answers: &[
            ("has_employees", "no"),
            ("open_bank_account", "yes"),
            ("company_type", "partnership"),
            ("premises", "rented"),
            ("tax_officer", "agent"),
        ],
        matters: &[
            "company-registration",
            "seal-engraving",
            "invoice-application",
            "bank-account",
        ],
        materials: &[
            ("id-card", Critical),
            ("partnership-agreement", Critical),
            ("lease-contract", Critical),
            ("property-certificate", Shared),
            ("business-licence", Shared),
            ("power-of-attorney", Critical),
            ("agent-id-card", Critical),
        ],
        trips: 1,
        promised_days: 4,
    },
    // ── 新生儿出生 ────────────────────────────────────────────────────────────
    Row {
        bundle: "newborn",
        situation: "typical: born in hospital, married parents, registered with the father here, card",
        answers: &[
            ("local_hukou", "local"),
            ("wants_card", "yes"),
            ("birth_place", "hospital"),
            ("parents_married", "married"),
            ("follow_parent", "father"),
        ],
        matters: &[
            "birth-medical-certificate",
            "newborn-household-registration",
            "newborn-medical-insurance",
            "social-security-card",
        ],
        materials: &[
            ("id-card", Critical),
            ("birth-medical-certificate", Shared),
            ("household-register", Shared),
            ("marriage-certificate", Shared),
            ("id-photo", Optional),
        ],
        trips: 0,
        promised_days: 12,
    },
    Row {
        bundle: "newborn",
        situation: "born outside a hospital, unmarried parents, with the father, no card now",
        answers: &[
            ("local_hukou", "local"),
            ("wants_card", "no"),
            ("birth_place", "outside"),
            ("parents_married", "unmarried"),
            ("follow_parent", "father"),
        ],
        matters: &[
            "birth-medical-certificate",
            "newborn-household-registration",
            "newborn-medical-insurance",
        ],
        materials: &[
            ("id-card", Critical),
            ("parentage-test", Critical),
            ("birth-medical-certificate", Shared),
            ("household-register", Shared),
        ],
        trips: 0,
        promised_days: 3,
    },
    Row {
        bundle: "newborn",
        situation: "unmarried mother, baby registered with her, card",
        answers: &[
            ("local_hukou", "local"),
            ("wants_card", "yes"),
            ("birth_place", "hospital"),
            ("parents_married", "unmarried"),
            ("follow_parent", "mother"),
        ],
        matters: &[
            "birth-medical-certificate",
            "newborn-household-registration",
            "newborn-medical-insurance",
            "social-security-card",
        ],
        materials: &[
            ("id-card", Critical),
            ("birth-medical-certificate", Shared),
            ("household-register", Shared),
            ("non-marital-birth-statement", Critical),
            ("id-photo", Optional),
        ],
        trips: 0,
        promised_days: 12,
    },
    Row {
        bundle: "newborn",
        situation: "household registration elsewhere: insured here on a parent's residence permit",
        answers: &[
            ("local_hukou", "elsewhere"),
            ("wants_card", "yes"),
            ("birth_place", "hospital"),
        ],
        matters: &[
            "birth-medical-certificate",
            "newborn-medical-insurance",
            "social-security-card",
        ],
        materials: &[
            ("id-card", Critical),
            ("birth-medical-certificate", Shared),
            ("residence-permit-card", Critical),
            ("household-register", Shared),
            ("id-photo", Optional),
        ],
        trips: 0,
        promised_days: 10,
    },
    // ── 企业注销 ──────────────────────────────────────────────────────────────
    Row {
        bundle: "company-deregistration",
        situation: "typical: taxes settled, no insured staff, simplified deregistration",
        answers: &[
            ("tax_settled", "settled"),
            ("insured_staff", "none"),
            ("dereg_kind", "simple"),
        ],
        matters: &[
            "tax-clearance",
            "social-insurance-deregistration",
            "company-deregistration-registration",
        ],
        materials: &[
            ("business-licence", Shared),
            ("id-card", Critical),
            ("tax-clearance", Shared),
            ("simple-deregistration-commitment", Critical),
        ],
        trips: 0,
        promised_days: 2,
    },
    Row {
        bundle: "company-deregistration",
        situation: "open tax matters, insured staff, liquidation",
        answers: &[
            ("tax_settled", "open"),
            ("insured_staff", "some"),
            ("dereg_kind", "general"),
        ],
        matters: &[
            "tax-clearance",
            "social-insurance-deregistration",
            "company-deregistration-registration",
        ],
        materials: &[
            ("business-licence", Shared),
            ("tax-commitment", Critical),
            ("staff-termination-list", Critical),
            ("id-card", Critical),
            ("tax-clearance", Shared),
            ("dissolution-resolution", Critical),
            ("liquidation-report", Critical),
        ],
        trips: 0,
        promised_days: 2,
    },
    Row {
        bundle: "company-deregistration",
        situation: "taxes settled, staff still insured, simplified deregistration",
        answers: &[
            ("tax_settled", "settled"),
            ("insured_staff", "some"),
            ("dereg_kind", "simple"),
        ],
        matters: &[
            "tax-clearance",
            "social-insurance-deregistration",
            "company-deregistration-registration",
        ],
        materials: &[
            ("business-licence", Shared),
            ("staff-termination-list", Critical),
            ("id-card", Critical),
            ("tax-clearance", Shared),
            ("simple-deregistration-commitment", Critical),
        ],
        trips: 0,
        promised_days: 2,
    },
    // ── 临时占用城市道路 ──────────────────────────────────────────────────────
    Row {
        bundle: "road-occupation",
        situation: "typical: scaffolding on the pavement, traffic unaffected",
        answers: &[("digging", "no"), ("affects_traffic", "no")],
        matters: &["road-occupation-permit", "traffic-occupation-approval"],
        materials: &[
            ("business-licence", Shared),
            ("id-card", Critical),
            ("site-plan", Critical),
        ],
        trips: 0,
        promised_days: 1,
    },
    Row {
        bundle: "road-occupation",
        situation: "planned digging on a main road",
        answers: &[
            ("digging", "yes"),
            ("affects_traffic", "yes"),
            ("emergency", "planned"),
        ],
        matters: &[
            "road-occupation-permit",
            "traffic-occupation-approval",
            "road-excavation-permit",
        ],
        materials: &[
            ("business-licence", Shared),
            ("id-card", Critical),
            ("site-plan", Critical),
            ("traffic-organisation-plan", Critical),
            ("construction-plan", Critical),
        ],
        trips: 1,
        promised_days: 3,
    },
    Row {
        bundle: "road-occupation",
        situation: "emergency pipe repair at the roadside",
        answers: &[
            ("digging", "yes"),
            ("affects_traffic", "no"),
            ("emergency", "emergency"),
        ],
        matters: &[
            "road-occupation-permit",
            "traffic-occupation-approval",
            "road-excavation-permit",
        ],
        materials: &[
            ("business-licence", Shared),
            ("id-card", Critical),
            ("site-plan", Critical),
            ("emergency-repair-record", Critical),
        ],
        trips: 1,
        promised_days: 3,
    },
    // ── 不动产登记与水电气联动过户 ────────────────────────────────────────────
    Row {
        bundle: "property-transfer",
        situation: "typical: second-hand sale, no mortgage, water, power and gas move too",
        answers: &[
            ("transfer_type", "sale"),
            ("transfer_water", "yes"),
            ("transfer_power", "yes"),
            ("transfer_gas", "yes"),
            ("mortgage", "none"),
        ],
        matters: &[
            "deed-tax-declaration",
            "property-transfer-registration",
            "water-transfer",
            "power-transfer",
            "gas-transfer",
        ],
        materials: &[
            ("id-card", Critical),
            ("sale-contract", Shared),
            ("property-certificate", Critical),
            ("marriage-certificate", Shared),
            ("deed-tax-receipt", Shared),
        ],
        trips: 1,
        promised_days: 3,
    },
    Row {
        bundle: "property-transfer",
        situation: "gift of a mortgaged flat, only electricity moves",
        answers: &[
            ("transfer_type", "gift"),
            ("transfer_water", "no"),
            ("transfer_power", "yes"),
            ("transfer_gas", "no"),
            ("mortgage", "mortgaged"),
        ],
        matters: &[
            "deed-tax-declaration",
            "property-transfer-registration",
            "power-transfer",
        ],
        materials: &[
            ("id-card", Critical),
            ("gift-contract", Critical),
            ("property-certificate", Critical),
            ("marriage-certificate", Shared),
            ("deed-tax-receipt", Shared),
            ("mortgagee-consent", Critical),
        ],
        trips: 1,
        promised_days: 3,
    },
    Row {
        bundle: "property-transfer",
        situation: "inheritance (no deed tax), utilities handled separately",
        answers: &[
            ("transfer_type", "inheritance"),
            ("transfer_water", "no"),
            ("transfer_power", "no"),
            ("transfer_gas", "no"),
            ("mortgage", "none"),
        ],
        matters: &["property-transfer-registration"],
        materials: &[
            ("id-card", Critical),
            ("property-certificate", Critical),
            ("inheritance-certificate", Critical),
            ("death-certificate", Shared),
            ("marriage-certificate", Shared),
        ],
        trips: 1,
        promised_days: 1,
    },
];

fn answers(pairs: &[(&str, &str)]) -> Answers {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn every_bundle_situation_gives_the_expected_checklist() {
    let catalog = catalog();
    let mut failures = Vec::new();
    for row in ROWS {
        let subject = Subject::Bundle(row.bundle.to_owned());
        let list = match checklist(&catalog, &subject, &answers(row.answers)) {
            Ok(list) => list,
            Err(problems) => {
                failures.push(format!(
                    "{} / {}: answers rejected: {problems:?}",
                    row.bundle, row.situation
                ));
                continue;
            }
        };
        let matters: Vec<&str> = list.matters.iter().map(|m| m.code.as_str()).collect();
        let materials: BTreeSet<(&str, Need)> = list
            .materials
            .iter()
            .map(|m| (m.key.as_str(), m.need))
            .collect();
        let want: BTreeSet<(&str, Need)> = row.materials.iter().copied().collect();
        let mut wrong = Vec::new();
        if matters != row.matters {
            wrong.push(format!("matters {matters:?}, want {:?}", row.matters));
        }
        if materials != want {
            wrong.push(format!(
                "materials {materials:?}, want {want:?} (extra {:?}, missing {:?})",
                materials.difference(&want).collect::<Vec<_>>(),
                want.difference(&materials).collect::<Vec<_>>()
            ));
        }
        if list.trips != row.trips {
            wrong.push(format!("trips {}, want {}", list.trips, row.trips));
        }
        if list.promised_days != row.promised_days {
            wrong.push(format!(
                "promised_days {}, want {}",
                list.promised_days, row.promised_days
            ));
        }
        if list.materials.iter().any(|m| m.conditional) {
            wrong.push("a checklist line is marked conditional".to_owned());
        }
        if !wrong.is_empty() {
            failures.push(format!(
                "{} / {}:\n    {}",
                row.bundle,
                row.situation,
                wrong.join("\n    ")
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn the_rows_cover_every_bundle_and_every_answer() {
    let catalog = catalog();
    for bundle in &catalog.bundles {
        let rows: Vec<&Row> = ROWS.iter().filter(|r| r.bundle == bundle.code).collect();
        assert!(
            rows.len() >= 3,
            "bundle `{}` has {} situations, want at least 3",
            bundle.code,
            rows.len()
        );
        for g in questionnaire_of(&catalog, bundle) {
            for option in &g.question.options {
                assert!(
                    rows.iter().any(|r| r
                        .answers
                        .iter()
                        .any(|(k, v)| *k == g.question.key && *v == option.value)),
                    "bundle `{}`: no situation answers `{}` with `{}`",
                    bundle.code,
                    g.question.key,
                    option.value
                );
            }
        }
    }
    for row in ROWS {
        assert!(
            catalog.bundle(row.bundle).is_some(),
            "no bundle `{}`",
            row.bundle
        );
    }
}

#[test]
fn the_first_row_of_each_bundle_is_its_typical_situation() {
    let catalog = catalog();
    for bundle in &catalog.bundles {
        let row = ROWS.iter().find(|r| r.bundle == bundle.code).unwrap();
        let typical = typical(&catalog, &Subject::Bundle(bundle.code.clone()))
            .unwrap_or_else(|| panic!("bundle `{}` has no typical checklist", bundle.code));
        let given: Answers = answers(row.answers);
        let asked: Answers = typical
            .answers
            .iter()
            .map(|a| {
                let g = questionnaire_of(&catalog, bundle)
                    .into_iter()
                    .find(|g| g.question.key == a.key)
                    .unwrap();
                let value = g
                    .question
                    .options
                    .iter()
                    .find(|o| o.label == a.answer)
                    .unwrap()
                    .value
                    .clone();
                (a.key.clone(), value)
            })
            .collect();
        assert_eq!(asked, given, "bundle `{}`", bundle.code);
    }
}

#[test]
fn the_startup_bundle_merges_supply_and_deferral() {
    let catalog = catalog();
    let row = &ROWS[0];
    let list = checklist(
        &catalog,
        &Subject::Bundle(row.bundle.into()),
        &answers(row.answers),
    )
    .unwrap();
    let line = |key: &str| list.materials.iter().find(|m| m.key == key).unwrap();
    // The bank wants the original at 面签, so the ID card is shown at the counter once.
    assert_eq!(
        line("id-card").supply,
        onetrip_domain::catalog::Supply::Counter
    );
    // Social insurance allows 5 days, the housing fund 10: the shorter one wins.
    assert_eq!(line("employee-roster").deferrable_days, Some(5));
    assert_eq!(
        line("employee-roster").departments,
        vec!["hrss".to_owned(), "housing-fund".to_owned()]
    );
    let savings = list.savings.expect("a bundle has savings");
    assert!(
        savings.fields_merged < savings.fields_separate,
        "{savings:?}"
    );
    assert!(
        savings.materials_merged < savings.materials_separate,
        "{savings:?}"
    );
    assert_eq!(savings.trips_merged, 1);
    assert!(savings.days_merged < savings.days_separate, "{savings:?}");
}

#[test]
fn every_matter_and_bundle_has_a_typical_checklist() {
    let catalog = catalog();
    for m in &catalog.matters {
        let list = typical(&catalog, &Subject::Matter(m.code.clone()))
            .unwrap_or_else(|| panic!("matter `{}` has no typical checklist", m.code));
        assert_eq!(list.matters.len(), 1, "{}", m.code);
        assert_eq!(list.trips, m.trips, "{}", m.code);
        assert_eq!(list.promised_days, m.promised_days, "{}", m.code);
        assert!(
            !list.materials.is_empty(),
            "matter `{}` lists no material",
            m.code
        );
        if m.trips == 1 {
            assert!(m.office.is_some(), "matter `{}` needs an office", m.code);
        }
        assert!(
            !m.legal_basis.is_empty(),
            "matter `{}` has no legal basis",
            m.code
        );
        assert!(
            !m.keywords.is_empty(),
            "matter `{}` has no keywords",
            m.code
        );
        assert!(
            !m.conditions.is_empty(),
            "matter `{}` has no conditions",
            m.code
        );
    }
    for b in &catalog.bundles {
        let list = typical(&catalog, &Subject::Bundle(b.code.clone()))
            .unwrap_or_else(|| panic!("bundle `{}` has no typical checklist", b.code));
        assert!(list.matters.len() >= 2, "{}", b.code);
    }
}

#[test]
fn the_catalogue_is_broad_enough() {
    let catalog = catalog();
    assert!(catalog.departments.len() >= 10);
    assert!(catalog.matters.len() >= 28);
    let used: BTreeSet<&str> = catalog
        .matters
        .iter()
        .map(|m| m.department.as_str())
        .collect();
    assert!(used.len() >= 10, "{used:?}");
    let negative = catalog.matters.iter().filter(|m| m.trips == 1).count();
    assert!(negative >= 5, "{negative} matters on the negative list");
    let mut popular: Vec<u8> = catalog.matters.iter().filter_map(|m| m.popular).collect();
    popular.sort();
    assert_eq!(popular, (1..=8).collect::<Vec<u8>>());
    for code in [
        "rental-filing",
        "commercial-performance-permit",
        "individual-business-registration",
    ] {
        assert!(catalog.matter(code).is_some(), "missing `{code}`");
    }
    let startup = catalog.bundle("company-startup").unwrap();
    assert_eq!(startup.name, "企业开办");
    assert_eq!(catalog.bundle("newborn").unwrap().name, "新生儿出生");
    assert_eq!(
        catalog.matter("company-registration").unwrap().name,
        "企业设立登记"
    );
    assert_eq!(catalog.matter("bank-account").unwrap().name, "银行开户");
    assert!(catalog.synonyms.len() >= 15);
}

#[test]
fn search_puts_the_right_entry_first() {
    let catalog = catalog();
    let table: &[(&str, Subject)] = &[
        ("开公司", Subject::Bundle("company-startup".into())),
        ("注册公司", Subject::Bundle("company-startup".into())),
        ("我想成立公司", Subject::Bundle("company-startup".into())),
        (
            "上户口",
            Subject::Matter("newborn-household-registration".into()),
        ),
        (
            "宝宝报户口",
            Subject::Matter("newborn-household-registration".into()),
        ),
        ("生孩子", Subject::Bundle("newborn".into())),
        ("刻个章", Subject::Matter("seal-engraving".into())),
        ("领发票", Subject::Matter("invoice-application".into())),
        ("租房备案", Subject::Matter("rental-filing".into())),
        (
            "办演出",
            Subject::Matter("commercial-performance-permit".into()),
        ),
        ("注销公司", Subject::Bundle("company-deregistration".into())),
        ("过户", Subject::Bundle("property-transfer".into())),
        ("二手房过户", Subject::Bundle("property-transfer".into())),
        ("占道", Subject::Bundle("road-occupation".into())),
        ("挖路", Subject::Matter("road-excavation-permit".into())),
        (
            "交社保",
            Subject::Matter("flexible-employment-insurance".into()),
        ),
        (
            "个体户",
            Subject::Matter("individual-business-registration".into()),
        ),
        (
            "提取公积金",
            Subject::Matter("housing-fund-withdrawal".into()),
        ),
        ("暂住证", Subject::Matter("residence-permit".into())),
        ("异地就医", Subject::Matter("remote-medical-filing".into())),
        ("身份证丢了", Subject::Matter("id-card-application".into())),
        ("换驾照", Subject::Matter("driving-licence-renewal".into())),
        ("港澳通行证", Subject::Matter("exit-entry-permit".into())),
        ("开饭店", Subject::Matter("food-business-licence".into())),
        ("清税证明", Subject::Matter("tax-clearance".into())),
        ("银行开户", Subject::Matter("bank-account".into())),
        (
            "出生证明",
            Subject::Matter("birth-medical-certificate".into()),
        ),
        ("契税", Subject::Matter("deed-tax-declaration".into())),
        (
            "法人变更",
            Subject::Matter("company-change-registration".into()),
        ),
    ];
    let mut failures = Vec::new();
    for (query, want) in table {
        let hits = search(&catalog, query, None);
        match hits.first() {
            Some(first) if &first.subject == want => {}
            first => failures.push(format!(
                "{query}: first {:?}, want {want:?}; top {:?}",
                first.map(|h| &h.subject),
                hits.iter().take(3).collect::<Vec<_>>()
            )),
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
