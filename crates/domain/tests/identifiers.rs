//! Every rule of shared/identifiers.md, one row each, and the property figures: every generated
//! valid number accepted, every single-character change and adjacent swap rejected.

use onetrip_domain::CivilDate;
use onetrip_domain::ident::{
    CompanyName, CreditCode, MobileNumber, PostalCode, ResidentId, Sex, credit_check_char,
    id_check_char, normalize,
};

fn today() -> CivilDate {
    CivilDate::new(2026, 11, 23).unwrap()
}

/// A valid ID number from its first 17 characters.
fn with_id_check(first17: &str) -> String {
    format!("{first17}{}", id_check_char(first17.as_bytes()) as char)
}

fn with_credit_check(first17: &str) -> String {
    format!("{first17}{}", credit_check_char(first17.as_bytes()) as char)
}

fn check_id(input: &str, want: Result<&str, &str>) {
    let got = ResidentId::parse(input, today());
    match want {
        Ok(normalised) => assert_eq!(
            got.map(|id| id.to_string()),
            Ok(normalised.to_owned()),
            "{input:?}"
        ),
        Err(code) => assert_eq!(got.map_err(|e| e.code()), Err(code), "{input:?}"),
    }
}

#[test]
fn resident_id_rules() {
    // The examples of identifiers.md.
    check_id("11010519491231002X", Ok("11010519491231002X"));
    check_id("110101200001010010", Ok("110101200001010010"));
    check_id("110101200001010019", Err("id_number.checksum"));
    check_id("11010120000230001X", Err("id_number.birth_date"));
    check_id("991010199001010010", Err("id_number.province"));
    // Normalisation: spaces, dashes, full width, lower-case x.
    check_id(" 110105 1949-1231 002x ", Ok("11010519491231002X"));
    check_id(
        "１１０１０５１９４９１２３１００２Ｘ",
        Ok("11010519491231002X"),
    );
    check_id(
        "１１０１０５１９４９１２３１００２ｘ",
        Ok("11010519491231002X"),
    );
    // Shape.
    check_id("", Err("id_number.empty"));
    check_id("   ", Err("id_number.empty"));
    check_id("11010519491231002", Err("id_number.length"));
    check_id("11010519491231002XX", Err("id_number.length"));
    check_id("1101051949123100A2", Err("id_number.format"));
    check_id("11010519491231002Y", Err("id_number.format"));
    // The foreigner's permanent residence card (9 + issuing province): another document type.
    check_id(
        &with_id_check("93301019900101001"),
        Err("id_number.foreigner_permit"),
    );
    check_id(
        &with_id_check("91110119900101001"),
        Err("id_number.foreigner_permit"),
    );
    // Residence permits of Hong Kong, Macao and Taiwan residents.
    for prefix in ["81", "82", "83"] {
        let id = with_id_check(&format!("{prefix}000019900101001"));
        check_id(&id, Ok(&id));
    }
    // A county that no longer exists (Chongwen district of Beijing, 110103, merged in 2010).
    let abolished = with_id_check("11010319800101001");
    check_id(&abolished, Ok(&abolished));
    // Dates: leap day, future, too early.
    let leap = with_id_check("33010620000229002");
    check_id(&leap, Ok(&leap));
    check_id(
        &with_id_check("33010620010229002"),
        Err("id_number.birth_date"),
    );
    check_id(
        &with_id_check("33010620261124002"),
        Err("id_number.birth_future"),
    );
    let born_today = with_id_check("33010620261123002");
    check_id(&born_today, Ok(&born_today));
    check_id(
        &with_id_check("33010617991231002"),
        Err("id_number.birth_too_early"),
    );
    let oldest = with_id_check("33010618000101002");
    check_id(&oldest, Ok(&oldest));
}

#[test]
fn resident_id_derived_facts() {
    let id = ResidentId::parse("11010519491231002X", today()).unwrap();
    assert_eq!(id.birth_date(), CivilDate::new(1949, 12, 31).unwrap());
    assert_eq!(id.age_on(today()), 76);
    assert_eq!(id.sex(), Sex::Female);
    assert_eq!(id.province_code(), "11");
    let man = ResidentId::parse("110101200001010010", today()).unwrap();
    assert_eq!(man.sex(), Sex::Male);
    // Eighteen exactly on the day.
    let eighteen = ResidentId::parse(&with_id_check("33010620081123001"), today()).unwrap();
    assert_eq!(eighteen.age_on(today()), 18);
    assert_eq!(eighteen.age_on(today().add_days(-1)), 17);
}

fn check_credit(input: &str, want: Result<&str, &str>) {
    let got = CreditCode::parse(input);
    match want {
        Ok(n) => assert_eq!(got.map(|c| c.to_string()), Ok(n.to_owned()), "{input:?}"),
        Err(code) => assert_eq!(got.map_err(|e| e.code()), Err(code), "{input:?}"),
    }
}

#[test]
fn credit_code_rules() {
    check_credit("91350100M000100Y43", Ok("91350100M000100Y43"));
    check_credit("91110108MA01A2B32G", Ok("91110108MA01A2B32G"));
    check_credit("91110108MA01A2B3XI", Err("credit_code.charset"));
    check_credit("9111A108MA01A2B32C", Err("credit_code.division"));
    check_credit("91110108ma01a2b32g", Ok("91110108MA01A2B32G"));
    check_credit(" 9111 0108-MA01 A2B3 2G ", Ok("91110108MA01A2B32G"));
    check_credit("", Err("credit_code.empty"));
    check_credit("91110108MA01A2B32", Err("credit_code.length"));
    check_credit("91110108MA01A2B32O", Err("credit_code.charset"));
    check_credit("91110108MA01A2B32H", Err("credit_code.checksum"));
    // Letters are allowed in positions 1 and 2 (N, Y, A exist).
    for first2 in ["N1", "Y1", "A1", "51", "12"] {
        let code = with_credit_check(&format!("{first2}330106MA2H1X2Y3"));
        check_credit(&code, Ok(&code));
    }
    check_credit(
        &with_credit_check("B1330106MA2H1X2Y3"),
        Err("credit_code.authority"),
    );
    check_credit(
        &with_credit_check("01330106MA2H1X2Y3"),
        Err("credit_code.authority"),
    );
}

#[test]
fn mobile_and_postal_rules() {
    let mobile = |s: &str| {
        MobileNumber::parse(s)
            .map(|m| m.to_string())
            .map_err(|e| e.code())
    };
    assert_eq!(mobile("13800138000"), Ok("13800138000".into()));
    assert_eq!(mobile("+86 138-0013-8000"), Ok("13800138000".into()));
    assert_eq!(mobile("0086 19912345678"), Ok("19912345678".into()));
    assert_eq!(
        mobile("＋８６１３８００１３８０００"),
        Ok("13800138000".into())
    );
    assert_eq!(mobile(""), Err("mobile.empty"));
    assert_eq!(mobile("1380013800"), Err("mobile.format"));
    assert_eq!(mobile("138001380001"), Err("mobile.format"));
    assert_eq!(mobile("1380013800a"), Err("mobile.format"));
    assert_eq!(mobile("12800138000"), Err("mobile.prefix"));
    assert_eq!(mobile("23800138000"), Err("mobile.prefix"));

    let postal = |s: &str| {
        PostalCode::parse(s)
            .map(|m| m.to_string())
            .map_err(|e| e.code())
    };
    assert_eq!(postal("310006"), Ok("310006".into()));
    assert_eq!(postal("３１０００６"), Ok("310006".into()));
    assert_eq!(postal(""), Err("postal_code.empty"));
    assert_eq!(postal("31000"), Err("postal_code.format"));
    assert_eq!(postal("3100061"), Err("postal_code.format"));
    assert_eq!(postal("31000A"), Err("postal_code.format"));
}

#[test]
fn company_name_rules() {
    let check = |s: &str| {
        CompanyName::parse(s)
            .map(|n| n.needs_review())
            .map_err(|e| e.code())
    };
    assert_eq!(check("杭州市云帆信息科技有限公司"), Ok(false));
    assert_eq!(check("云帆（杭州）信息科技有限公司"), Ok(false));
    assert_eq!(check("浙江云帆股份有限公司"), Ok(false));
    assert_eq!(check("杭州云帆有限责任公司"), Ok(false));
    assert_eq!(check("中国云帆科技有限公司"), Ok(true));
    assert_eq!(check("中华云帆科技有限公司"), Ok(true));
    assert_eq!(check("全国云帆科技有限公司"), Ok(true));
    assert_eq!(check(""), Err("company_name.empty"));
    assert_eq!(
        check(&format!("杭州{}有限公司", "云".repeat(45))),
        Err("company_name.too_long")
    );
    assert_eq!(check("杭州云帆IT科技有限公司"), Err("company_name.chars"));
    assert_eq!(check("杭州云帆2号科技有限公司"), Err("company_name.chars"));
    assert_eq!(check("杭州云帆·科技有限公司"), Err("company_name.chars"));
    assert_eq!(
        check("云帆(杭州)信息科技有限公司"),
        Err("company_name.half_width_brackets")
    );
    assert_eq!(
        check("云帆（杭州信息科技有限公司"),
        Err("company_name.brackets")
    );
    assert_eq!(
        check("云帆（）信息科技有限公司"),
        Err("company_name.brackets")
    );
    assert_eq!(
        check("云帆（杭州）（浙江）科技有限公司"),
        Err("company_name.brackets")
    );
    assert_eq!(check("杭州市云帆信息科技"), Err("company_name.form"));
    assert_eq!(
        check("杭州市云帆信息科技合伙企业"),
        Err("company_name.form")
    );
    assert_eq!(check("杭州云有限公司"), Err("company_name.trade_name"));
    assert_eq!(
        check("云（杭州）科技有限公司"),
        Err("company_name.trade_name")
    );
}

#[test]
fn normalisation() {
    assert_eq!(normalize("  ａｂ－１２\u{3000}３ "), "AB123");
    assert_eq!(normalize("1—2–3‐4"), "1234");
}

/// A tiny deterministic generator (xorshift), so the property test needs no crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const PROVINCES: [&str; 35] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
    "81", "82", "83",
];
const CREDIT_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Every substitution of one character by another of `alphabet`, and every adjacent swap of two
/// different characters.
fn mutations(valid: &str, alphabet: &str) -> Vec<String> {
    let chars: Vec<char> = valid.chars().collect();
    let mut out = Vec::new();
    for i in 0..chars.len() {
        for c in alphabet.chars().filter(|&c| c != chars[i]) {
            let mut m = chars.clone();
            m[i] = c;
            out.push(m.into_iter().collect());
        }
        if i + 1 < chars.len() && chars[i] != chars[i + 1] {
            let mut m = chars.clone();
            m.swap(i, i + 1);
            out.push(m.into_iter().collect());
        }
    }
    out
}

#[test]
fn generated_numbers_pass_and_every_typo_is_caught() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut ids, mut id_mutations) = (0, 0);
    for _ in 0..2000 {
        let province = PROVINCES[rng.below(PROVINCES.len() as u64) as usize];
        let birth = CivilDate::new(1900, 1, 1)
            .unwrap()
            .add_days(rng.below(43_830) as i64);
        let first17 = format!(
            "{province}{:04}{:04}{:02}{:02}{:03}",
            rng.below(10_000),
            birth.year(),
            birth.month(),
            birth.day(),
            rng.below(1000)
        );
        let id = with_id_check(&first17);
        assert!(ResidentId::parse(&id, today()).is_ok(), "{id}");
        ids += 1;
        for m in mutations(&id, "0123456789X") {
            assert!(
                ResidentId::parse(&m, today()).is_err(),
                "{id} -> {m} accepted"
            );
            id_mutations += 1;
        }
    }
    let (mut codes, mut code_mutations) = (0, 0);
    let alphabet: Vec<char> = CREDIT_ALPHABET.chars().collect();
    for _ in 0..2000 {
        let first = ["1", "5", "9", "A", "N", "Y"][rng.below(6) as usize];
        let second = alphabet[rng.below(31) as usize];
        let division = format!("{:06}", rng.below(1_000_000));
        let org: String = (0..9).map(|_| alphabet[rng.below(31) as usize]).collect();
        let code = with_credit_check(&format!("{first}{second}{division}{org}"));
        assert!(CreditCode::parse(&code).is_ok(), "{code}");
        codes += 1;
        for m in mutations(&code, CREDIT_ALPHABET) {
            assert!(CreditCode::parse(&m).is_err(), "{code} -> {m} accepted");
            code_mutations += 1;
        }
    }
    eprintln!(
        "identifiers: {ids} ID numbers accepted, {id_mutations} mutations rejected; \
         {codes} credit codes accepted, {code_mutations} mutations rejected"
    );
    assert_eq!((ids, codes), (2000, 2000));
}
