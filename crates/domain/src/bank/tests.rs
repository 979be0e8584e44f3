use super::*;
use crate::calendar::WorkCalendar;

fn branch(code: &str, district: &str, lat: f64, lon: f64) -> Branch {
    Branch {
        code: code.into(),
        name: format!("{district}支行"),
        district: district.into(),
        address: format!("杭州市{district}某路 1 号"),
        opens: "09:00".into(),
        closes: "17:00".into(),
        lat,
        lon,
    }
}

fn banks() -> Vec<Bank> {
    vec![
        Bank {
            code: "hzbank".into(),
            name: "杭州银行".into(),
            name_en: "Bank of Hangzhou".into(),
            source: "seeds/000".into(),
            illustrative: true,
            branches: vec![
                branch("hzbank-fuyang", "富阳区", 30.05, 119.96),
                branch("hzbank-binjiang", "滨江区", 30.208, 120.211),
                branch("hzbank-shangcheng", "上城区", 30.246, 120.171),
            ],
        },
        Bank {
            code: "icbc".into(),
            name: "中国工商银行".into(),
            name_en: "ICBC".into(),
            source: "seeds/000".into(),
            illustrative: true,
            branches: vec![branch("icbc-xihu", "西湖区", 30.274, 120.13)],
        },
    ]
}

#[test]
fn a_branch_must_belong_to_the_chosen_bank() {
    let b = banks();
    let check = |bank: Option<&str>, branch: Option<&str>| {
        choice_problems(&b, ("bank.name", bank), ("bank.branch", branch))
            .into_iter()
            .map(|p| format!("{} {}", p.field, p.code))
            .collect::<Vec<_>>()
    };
    assert!(check(Some("hzbank"), Some("hzbank-binjiang")).is_empty());
    assert!(check(Some("hzbank"), None).is_empty());
    assert_eq!(
        check(Some("hzbank"), Some("icbc-xihu")),
        ["bank.branch branch.unknown"]
    );
    assert_eq!(
        check(Some("hzbank"), Some("nowhere")),
        ["bank.branch branch.unknown"]
    );
    assert_eq!(
        check(Some("bank-of-nowhere"), Some("hzbank-binjiang")),
        ["bank.name bank.unknown", "bank.branch branch.unknown"]
    );
    assert_eq!(
        check(None, Some("icbc-xihu")),
        ["bank.branch branch.unknown"]
    );
}

#[test]
fn distances_are_about_right_and_branches_come_nearest_first() {
    let b = banks();
    let here = Geo {
        lat: 30.246,
        lon: 120.171,
    };
    // 西湖 (30.274, 120.13) from 上城 (30.246, 120.171): about 5.0 km on the ground.
    let d = distance_tenths_km(here, b[1].branches[0].geo());
    assert!((48..=52).contains(&d), "{d}");
    assert_eq!(distance_tenths_km(here, here), 0);
    // One degree of latitude is about 111.2 km anywhere.
    let north = Geo {
        lat: 31.246,
        lon: 120.171,
    };
    assert_eq!(distance_tenths_km(here, north), 1112);
    let order: Vec<&str> = nearest(&b[0], here)
        .iter()
        .map(|(x, _)| x.code.as_str())
        .collect();
    assert_eq!(
        order,
        ["hzbank-shangcheng", "hzbank-binjiang", "hzbank-fuyang"]
    );
    // From Fuyang the order turns round.
    let fuyang = Geo {
        lat: 30.05,
        lon: 119.96,
    };
    assert_eq!(nearest(&b[0], fuyang)[0].0.code, "hzbank-fuyang");
    assert_eq!(b[0].districts(), ["富阳区", "滨江区", "上城区"]);
}

#[test]
fn times_are_hours_and_minutes() {
    assert_eq!(minutes("09:00"), Some(540));
    assert_eq!(minutes("9:30"), Some(570));
    assert_eq!(minutes("17:00"), Some(1020));
    for bad in ["", "24:00", "9", "09:60", "09:0", "ab:cd", "-1:00"] {
        assert_eq!(minutes(bad), None, "{bad}");
    }
}

fn calendar() -> WorkCalendar {
    toml::from_str(
        r#"
[[year]]
year = 2026
provisional = false
source = "test"
holidays = ["2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"]
workdays = ["2026-10-10"]
"#,
    )
    .expect("calendar")
}

#[test]
fn a_signing_time_is_a_working_day_within_the_hours_and_not_past() {
    let b = banks();
    let br = &b[0].branches[1];
    let cal = calendar();
    let today: CivilDate = "2026-09-30".parse().unwrap();
    let now = 14 * 60;
    let check = |date: &str, time: &str| {
        signing_problems(br, &cal, date, time, today, now)
            .into_iter()
            .map(|p| format!("{} {}", p.field, p.code))
            .collect::<Vec<_>>()
    };
    assert!(check("2026-10-09", "10:00").is_empty());
    // The adjusted working Saturday counts; a Sunday and a holiday do not.
    assert!(check("2026-10-10", "09:00").is_empty());
    assert_eq!(
        check("2026-10-11", "10:00"),
        ["date signing.not_working_day"]
    );
    assert_eq!(
        check("2026-10-01", "10:00"),
        ["date signing.not_working_day"]
    );
    // Today, later than now, is fine; earlier is past; yesterday is past.
    assert!(check("2026-09-30", "15:00").is_empty());
    assert_eq!(check("2026-09-30", "13:00"), ["time signing.past"]);
    assert_eq!(check("2026-09-29", "10:00"), ["date signing.past"]);
    // The last signing starts half an hour before closing.
    assert!(check("2026-10-09", "16:30").is_empty());
    assert_eq!(check("2026-10-09", "16:31"), ["time signing.outside_hours"]);
    assert_eq!(check("2026-10-09", "08:59"), ["time signing.outside_hours"]);
    assert_eq!(check("2026-12-31", "10:00"), ["date signing.too_late"]);
    assert_eq!(
        check("2026-02-30", "25:00"),
        ["date date.format", "time signing.time_format"]
    );
}

#[test]
fn the_catalogue_rules_for_banks() {
    assert!(catalogue_problems(&banks()).is_empty());
    let mut b = banks();
    b[1].branches[0].code = "hzbank-binjiang".into();
    b[0].branches[0].closes = "09:10".into();
    b[0].branches[2].lat = 95.0;
    b[1].source = " ".into();
    let found: Vec<String> = catalogue_problems(&b).into_iter().map(|(s, _)| s).collect();
    assert_eq!(
        found,
        [
            "hzbank-fuyang",
            "hzbank-shangcheng",
            "icbc",
            "hzbank-binjiang"
        ]
    );
}
