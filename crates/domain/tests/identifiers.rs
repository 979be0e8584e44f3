//! Every rule of shared/identifiers.md, one row each, and the property figures: every generated
//! valid number accepted, every single-character change and adjacent swap rejected.
//!
//! The check characters of made-up numbers are computed here, independently of the crate, so a
//! wrong weight in the crate cannot agree with itself.

use onetrip_domain::CivilDate;
use onetrip_domain::ident::{
    CompanyName, CompanyNameError, CreditCode, CreditCodeError, IdNumberError, MobileError,
    MobileNumber, PostalCode, PostalCodeError, ResidentId, Sex, all_codes, normalize,
};
use onetrip_domain::mask::{mask_id, mask_phone};

fn today() -> CivilDate {
    CivilDate::new(2026, 11, 23).unwrap()
}

fn date(s: &str) -> CivilDate {
    s.parse().unwrap()
}

/// ISO 7064 MOD 11-2 from its definition: the check makes the weighted sum of all 18
/// characters (weights 2^(18-i)) 1 modulo 11.
fn with_id_check(first17: &str) -> String {
    assert_eq!(first17.len(), 17, "{first17}");
    let sum: u64 = first17
        .bytes()
        .enumerate()
        .map(|(i, d)| u64::from(d - b'0') * (1u64 << (17 - i)))
        .sum();
    let value = (12 - sum % 11) % 11;
    let check = if value == 10 {
        'X'
    } else {
        char::from(b'0' + value as u8)
    };
    format!("{first17}{check}")
}

const CREDIT_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// GB 32100 from its definition: weights 3^(i-1) mod 31, and the check makes the sum 0 mod 31.
fn with_credit_check(first17: &str) -> String {
    let value = |c: char| CREDIT_ALPHABET.find(c).expect("in the alphabet") as u64;
    let mut weight = 1u64;
    let mut sum = 0u64;
    for c in first17.chars() {
        sum += value(c) * weight;
        weight = weight * 3 % 31;
    }
    let check = CREDIT_ALPHABET.as_bytes()[((31 - sum % 31) % 31) as usize] as char;
    format!("{first17}{check}")
}

#[test]
fn the_test_helpers_agree_with_the_standards_examples() {
    assert_eq!(with_id_check("11010519491231002"), "11010519491231002X");
    assert_eq!(with_id_check("11010120000101001"), "110101200001010010");
    assert_eq!(with_credit_check("91350100M000100Y4"), "91350100M000100Y43");
    assert_eq!(with_credit_check("91110108MA01A2B32"), "91110108MA01A2B32G");
}

// ---------------------------------------------------------------------------------------------
// Resident identity card number

/// `Ok(normalised)` or `Err(code)`.
fn check_id(input: &str, want: Result<&str, &str>) {
    let got = ResidentId::parse(input, today());
    let got = got.as_ref().map(ResidentId::as_str).map_err(|e| e.code());
    assert_eq!(got, want, "{input:?}");
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
        "110105\u{3000}19491231\u{A0}002X\t",
        Ok("11010519491231002X"),
    );
    check_id("110105–19491231—002X", Ok("11010519491231002X"));
    check_id(
        "１１０１０５１９４９１２３１００２Ｘ",
        Ok("11010519491231002X"),
    );
    check_id(
        "１１０１０５１９４９１２３１００２ｘ",
        Ok("11010519491231002X"),
    );
    check_id("110105－19491231－002x", Ok("11010519491231002X"));

    // Shape.
    check_id("", Err("id_number.empty"));
    check_id(" \u{3000}- ", Err("id_number.empty"));
    check_id("11010519491231002", Err("id_number.length"));
    check_id("11010519491231002XX", Err("id_number.length"));
    check_id("110105194912310", Err("id_number.length"));
    check_id("1101051949123100A2", Err("id_number.format"));
    check_id("X10105194912310020", Err("id_number.format"));
    check_id("11010519491231002Y", Err("id_number.format"));
    check_id("11010519491231002中", Err("id_number.format"));
    check_id("中10105194912310020", Err("id_number.format"));
    check_id("11010519491231002.", Err("id_number.format"));

    // The foreigner's permanent residence card (9 + issuing province): another document type.
    check_id(
        &with_id_check("93301019900101001"),
        Err("id_number.foreigner_permit"),
    );
    check_id(
        &with_id_check("91115619900101001"),
        Err("id_number.foreigner_permit"),
    );
    // A leading 9 whose next two digits are no province is a typo in the province.
    check_id(
        &with_id_check("99101019900101001"),
        Err("id_number.province"),
    );
    check_id(
        &with_id_check("90101019900101001"),
        Err("id_number.province"),
    );

    // Provinces: every one in the list, and some that are not.
    for province in PROVINCES {
        let id = with_id_check(&format!("{province}010119900101001"));
        check_id(&id, Ok(&id));
    }
    for province in [
        "00", "10", "16", "20", "24", "30", "38", "40", "47", "55", "60", "66",
    ] {
        let id = with_id_check(&format!("{province}010119900101001"));
        check_id(&id, Err("id_number.province"));
    }
    for province in ["70", "72", "80", "84", "88"] {
        let id = with_id_check(&format!("{province}000019900101001"));
        check_id(&id, Err("id_number.province"));
    }

    // Residence permits of Hong Kong, Macao and Taiwan residents.
    for prefix in ["81", "82", "83"] {
        let id = with_id_check(&format!("{prefix}000019900101001"));
        check_id(&id, Ok(&id));
    }

    // Counties that no longer exist: their holders keep their numbers. 110103 Chongwen and
    // 110104 Xuanwu (Beijing, merged 2010), 330103 Xiacheng (Hangzhou, merged 2021).
    for county in ["110103", "110104", "330103"] {
        let id = with_id_check(&format!("{county}19800101001"));
        check_id(&id, Ok(&id));
    }
    // Nor is a county that never existed refused: only the province is checked.
    let unknown_county = with_id_check("11999919800101001");
    check_id(&unknown_county, Ok(&unknown_county));

    // Birth dates: leap days, real dates, future, too early.
    let leap = with_id_check("33010620000229002");
    check_id(&leap, Ok(&leap));
    let leap_2024 = with_id_check("33010620240229002");
    check_id(&leap_2024, Ok(&leap_2024));
    check_id(
        &with_id_check("33010620010229002"),
        Err("id_number.birth_date"),
    );
    check_id(
        &with_id_check("33010619000229002"),
        Err("id_number.birth_date"),
    );
    check_id(
        &with_id_check("33010619901301002"),
        Err("id_number.birth_date"),
    );
    check_id(
        &with_id_check("33010619900001002"),
        Err("id_number.birth_date"),
    );
    check_id(
        &with_id_check("33010619900431002"),
        Err("id_number.birth_date"),
    );
    check_id(
        &with_id_check("33010619900100002"),
        Err("id_number.birth_date"),
    );
    check_id(
        &with_id_check("33010620261124002"),
        Err("id_number.birth_future"),
    );
    check_id(
        &with_id_check("33010630000101002"),
        Err("id_number.birth_future"),
    );
    let born_today = with_id_check("33010620261123002");
    check_id(&born_today, Ok(&born_today));
    check_id(
        &with_id_check("33010617991231002"),
        Err("id_number.birth_too_early"),
    );
    check_id(
        &with_id_check("33010600000101002"),
        Err("id_number.birth_too_early"),
    );
    let oldest = with_id_check("33010618000101002");
    check_id(&oldest, Ok(&oldest));

    // The order of the checks: the first rule broken is the one reported.
    check_id("9910101990010100", Err("id_number.length"));
    check_id("99101019900101001A", Err("id_number.format"));
    check_id("933010199001010011", Err("id_number.foreigner_permit"));
    check_id("991010199001010011", Err("id_number.province"));
    check_id("110101200002300011", Err("id_number.birth_date"));
    check_id("110101179912310011", Err("id_number.birth_too_early"));
    check_id("110101202611240011", Err("id_number.birth_future"));
}

/// The facts the forms derive from a valid number.
fn check_derived(id: &str, birth: &str, age: u32, sex: Sex, province: &str) {
    let parsed = ResidentId::parse(id, today()).unwrap();
    assert_eq!(parsed.birth_date(), date(birth), "{id}");
    assert_eq!(parsed.age_on(today()), age, "{id}");
    assert_eq!(parsed.sex(), sex, "{id}");
    assert_eq!(parsed.province_code(), province, "{id}");
    assert_eq!(parsed.to_string(), id);
}

#[test]
fn resident_id_derived_facts() {
    check_derived("11010519491231002X", "1949-12-31", 76, Sex::Female, "11");
    check_derived("110101200001010010", "2000-01-01", 26, Sex::Male, "11");
    check_derived(
        &with_id_check("33010620081123001"),
        "2008-11-23",
        18,
        Sex::Male,
        "33",
    );
    check_derived(
        &with_id_check("33010620081124009"),
        "2008-11-24",
        17,
        Sex::Male,
        "33",
    );
    check_derived(
        &with_id_check("81000020000229008"),
        "2000-02-29",
        26,
        Sex::Female,
        "81",
    );
    check_derived(
        &with_id_check("33010620261123002"),
        "2026-11-23",
        0,
        Sex::Female,
        "33",
    );

    // Age on another day than the one parsed against.
    let eighteen = ResidentId::parse(&with_id_check("33010620081123001"), today()).unwrap();
    assert_eq!(eighteen.age_on(today().add_days(-1)), 17);
    assert_eq!(eighteen.age_on(date("2030-01-01")), 21);
    // A leap-day birthday is reached on 1 March in common years.
    let leap = ResidentId::parse(&with_id_check("33010620080229002"), today()).unwrap();
    assert_eq!(leap.age_on(date("2026-02-28")), 17);
    assert_eq!(leap.age_on(date("2026-03-01")), 18);
}

// ---------------------------------------------------------------------------------------------
// Unified social credit code

fn check_credit(input: &str, want: Result<&str, &str>) {
    let got = CreditCode::parse(input);
    let got = got.as_ref().map(CreditCode::as_str).map_err(|e| e.code());
    assert_eq!(got, want, "{input:?}");
}

#[test]
fn credit_code_rules() {
    // The examples of identifiers.md.
    check_credit("91350100M000100Y43", Ok("91350100M000100Y43"));
    check_credit("91110108MA01A2B32G", Ok("91110108MA01A2B32G"));
    check_credit("91110108MA01A2B3XI", Err("credit_code.charset"));
    check_credit("9111A108MA01A2B32C", Err("credit_code.division"));

    // Normalisation.
    check_credit("91110108ma01a2b32g", Ok("91110108MA01A2B32G"));
    check_credit(" 9111 0108-MA01 A2B3 2G ", Ok("91110108MA01A2B32G"));
    check_credit(
        "９１１１０１０８ＭＡ０１Ａ２Ｂ３２Ｇ",
        Ok("91110108MA01A2B32G"),
    );
    check_credit(
        "９１１１０１０８ｍａ０１ａ２ｂ３２ｇ",
        Ok("91110108MA01A2B32G"),
    );

    // Shape and alphabet.
    check_credit("", Err("credit_code.empty"));
    check_credit("  ", Err("credit_code.empty"));
    check_credit("91110108MA01A2B32", Err("credit_code.length"));
    check_credit("91110108MA01A2B32GG", Err("credit_code.length"));
    for banned in ['I', 'O', 'Z', 'S', 'V', '中', '.'] {
        check_credit(
            &format!("91110108MA01A2B32{banned}"),
            Err("credit_code.charset"),
        );
        check_credit(
            &format!("{banned}1110108MA01A2B32G"),
            Err("credit_code.charset"),
        );
    }

    // Letters are allowed in positions 1 and 2 (N, Y, A exist).
    for first2 in ["N1", "N2", "Y1", "A1", "51", "12", "93", "92", "9A", "1Y"] {
        let code = with_credit_check(&format!("{first2}330106MA2H1X2Y3"));
        check_credit(&code, Ok(&code));
    }
    // Registration authority: 1-9, A, N, Y only.
    for first in ["0", "B", "C", "M", "X"] {
        let code = with_credit_check(&format!("{first}1330106MA2H1X2Y3"));
        check_credit(&code, Err("credit_code.authority"));
    }
    // Division code: positions 3-8 digits.
    for division in ["A30106", "33010Y", "3301N6"] {
        let code = with_credit_check(&format!("91{division}MA2H1X2Y3"));
        check_credit(&code, Err("credit_code.division"));
    }
    check_credit("91110108MA01A2B32H", Err("credit_code.checksum"));
    check_credit("91350100M000100Y44", Err("credit_code.checksum"));
}

// ---------------------------------------------------------------------------------------------
// Mobile number and postal code

fn check_mobile(input: &str, want: Result<&str, &str>) {
    let got = MobileNumber::parse(input);
    let got = got.as_ref().map(MobileNumber::as_str).map_err(|e| e.code());
    assert_eq!(got, want, "{input:?}");
}

#[test]
fn mobile_rules() {
    check_mobile("13800138000", Ok("13800138000"));
    check_mobile("19912345678", Ok("19912345678"));
    check_mobile(" 138 0013 8000 ", Ok("13800138000"));
    check_mobile("138-0013-8000", Ok("13800138000"));
    check_mobile("１３８００１３８０００", Ok("13800138000"));
    // Country code in its written forms.
    check_mobile("+86 138-0013-8000", Ok("13800138000"));
    check_mobile("+8613800138000", Ok("13800138000"));
    check_mobile("0086 19912345678", Ok("19912345678"));
    check_mobile("＋８６１３８００１３８０００", Ok("13800138000"));
    check_mobile("００８６１３８００１３８０００", Ok("13800138000"));
    check_mobile("+86", Err("mobile.empty"));
    // Only a leading country code goes, and only China's.
    check_mobile("8613800138000", Err("mobile.format"));
    check_mobile("+1 2025550123", Err("mobile.format"));
    check_mobile("138+8600138000", Err("mobile.format"));
    check_mobile("", Err("mobile.empty"));
    check_mobile("1380013800", Err("mobile.format"));
    check_mobile("138001380001", Err("mobile.format"));
    check_mobile("1380013800a", Err("mobile.format"));
    check_mobile("(138)00138000", Err("mobile.format"));
    check_mobile("1380013800中", Err("mobile.format"));
    for prefix in ["10", "11", "12", "23", "03"] {
        check_mobile(&format!("{prefix}800138000"), Err("mobile.prefix"));
    }
    for prefix in ["13", "14", "15", "16", "17", "18", "19"] {
        let number = format!("{prefix}800138000");
        check_mobile(&number, Ok(&number));
    }
}

fn check_postal(input: &str, want: Result<&str, &str>) {
    let got = PostalCode::parse(input);
    let got = got.as_ref().map(PostalCode::as_str).map_err(|e| e.code());
    assert_eq!(got, want, "{input:?}");
}

#[test]
fn postal_code_rules() {
    check_postal("310006", Ok("310006"));
    check_postal(" 310 006 ", Ok("310006"));
    check_postal("３１０００６", Ok("310006"));
    check_postal("000000", Ok("000000"));
    check_postal("", Err("postal_code.empty"));
    check_postal("31000", Err("postal_code.format"));
    check_postal("3100061", Err("postal_code.format"));
    check_postal("31000A", Err("postal_code.format"));
    check_postal("31000中", Err("postal_code.format"));
}

// ---------------------------------------------------------------------------------------------
// Enterprise name

/// `Ok(needs_review)` or `Err(code)`; an accepted name is stored trimmed, otherwise as typed.
fn check_company(input: &str, want: Result<bool, &str>) {
    let got = CompanyName::parse(input);
    if let Ok(name) = &got {
        assert_eq!(name.as_str(), input.trim());
        assert_eq!(name.to_string(), input.trim());
    }
    let got = got.map(|n| n.needs_review()).map_err(|e| e.code());
    assert_eq!(got, want, "{input:?}");
}

#[test]
fn company_name_rules() {
    // The examples of identifiers.md.
    check_company("杭州市云帆信息科技有限公司", Ok(false));
    check_company("云帆（杭州）信息科技有限公司", Ok(false));
    check_company("中国云帆科技有限公司", Ok(true));

    // Each company form, trimmed input.
    check_company("浙江云帆股份有限公司", Ok(false));
    check_company("杭州云帆有限责任公司", Ok(false));
    check_company("  杭州云帆有限公司\u{3000}", Ok(false));
    check_company("云帆科技（杭州）有限公司", Ok(false));
    check_company("云帆（杭州）有限公司", Ok(false));

    // Higher approval: flagged, not refused.
    check_company("中华云帆科技有限公司", Ok(true));
    check_company("全国云帆科技有限公司", Ok(true));
    check_company("杭州中国云帆科技有限公司", Ok(false));

    // Length, counted in characters.
    check_company("", Err("company_name.empty"));
    check_company(" \u{3000} ", Err("company_name.empty"));
    check_company(&format!("杭州{}有限公司", "云".repeat(44)), Ok(false));
    check_company(
        &format!("杭州{}有限公司", "云".repeat(45)),
        Err("company_name.too_long"),
    );

    // Characters: no Latin letters, digits, punctuation or spaces.
    check_company("杭州云帆IT科技有限公司", Err("company_name.chars"));
    check_company("杭州云帆ＩＴ科技有限公司", Err("company_name.chars"));
    check_company("杭州云帆2号科技有限公司", Err("company_name.chars"));
    check_company("杭州云帆２号科技有限公司", Err("company_name.chars"));
    check_company("杭州云帆·科技有限公司", Err("company_name.chars"));
    check_company("杭州云帆，科技有限公司", Err("company_name.chars"));
    check_company("杭州 云帆科技有限公司", Err("company_name.chars"));
    check_company("杭州云帆【科技】有限公司", Err("company_name.chars"));
    check_company("杭州云帆𠀀科技有限公司", Err("company_name.chars"));

    // Brackets.
    check_company(
        "云帆(杭州)信息科技有限公司",
        Err("company_name.half_width_brackets"),
    );
    check_company(
        "云帆(杭州）信息科技有限公司",
        Err("company_name.half_width_brackets"),
    );
    check_company("云帆（杭州信息科技有限公司", Err("company_name.brackets"));
    check_company("云帆杭州）信息科技有限公司", Err("company_name.brackets"));
    check_company("云帆）杭州（信息科技有限公司", Err("company_name.brackets"));
    check_company("云帆（）信息科技有限公司", Err("company_name.brackets"));
    check_company(
        "云帆（杭州）（浙江）科技有限公司",
        Err("company_name.brackets"),
    );
    check_company("云帆（杭（州））科技有限公司", Err("company_name.brackets"));

    // Company form at the end.
    check_company("杭州市云帆信息科技", Err("company_name.form"));
    check_company("杭州市云帆信息科技合伙企业", Err("company_name.form"));
    check_company("杭州市云帆信息科技有限公司分公司", Err("company_name.form"));
    check_company("杭州市云帆信息科技公司", Err("company_name.form"));

    // Trade name of at least two characters.
    check_company("杭州云有限公司", Err("company_name.trade_name"));
    check_company("有限公司", Err("company_name.trade_name"));
    check_company("云（杭州）科技有限公司", Err("company_name.trade_name"));
    check_company("（杭州）云帆科技有限公司", Err("company_name.trade_name"));
    // Longest form first: 股份有限公司 leaves 浙江云, too short, not 浙江云股份.
    check_company("浙江云股份有限公司", Err("company_name.trade_name"));
    check_company("浙江云有限责任公司", Err("company_name.trade_name"));
}

// ---------------------------------------------------------------------------------------------
// Normalisation, codes and masking

fn check_normalize(input: &str, want: &str) {
    assert_eq!(normalize(input), want, "{input:?}");
}

#[test]
fn normalisation() {
    check_normalize("  ａｂ－１２\u{3000}３ ", "AB123");
    check_normalize("０１２３４５６７８９", "0123456789");
    check_normalize("ＡＢＣＸＹＺａｂｃｘｙｚ", "ABCXYZABCXYZ");
    check_normalize("abc xyz", "ABCXYZ");
    check_normalize("1\t2\u{A0}3\u{3000}4", "1234");
    check_normalize("1-2\u{2010}3\u{2011}4\u{2012}5–6—7－8", "12345678");
    check_normalize("\u{3000} 12 \u{3000}", "12");
    // Other characters stay, so the checks can name them.
    check_normalize("1_2.3＋4（5）", "1_2.3＋4（5）");
    check_normalize("身份证", "身份证");
    check_normalize("", "");
}

#[test]
fn every_code_is_listed_once() {
    let codes = all_codes();
    assert_eq!(codes.len(), 9 + 6 + 3 + 2 + 7);
    let mut unique = codes.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), codes.len(), "duplicate codes");
    for code in &codes {
        let (kind, rule) = code.split_once('.').expect("dotted");
        let lowercase =
            |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
        assert!(lowercase(kind) && lowercase(rule), "{code}");
    }
    let prefixed = |prefix: &str, list: Vec<&'static str>| {
        assert!(list.iter().all(|c| c.starts_with(prefix)), "{list:?}");
        list
    };
    let from_all: Vec<&str> = [
        prefixed(
            "id_number.",
            IdNumberError::ALL.iter().map(|e| e.code()).collect(),
        ),
        prefixed(
            "credit_code.",
            CreditCodeError::ALL.iter().map(|e| e.code()).collect(),
        ),
        prefixed(
            "mobile.",
            MobileError::ALL.iter().map(|e| e.code()).collect(),
        ),
        prefixed(
            "postal_code.",
            PostalCodeError::ALL.iter().map(|e| e.code()).collect(),
        ),
        prefixed(
            "company_name.",
            CompanyNameError::ALL.iter().map(|e| e.code()).collect(),
        ),
    ]
    .concat();
    assert_eq!(from_all, codes);
    // The crate-wide list (which adds other modules' codes) includes every identifier code.
    let crate_codes = onetrip_domain::all_codes();
    assert!(codes.iter().all(|c| crate_codes.contains(c)));
    // Display is the code, so logs and answers carry the same text.
    assert_eq!(IdNumberError::Checksum.to_string(), "id_number.checksum");
}

fn check_mask(id_or_phone: &str, id: &str, phone: &str) {
    assert_eq!(mask_id(id_or_phone), id, "mask_id({id_or_phone:?})");
    assert_eq!(
        mask_phone(id_or_phone),
        phone,
        "mask_phone({id_or_phone:?})"
    );
}

#[test]
fn masking() {
    check_mask(
        "11010519491231002X",
        "1****************X",
        "****************2X",
    );
    check_mask("13812345678", "1*********8", "138****5678");
    check_mask("1381234567", "1********7", "********67");
    check_mask("+8613812345678", "+************8", "************78");
    check_mask("ab", "**", "ab");
    check_mask("a", "*", "a");
    check_mask("", "", "");
    check_mask("张三丰", "张*丰", "*三丰");
    check_mask("１３８１２３４５６７８", "１*********８", "*********７８");
}

// ---------------------------------------------------------------------------------------------
// Property figures

/// A tiny deterministic generator (xorshift64), so the property test needs no crate and always
/// checks the same numbers.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Slightly biased for large `n`; irrelevant for picking test data.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

const PROVINCES: [&str; 35] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
    "81", "82", "83",
];

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
    const COUNT: usize = 2000;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);

    let first_day = date("1900-01-01").to_days();
    let last_day = date("2020-12-31").to_days();
    let (mut ids, mut id_mutations) = (0, 0);
    for _ in 0..COUNT {
        let province = rng.pick(&PROVINCES);
        let birth =
            CivilDate::from_days(first_day + rng.below((last_day - first_day + 1) as u64) as i64);
        let first17 = format!(
            "{province}{:04}{:04}{:02}{:02}{:03}",
            rng.below(10_000),
            birth.year(),
            birth.month(),
            birth.day(),
            rng.below(1000)
        );
        let id = with_id_check(&first17);
        let parsed = ResidentId::parse(&id, today()).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(parsed.birth_date(), birth, "{id}");
        ids += 1;
        for m in mutations(&id, "0123456789X") {
            assert!(
                ResidentId::parse(&m, today()).is_err(),
                "{id} -> {m} accepted"
            );
            id_mutations += 1;
        }
    }

    let alphabet: Vec<char> = CREDIT_ALPHABET.chars().collect();
    let authorities: Vec<char> = "123456789ANY".chars().collect();
    let (mut codes, mut code_mutations) = (0, 0);
    for _ in 0..COUNT {
        let first = rng.pick(&authorities);
        let second = rng.pick(&alphabet);
        let division = format!("{:06}", rng.below(1_000_000));
        let organisation: String = (0..9).map(|_| rng.pick(&alphabet)).collect();
        let code = with_credit_check(&format!("{first}{second}{division}{organisation}"));
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
    assert_eq!((ids, codes), (COUNT, COUNT));
    // Each number: 18 positions x every other symbol (10 for IDs, 30 for codes), plus swaps.
    assert!(id_mutations >= COUNT * 180, "{id_mutations}");
    assert!(code_mutations >= COUNT * 18 * 30, "{code_mutations}");
}
