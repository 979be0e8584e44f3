//! Property-based fuzz targets (issue 9, "Hostile input") for the pure rules that read what
//! people type and what they upload: the identifier checks and masking, and the pre-review of
//! files (sniffing, dimensions, page hints, `review`).
//!
//! Each target runs its own number of cases (`PROPTEST_CASES` overrides it for every target)
//! from a fixed seed per target (`PROPTEST_RNG_SEED` overrides it), and prints one line
//! `FUZZ <target> cases=<n> crashes=<0|1> seconds=<s> seed=<seed>`; `cargo xtask` reads those.
//! A panic anywhere in the code under test is caught, shrunk and reported as a crash, as is a
//! property that does not hold.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::time::Instant;

use onetrip_domain::CivilDate;
use onetrip_domain::catalog::FileType;
use onetrip_domain::files::{
    self, FileFacts, FileRules, Severity, brightness, declared_type, jpeg_dimensions,
    pdf_page_count_hint, png_dimensions, review, sharpness, sniff,
};
use onetrip_domain::ident::{
    CompanyName, CreditCode, IdNumberError, MobileNumber, PostalCode, ResidentId, all_codes,
    normalize,
};
use onetrip_domain::mask::{mask_id, mask_name, mask_phone};
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};

// ---------------------------------------------------------------------------------------------
// The harness

/// Run one target and print its FUZZ line; panics with the smallest failing input.
fn fuzz<S: Strategy>(
    target: &str,
    default_cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    // `Config::default()` reads PROPTEST_CASES and PROPTEST_RNG_SEED.
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = default_cases;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(seed_of(target));
    }
    // No regression files written into the source tree: the FUZZ line names the seed.
    config.failure_persistence = None;
    let seed = match config.rng_seed {
        RngSeed::Fixed(s) => s.to_string(),
        RngSeed::Random => "random".to_owned(),
    };
    let runs = Cell::new(0u32);
    let start = Instant::now();
    let result = TestRunner::new(config).run(&strategy, |value| {
        runs.set(runs.get() + 1);
        test(value)
    });
    let seconds = start.elapsed().as_secs_f64();
    let crashes = u32::from(result.is_err());
    println!(
        "FUZZ {target} cases={} crashes={crashes} seconds={seconds:.2} seed={seed}",
        runs.get()
    );
    if let Err(e) = result {
        panic!("fuzz target {target} failed (seed {seed}): {e}");
    }
}

/// Counts of what the cases met, printed as `INPUTS <target> what=n ...` after the FUZZ line.
#[derive(Default)]
struct Tally(RefCell<BTreeMap<&'static str, u32>>);

impl Tally {
    fn add(&self, what: &'static str) {
        *self.0.borrow_mut().entry(what).or_default() += 1;
    }

    fn print(&self, target: &str) {
        let counts: Vec<String> = self
            .0
            .borrow()
            .iter()
            .map(|(what, n)| format!("{what}={n}"))
            .collect();
        println!("INPUTS {target} {}", counts.join(" "));
    }
}

/// FNV-1a of the target's name: each target its own fixed seed.
fn seed_of(target: &str) -> u64 {
    target.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

// ---------------------------------------------------------------------------------------------
// Identifiers, from the rules of shared/identifiers.md (computed here, not by the crate)

const PROVINCES: [&str; 35] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
    "81", "82", "83",
];
const CREDIT_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const AUTHORITIES: &str = "123456789ANY";

/// The check character of an 18-character resident ID, from the weights 2^(17-i) mod 11.
fn id_check(first17: &str) -> char {
    let sum: u64 = first17
        .bytes()
        .enumerate()
        .map(|(i, d)| u64::from(d - b'0') * ((1u64 << (17 - i)) % 11))
        .sum();
    b"10X98765432"[(sum % 11) as usize] as char
}

/// The check character of a credit code, from the weights 3^(i-1) mod 31.
fn credit_check(first17: &str) -> char {
    let (mut sum, mut weight) = (0u64, 1u64);
    for c in first17.chars() {
        sum += CREDIT_ALPHABET.find(c).expect("in the alphabet") as u64 * weight;
        weight = weight * 3 % 31;
    }
    CREDIT_ALPHABET.as_bytes()[((31 - sum % 31) % 31) as usize] as char
}

/// A mainland mobile number as the rules define it, or `None`.
fn mobile_oracle(input: &str) -> Option<String> {
    let n = normalize(input);
    let s = ["+86", "\u{FF0B}86", "0086"]
        .iter()
        .find_map(|p| n.strip_prefix(p))
        .unwrap_or(&n);
    let b = s.as_bytes();
    let ok = b.len() == 11
        && b.iter().all(u8::is_ascii_digit)
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1]);
    ok.then(|| s.to_owned())
}

/// A postal code as the rules define it, or `None`.
fn postal_oracle(input: &str) -> Option<String> {
    let n = normalize(input);
    (n.len() == 6 && n.bytes().all(|b| b.is_ascii_digit())).then_some(n)
}

/// Characters people type into identifier boxes, and some they should not.
const TYPED: &[char] = &[
    '0',
    '1',
    '2',
    '3',
    '4',
    '5',
    '6',
    '7',
    '8',
    '9',
    'X',
    'x',
    'A',
    'N',
    'Y',
    'I',
    'O',
    'Z',
    'S',
    'V',
    'm',
    '０',
    '１',
    '９',
    'Ｘ',
    'ｘ',
    'Ａ',
    ' ',
    '\t',
    '\n',
    '\u{3000}',
    '\u{A0}',
    '-',
    '‐',
    '–',
    '—',
    '－',
    '+',
    '＋',
    '.',
    '(',
    ')',
    '（',
    '）',
    '有',
    '限',
    '公',
    '司',
    '杭',
    '州',
    '中',
    '国',
    'é',
    '\u{301}',
    '\u{200B}',
    '\u{FEFF}',
    '👍',
    '\0',
    '\u{10FFFF}',
];

/// Pieces of enterprise names, valid and not.
const NAME_PIECES: &[&str] = &[
    "杭州",
    "杭州市",
    "云帆",
    "信息",
    "科技",
    "有限公司",
    "股份有限公司",
    "有限责任公司",
    "（",
    "）",
    "(",
    ")",
    "中国",
    "中华",
    "全国",
    "a",
    "1",
    " ",
    "　",
    "公司",
    "𠀀",
];

/// Separators the normalisation drops.
const SEPARATORS: [char; 8] = [
    ' ', '\t', '\u{3000}', '\u{A0}', '-', '\u{2010}', '\u{2014}', '\u{FF0D}',
];

fn full_width(c: char) -> char {
    if c.is_ascii_alphanumeric() {
        char::from_u32(u32::from(c) + 0xFEE0).unwrap_or(c)
    } else {
        c
    }
}

/// A valid identifier as people might type it: characters in full width or lowercase,
/// separators between them, white space around. Normalises back to `plain`.
fn decorate(plain: &str, decor: &[u8]) -> String {
    let mut out = String::new();
    if decor.first().is_some_and(|d| d & 0x40 != 0) {
        out.push_str(" \u{3000}");
    }
    for (c, &d) in plain.chars().zip(decor.iter().cycle()) {
        let c = if d & 2 != 0 {
            c.to_ascii_lowercase()
        } else {
            c
        };
        out.push(if d & 1 != 0 { full_width(c) } else { c });
        if d & 0x20 != 0 {
            out.push(SEPARATORS[usize::from((d >> 2) & 7)]);
        }
    }
    if decor.last().is_some_and(|d| d & 0x80 != 0) {
        out.push_str("\t\n");
    }
    out
}

/// One typo: a character replaced, inserted, deleted, or two neighbours swapped.
#[derive(Debug, Clone)]
enum Typo {
    Replace(Index, char),
    Insert(Index, char),
    Delete(Index),
    Swap(Index),
}

fn typo() -> impl Strategy<Value = Typo> {
    let ch = prop_oneof![3 => select(TYPED), 1 => any::<char>()];
    prop_oneof![
        3 => (any::<Index>(), ch.clone()).prop_map(|(i, c)| Typo::Replace(i, c)),
        1 => (any::<Index>(), ch).prop_map(|(i, c)| Typo::Insert(i, c)),
        1 => any::<Index>().prop_map(Typo::Delete),
        2 => any::<Index>().prop_map(Typo::Swap),
    ]
}

fn apply_typo(s: &str, typo: &Typo) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    match typo {
        Typo::Replace(i, c) if !chars.is_empty() => {
            let i = i.index(chars.len());
            chars[i] = *c;
        }
        Typo::Insert(i, c) => {
            let i = i.index(chars.len() + 1);
            chars.insert(i, *c);
        }
        Typo::Delete(i) if !chars.is_empty() => {
            chars.remove(i.index(chars.len()));
        }
        Typo::Swap(i) if chars.len() >= 2 => {
            let i = i.index(chars.len() - 1);
            chars.swap(i, i + 1);
        }
        _ => {}
    }
    chars.into_iter().collect()
}

fn date_in(from: &str, to: &str) -> impl Strategy<Value = CivilDate> + Clone {
    let from: CivilDate = from.parse().expect("a date");
    let to: CivilDate = to.parse().expect("a date");
    (from.to_days()..=to.to_days()).prop_map(CivilDate::from_days)
}

/// Masks keep only what GB/T 35273 allows: of an ID the first and last character (nothing of
/// two or fewer), of a phone the first three and last four of a mobile number, else the last
/// two, of a name the first character (nothing of one alone). Every other one is `*`.
fn check_masks(s: &str) -> Result<(), TestCaseError> {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    let kept_only = |masked: &str, original: &[char], keep: &dyn Fn(usize) -> bool| {
        let m: Vec<char> = masked.chars().collect();
        m.len() == original.len()
            && m.iter()
                .zip(original)
                .enumerate()
                .all(|(i, (&c, &o))| c == '*' || (keep(i) && c == o))
    };
    let id = mask_id(s);
    prop_assert!(
        kept_only(&id, &chars, &|i| n > 2 && (i == 0 || i == n - 1)),
        "mask_id({s:?}) = {id:?}"
    );
    let mobile = n == 11 && chars.iter().all(char::is_ascii_digit);
    let phone = mask_phone(s);
    prop_assert!(
        kept_only(&phone, &chars, &|i| if mobile {
            !(3..7).contains(&i)
        } else {
            i + 2 >= n
        }),
        "mask_phone({s:?}) = {phone:?}"
    );
    let trimmed: Vec<char> = s.trim().chars().collect();
    let name = mask_name(s);
    prop_assert!(
        kept_only(&name, &trimmed, &|i| i == 0 && trimmed.len() > 1),
        "mask_name({s:?}) = {name:?}"
    );
    Ok(())
}

/// Anything: arbitrary Unicode, strings of the characters people type, names from pieces.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => any::<String>(),
        3 => prop::collection::vec(select(TYPED), 0..40).prop_map(|v| v.into_iter().collect()),
        1 => prop::collection::vec(select(NAME_PIECES), 0..12).prop_map(|v| v.concat()),
        // Valid identifiers as typed, most with a typo.
        2 => (typed(), 0usize..4, any::<bool>()).prop_map(|(t, kind, typo)| {
            let plain = [&t.id, &t.credit, &t.mobile, &t.postal][kind];
            let typed = decorate(plain, &t.decor);
            if typo { apply_typo(&typed, &t.typo) } else { typed }
        }),
    ]
}

#[test]
fn fuzz_identifiers_arbitrary() {
    let codes = all_codes();
    let strategy = (any_text(), date_in("1700-01-01", "2200-12-31"));
    let tally = Tally::default();
    fuzz("ident_arbitrary", 20000, strategy, |(s, today)| {
        match ResidentId::parse(&s, today) {
            Ok(id) => {
                tally.add("id_ok");
                let v = id.as_str();
                prop_assert_eq!(v, normalize(&s));
                prop_assert!(v.len() == 18 && v.is_ascii());
                prop_assert!(PROVINCES.contains(&id.province_code()));
                prop_assert_eq!(v.chars().last(), Some(id_check(&v[..17])));
                let birth = id.birth_date();
                prop_assert!(birth <= today && birth >= "1800-01-01".parse().unwrap());
                let _ = (id.sex(), id.age_on(today));
                prop_assert_eq!(ResidentId::parse(v, today), Ok(id.clone()));
            }
            Err(e) => prop_assert!(codes.contains(&e.code())),
        }
        match CreditCode::parse(&s) {
            Ok(code) => {
                tally.add("credit_ok");
                let v = code.as_str();
                prop_assert_eq!(v, normalize(&s));
                prop_assert!(v.len() == 18 && v.chars().all(|c| CREDIT_ALPHABET.contains(c)));
                prop_assert!(AUTHORITIES.contains(&v[..1]));
                prop_assert!(v[2..8].bytes().all(|b| b.is_ascii_digit()));
                prop_assert_eq!(v.chars().last(), Some(credit_check(&v[..17])));
            }
            Err(e) => prop_assert!(codes.contains(&e.code())),
        }
        let mobile = MobileNumber::parse(&s);
        if mobile.is_ok() {
            tally.add("mobile_ok");
        }
        prop_assert_eq!(
            mobile.ok().map(|m| m.as_str().to_owned()),
            mobile_oracle(&s)
        );
        let postal = PostalCode::parse(&s);
        if postal.is_ok() {
            tally.add("postal_ok");
        }
        prop_assert_eq!(
            postal.ok().map(|p| p.as_str().to_owned()),
            postal_oracle(&s)
        );
        match CompanyName::parse(&s) {
            Ok(name) => {
                tally.add("company_ok");
                let v = name.as_str();
                prop_assert_eq!(v, s.trim());
                prop_assert!(v.chars().count() <= 50);
                let standard = |c: char| ('\u{4E00}'..='\u{9FFF}').contains(&c);
                prop_assert!(
                    v.chars().all(|c| standard(c) || "（）".contains(c)),
                    "{:?}",
                    v
                );
                prop_assert!(["有限公司", "有限责任公司"].iter().any(|f| v.ends_with(f)));
                let review = ["中国", "中华", "全国"].iter().any(|p| v.starts_with(p));
                prop_assert_eq!(name.needs_review(), review);
            }
            Err(e) => prop_assert!(codes.contains(&e.code())),
        }
        check_masks(&s)
    });
    tally.print("ident_arbitrary");
}

/// A made-up identifier of each kind, how it is typed, and one typo in it.
#[derive(Debug, Clone)]
struct Typed {
    id: String,
    birth: CivilDate,
    today: CivilDate,
    credit: String,
    mobile: String,
    postal: String,
    decor: Vec<u8>,
    mobile_prefix: &'static str,
    typo: Typo,
}

fn typed() -> impl Strategy<Value = Typed> {
    let id = (
        select(&PROVINCES[..]),
        0u32..10_000,
        date_in("1700-01-01", "2100-12-31"),
        0u32..1000,
        -3650i64..60_000,
    );
    let credit = (
        select(AUTHORITIES.chars().collect::<Vec<_>>()),
        select(CREDIT_ALPHABET.chars().collect::<Vec<_>>()),
        0u32..1_000_000,
        prop::collection::vec(select(CREDIT_ALPHABET.chars().collect::<Vec<_>>()), 9),
    );
    let mobile = (3u8..=9, 0u64..1_000_000_000);
    (
        id,
        credit,
        mobile,
        0u32..1_000_000,
        prop::collection::vec(any::<u8>(), 18),
        select(&["", "+86", "\u{FF0B}86", "0086", "+86 ", "＋８６"][..]),
        typo(),
    )
        .prop_map(
            |((province, county, birth, seq, age), credit, mobile, postal, decor, prefix, typo)| {
                let first17 = format!(
                    "{province}{county:04}{:04}{:02}{:02}{seq:03}",
                    birth.year(),
                    birth.month(),
                    birth.day()
                );
                let (authority, category, division, organisation) = credit;
                let organisation: String = organisation.into_iter().collect();
                let credit17 = format!("{authority}{category}{division:06}{organisation}");
                Typed {
                    id: format!("{first17}{}", id_check(&first17)),
                    birth,
                    today: birth.add_days(age),
                    credit: format!("{credit17}{}", credit_check(&credit17)),
                    mobile: format!("1{}{:09}", mobile.0, mobile.1),
                    postal: format!("{postal:06}"),
                    decor,
                    mobile_prefix: prefix,
                    typo,
                }
            },
        )
}

#[test]
fn fuzz_identifiers_valid_and_mistyped() {
    let tally = Tally::default();
    fuzz("ident_valid_typo", 10000, typed(), |t| {
        // As typed: accepted exactly when the rules say, and normalised to the plain number.
        let typed_id = decorate(&t.id, &t.decor);
        let want = if t.birth < "1800-01-01".parse().unwrap() {
            Err(IdNumberError::BirthTooEarly)
        } else if t.birth > t.today {
            Err(IdNumberError::BirthFuture)
        } else {
            Ok(t.id.as_str())
        };
        let got = ResidentId::parse(&typed_id, t.today);
        prop_assert_eq!(got.as_ref().map(ResidentId::as_str).map_err(|e| *e), want);
        tally.add(if got.is_ok() {
            "id_ok"
        } else {
            "id_out_of_range"
        });
        if let Ok(id) = &got {
            prop_assert_eq!(id.birth_date(), t.birth);
            let masked = mask_id(id.as_str());
            prop_assert_eq!(
                masked,
                format!("{}{}{}", &t.id[..1], "*".repeat(16), &t.id[17..])
            );
        }
        let typed_credit = decorate(&t.credit, &t.decor);
        let got = CreditCode::parse(&typed_credit);
        prop_assert_eq!(got.as_ref().map(CreditCode::as_str), Ok(t.credit.as_str()));
        let typed_mobile = format!("{}{}", t.mobile_prefix, decorate(&t.mobile, &t.decor));
        let got = MobileNumber::parse(&typed_mobile);
        prop_assert_eq!(
            got.as_ref().map(MobileNumber::as_str),
            Ok(t.mobile.as_str())
        );
        prop_assert_eq!(
            mask_phone(&t.mobile),
            format!("{}****{}", &t.mobile[..3], &t.mobile[7..])
        );
        let typed_postal = decorate(&t.postal, &t.decor);
        let got = PostalCode::parse(&typed_postal);
        prop_assert_eq!(got.as_ref().map(PostalCode::as_str), Ok(t.postal.as_str()));

        // One typo: a check character catches every single change to what is checked (a typo
        // that only changes the decoration is not a change).
        let mistyped = apply_typo(&typed_id, &t.typo);
        let got = ResidentId::parse(&mistyped, t.today);
        if normalize(&mistyped) == t.id {
            tally.add("typo_harmless");
            prop_assert_eq!(
                got.map(|id| id.as_str().to_owned()).ok(),
                want.ok().map(str::to_owned)
            );
        } else {
            tally.add("typo_caught");
            prop_assert!(got.is_err(), "{typed_id:?} -> {mistyped:?} accepted");
        }
        let mistyped = apply_typo(&typed_credit, &t.typo);
        let got = CreditCode::parse(&mistyped);
        prop_assert_eq!(
            got.is_ok(),
            normalize(&mistyped) == t.credit,
            "{:?}",
            mistyped
        );
        // Mobile numbers and postal codes have no check character: the rules decide.
        let mistyped = apply_typo(&typed_mobile, &t.typo);
        prop_assert_eq!(
            MobileNumber::parse(&mistyped)
                .ok()
                .map(|m| m.as_str().to_owned()),
            mobile_oracle(&mistyped)
        );
        let mistyped = apply_typo(&typed_postal, &t.typo);
        prop_assert_eq!(
            PostalCode::parse(&mistyped)
                .ok()
                .map(|m| m.as_str().to_owned()),
            postal_oracle(&mistyped)
        );
        Ok(())
    });
    tally.print("ident_valid_typo");
}

// ---------------------------------------------------------------------------------------------
// Files: arbitrary bytes

const JPEG_MAGIC: &[u8] = &[0xFF, 0xD8, 0xFF];
const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";
const PDF_MAGIC: &[u8] = b"%PDF-";

/// The type from the first bytes, as `sniff` documents it.
fn sniff_oracle(bytes: &[u8]) -> Option<FileType> {
    if bytes.starts_with(JPEG_MAGIC) {
        Some(FileType::Jpeg)
    } else if bytes.starts_with(PNG_MAGIC) {
        Some(FileType::Png)
    } else if bytes.starts_with(PDF_MAGIC) {
        Some(FileType::Pdf)
    } else {
        None
    }
}

/// Every reader over `bytes`: none may panic, and each answer agrees with the magic numbers.
fn check_readers(bytes: &[u8]) -> Result<(), TestCaseError> {
    let t = sniff(bytes);
    prop_assert_eq!(t, sniff_oracle(bytes));
    if let Some((w, h)) = png_dimensions(bytes) {
        prop_assert_eq!(t, Some(FileType::Png));
        prop_assert_eq!(&bytes[12..16], b"IHDR");
        let be = |at: usize| {
            u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
        };
        prop_assert_eq!((w, h), (be(16), be(20)));
        prop_assert!(w >= 1 && h >= 1 && w <= i32::MAX as u32 && h <= i32::MAX as u32);
    } else if t == Some(FileType::Png) && bytes.len() >= 24 && &bytes[12..16] == b"IHDR" {
        let be = |at: usize| {
            u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
        };
        let valid = |n: u32| n >= 1 && n <= i32::MAX as u32;
        prop_assert!(!(valid(be(16)) && valid(be(20))), "PNG dimensions missed");
    }
    if let Some((w, h)) = jpeg_dimensions(bytes) {
        prop_assert_eq!(t, Some(FileType::Jpeg));
        prop_assert!(w >= 1 && h >= 1 && w <= 65535 && h <= 65535);
    }
    if let Some(pages) = pdf_page_count_hint(bytes) {
        prop_assert_eq!(t, Some(FileType::Pdf));
        prop_assert!(pages >= 1);
    }
    Ok(())
}

/// Pieces of PDF syntax around page objects.
const PDF_SOUP: &[&[u8]] = &[
    b"/Type", b"/Page", b"/Pages", b" ", b"\n", b"/", b"<<", b">>", b"%", b"\0",
];

fn any_bytes() -> impl Strategy<Value = Vec<u8>> {
    let magic = select(&[JPEG_MAGIC, PNG_MAGIC, PDF_MAGIC, b"\xFF\xD8", b"%PDF", b""][..]);
    let tail = prop::collection::vec(any::<u8>(), 0..700);
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..700),
        (magic, tail).prop_map(|(m, t)| [m, &t[..]].concat()),
        // PNG with an IHDR and any dimensions.
        (
            any::<u32>(),
            any::<u32>(),
            prop::collection::vec(any::<u8>(), 0..40)
        )
            .prop_map(|(w, h, t)| [
                PNG_MAGIC,
                b"\0\0\0\x0dIHDR",
                &w.to_be_bytes(),
                &h.to_be_bytes(),
                &t
            ]
            .concat()),
        // PDF syntax soup.
        prop::collection::vec(select(PDF_SOUP), 0..60).prop_map(|parts| [
            PDF_MAGIC,
            &parts.concat()
        ]
        .concat()),
    ]
}

const MIMES: &[&str] = &[
    "image/jpeg",
    "IMAGE/PNG",
    "application/pdf; charset=binary",
    "  Image/Jpeg ;x=y",
    "application/octet-stream",
    "",
    "image/gif",
    "text/html",
];
const NAMES: &[&str] = &[
    "photo.jpg",
    "SCAN.PDF",
    "a.JpEg",
    "x.png ",
    "noext",
    ".pdf",
    "a.pdf.exe",
    "证件.jpg",
    "",
    ".",
];

#[test]
fn fuzz_sniff_arbitrary_bytes() {
    let text = || prop_oneof![select(MIMES).prop_map(str::to_owned), any::<String>()];
    let names = prop_oneof![select(NAMES).prop_map(str::to_owned), any::<String>()];
    let grey = (
        prop::collection::vec(any::<u8>(), 0..200),
        prop_oneof![0usize..20, any::<usize>()],
        prop_oneof![0usize..20, any::<usize>()],
    );
    let strategy = (any_bytes(), text(), names, grey);
    let tally = Tally::default();
    fuzz(
        "sniff_arbitrary",
        10000,
        strategy,
        |(bytes, mime, name, grey)| {
            check_readers(&bytes)?;
            tally.add(match sniff(&bytes) {
                Some(FileType::Jpeg) => "jpeg",
                Some(FileType::Png) => "png",
                Some(FileType::Pdf) => "pdf",
                None => "unknown",
            });
            if png_dimensions(&bytes).is_some() || jpeg_dimensions(&bytes).is_some() {
                tally.add("dimensions");
            }
            if pdf_page_count_hint(&bytes).is_some() {
                tally.add("pages");
            }
            // Appending never changes what the first bytes say.
            let mut longer = bytes.clone();
            longer.extend_from_slice(b"PK\x03\x04 appended");
            if bytes.len() >= 8 {
                prop_assert_eq!(sniff(&longer), sniff(&bytes));
            }
            if bytes.len() >= 24 {
                prop_assert_eq!(png_dimensions(&longer), png_dimensions(&bytes));
            }
            // The declared type: only ever from one of three MIME types or four extensions.
            let declared = declared_type(&mime, &name);
            let essence = mime
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            let ext = name
                .trim_end()
                .rsplit_once('.')
                .map(|(_, e)| e.to_ascii_lowercase());
            let by_mime = match essence.as_str() {
                "image/jpeg" => Some(FileType::Jpeg),
                "image/png" => Some(FileType::Png),
                "application/pdf" => Some(FileType::Pdf),
                _ => None,
            };
            let by_name = match ext.as_deref() {
                Some("jpg" | "jpeg") => Some(FileType::Jpeg),
                Some("png") => Some(FileType::Png),
                Some("pdf") => Some(FileType::Pdf),
                _ => None,
            };
            prop_assert_eq!(declared, by_mime.or(by_name));
            // Grey-level measures on any buffer and any claimed size.
            let (pixels, w, h) = grey;
            let s = sharpness(&pixels, w, h);
            prop_assert!(s <= 1020 * 1020);
            let b = brightness(&pixels);
            if let (Some(&lo), Some(&hi)) = (pixels.iter().min(), pixels.iter().max()) {
                prop_assert!(lo <= b && b <= hi);
            }
            Ok(())
        },
    );
    tally.print("sniff_arbitrary");
}

fn file_type() -> impl Strategy<Value = FileType> + Clone {
    select(&[FileType::Jpeg, FileType::Png, FileType::Pdf][..])
}

#[test]
fn fuzz_review() {
    let rules = (
        prop::collection::vec(file_type(), 0..4),
        prop_oneof![0u32..5000, any::<u32>()],
        any::<Option<u16>>(),
        any::<Option<u32>>(),
        any::<bool>(),
    )
        .prop_map(|(types, max_kb, max_pages, min_px, both_sides)| FileRules {
            types,
            max_kb,
            max_pages,
            min_px,
            both_sides,
        });
    let digest = select(&["", "aa", "bb", "cc"][..]).prop_map(str::to_owned);
    let facts = (
        (
            prop::option::of(file_type()),
            prop::option::of(file_type()),
            prop_oneof![0u64..10_000_000, any::<u64>()],
            any::<Option<u16>>(),
        ),
        (
            any::<Option<u32>>(),
            any::<Option<u32>>(),
            prop::option::of(prop_oneof![0u32..300, any::<u32>()]),
            any::<Option<u8>>(),
            digest,
        ),
    )
        .prop_map(
            |(
                (declared, detected, bytes, pages),
                (width, height, sharpness, brightness, digest),
            )| {
                FileFacts {
                    declared,
                    detected,
                    bytes,
                    pages,
                    width,
                    height,
                    sharpness,
                    brightness,
                    digest,
                }
            },
        );
    let others = prop::collection::vec(select(&["", "aa", "bb", "zz"][..]), 0..3);
    let tally = Tally::default();
    fuzz(
        "review",
        10000,
        (rules, facts, others),
        |(rules, f, others)| {
            let got = review(&rules, &f, &others);
            tally.add(match got.len() {
                0 => "no_problem",
                1 => "one_problem",
                _ => "problems",
            });
            // What the documentation of `review` promises, rule by rule.
            let mut want: Vec<&str> = Vec::new();
            if f.bytes == 0 {
                want.push(files::EMPTY);
            } else if let Some(t) = f.detected {
                let facts = [
                    (f.declared.is_some_and(|d| d != t), files::TYPE_MISMATCH),
                    (!rules.types.contains(&t), files::TYPE_NOT_ALLOWED),
                    (f.bytes > u64::from(rules.max_kb) * 1024, files::TOO_LARGE),
                    (
                        t == FileType::Pdf
                            && matches!((f.pages, rules.max_pages), (Some(p), Some(m)) if p > m),
                        files::TOO_MANY_PAGES,
                    ),
                    (
                        t != FileType::Pdf
                            && matches!((f.width, f.height, rules.min_px),
                            (Some(w), Some(h), Some(m)) if w.min(h) < m),
                        files::TOO_SMALL_PX,
                    ),
                    (
                        !f.digest.is_empty() && others.contains(&f.digest.as_str()),
                        files::DUPLICATE,
                    ),
                    (
                        f.brightness.is_some_and(|b| b < files::DARK_BELOW),
                        files::TOO_DARK,
                    ),
                    (
                        f.sharpness.is_some_and(|s| s < files::BLURRY_BELOW),
                        files::BLURRY,
                    ),
                ];
                want.extend(facts.iter().filter(|(yes, _)| *yes).map(|(_, code)| *code));
            } else {
                want.push(files::TYPE_UNKNOWN);
            }
            let codes: Vec<&str> = got.iter().map(|p| p.code.as_str()).collect();
            prop_assert_eq!(&codes, &want);
            for p in &got {
                let warning = p.code == files::TOO_DARK || p.code == files::BLURRY;
                prop_assert_eq!(p.severity == Severity::Warning, warning);
                prop_assert!(files::CODES.contains(&p.code.as_str()));
            }
            Ok(())
        },
    );
    tally.print("review");
}

// ---------------------------------------------------------------------------------------------
// Files: real headers, then damaged

/// CRC-32 (IEEE) as PNG chunks carry it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// A PNG's signature, IHDR, a text chunk, some IDAT and IEND (the image data is not decoded
/// here). Returns the bytes and where the dimensions end.
fn png_file(w: u32, h: u32, text: &[u8], data: &[u8]) -> (Vec<u8>, usize) {
    let mut out = PNG_MAGIC.to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    png_chunk(&mut out, b"IHDR", &ihdr);
    if !text.is_empty() {
        png_chunk(&mut out, b"tEXt", text);
    }
    png_chunk(&mut out, b"IDAT", data);
    png_chunk(&mut out, b"IEND", &[]);
    (out, 24)
}

/// How a JPEG's header is laid out before its frame header.
#[derive(Debug, Clone)]
struct JpegLayout {
    width: u16,
    height: u16,
    /// The start-of-frame marker (C0..CF less C4, C8, CC).
    sof: u8,
    /// Extra FF fill bytes before each marker.
    fill: Vec<u8>,
    exif: Vec<u8>,
    comment: bool,
    /// A standalone marker (TEM or RSTn) before the frame header.
    standalone: Option<u8>,
    data: Vec<u8>,
}

/// A JPEG's markers as a camera writes them (the entropy-coded data is noise). Returns the
/// bytes and where the frame header ends.
fn jpeg_file(l: &JpegLayout) -> (Vec<u8>, usize) {
    let mut out = vec![0xFF, 0xD8];
    let mut n = 0;
    let mut segment = |out: &mut Vec<u8>, marker: u8, payload: &[u8]| {
        let fill = l.fill.get(n).copied().unwrap_or(0) % 4;
        n += 1;
        out.extend(std::iter::repeat_n(0xFF, usize::from(fill)));
        out.extend_from_slice(&[0xFF, marker]);
        out.extend_from_slice(&(payload.len() as u16 + 2).to_be_bytes());
        out.extend_from_slice(payload);
    };
    segment(&mut out, 0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
    if !l.exif.is_empty() {
        segment(&mut out, 0xE1, &[&b"Exif\0\0"[..], &l.exif].concat());
    }
    if let Some(m) = l.standalone {
        out.extend_from_slice(&[0xFF, m]);
    }
    if l.comment {
        segment(&mut out, 0xFE, b"onetrip fuzz");
    }
    segment(&mut out, 0xDB, &[[0u8].as_slice(), &[1u8; 64]].concat());
    let [h1, h0] = l.height.to_be_bytes();
    let [w1, w0] = l.width.to_be_bytes();
    let sof = [8, h1, h0, w1, w0, 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0];
    segment(&mut out, l.sof, &sof);
    let frame_end = out.len();
    let mut dht = vec![0u8, 1];
    dht.extend_from_slice(&[0; 15]);
    dht.push(0);
    segment(&mut out, 0xC4, &dht);
    segment(&mut out, 0xDA, &[3, 1, 0, 2, 0, 3, 0, 0, 63, 0]);
    for &b in &l.data {
        out.push(b);
        if b == 0xFF {
            out.push(0);
        }
    }
    out.extend_from_slice(&[0xFF, 0xD9]);
    (out, frame_end)
}

fn jpeg_layout() -> impl Strategy<Value = JpegLayout> {
    (
        (1u16..=u16::MAX, 1u16..=u16::MAX),
        select(
            &[
                0xC0u8, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF,
            ][..],
        ),
        prop::collection::vec(any::<u8>(), 0..6),
        prop::collection::vec(any::<u8>(), 0..300),
        any::<bool>(),
        prop::option::of(select(&[0x01u8, 0xD0, 0xD3, 0xD7][..])),
        prop::collection::vec(any::<u8>(), 0..200),
    )
        .prop_map(
            |((width, height), sof, fill, exif, comment, standalone, data)| JpegLayout {
                width,
                height,
                sof,
                fill,
                exif,
                comment,
                standalone,
                data,
            },
        )
}

/// How each page writes its type: the hint must count all of these and nothing else.
const PAGE_TYPES: &[&str] = &["/Type /Page", "/Type/Page", "/Type\n/Page", "/Type  /Page"];

/// A plain PDF of `pages` pages with a page-label dictionary and a `/Types` key as distractors.
/// Returns the bytes.
fn pdf_file(pages: &[usize]) -> Vec<u8> {
    let mut objects: Vec<String> =
        vec!["<< /Type /Catalog /Pages 2 0 R /PageLabels << /Type /PageLabel >> >>".to_owned()];
    let kids: Vec<String> = (0..pages.len()).map(|i| format!("{} 0 R", i + 3)).collect();
    objects.push(format!(
        "<< /Type /Pages /Kids [{}] /Count {} >>",
        kids.join(" "),
        pages.len()
    ));
    for &style in pages {
        objects.push(format!(
            "<< {} /Parent 2 0 R /MediaBox [0 0 595 842] /Types 1 >>",
            PAGE_TYPES[style % PAGE_TYPES.len()]
        ));
    }
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// One change to a file's bytes.
#[derive(Debug, Clone)]
enum Damage {
    Flip(Index, u8),
    Truncate(Index),
    Append(Vec<u8>),
    Insert(Index, Vec<u8>),
    Delete(Index, u8),
    Duplicate(Index, u8, Index),
}

fn damage() -> impl Strategy<Value = Damage> {
    let some_bytes = prop::collection::vec(any::<u8>(), 1..40);
    prop_oneof![
        4 => (any::<Index>(), 1u8..=255).prop_map(|(i, x)| Damage::Flip(i, x)),
        1 => any::<Index>().prop_map(Damage::Truncate),
        1 => some_bytes.clone().prop_map(Damage::Append),
        1 => (any::<Index>(), some_bytes).prop_map(|(i, b)| Damage::Insert(i, b)),
        1 => (any::<Index>(), any::<u8>()).prop_map(|(i, n)| Damage::Delete(i, n)),
        1 => (any::<Index>(), any::<u8>(), any::<Index>()).prop_map(|(i, n, to)| Damage::Duplicate(i, n, to)),
    ]
}

/// Apply the changes in turn; returns how many leading bytes no change touched.
fn apply_damage(bytes: &mut Vec<u8>, damage: &[Damage]) -> usize {
    let mut intact = bytes.len();
    for d in damage {
        let len = bytes.len();
        let at = match d {
            Damage::Flip(i, x) if len > 0 => {
                let i = i.index(len);
                bytes[i] ^= x;
                i
            }
            Damage::Truncate(i) => {
                let i = i.index(len + 1);
                bytes.truncate(i);
                i
            }
            Damage::Append(b) => {
                bytes.extend_from_slice(b);
                len
            }
            Damage::Insert(i, b) => {
                let i = i.index(len + 1);
                bytes.splice(i..i, b.iter().copied());
                i
            }
            Damage::Delete(i, n) if len > 0 => {
                let i = i.index(len);
                let end = (i + usize::from(*n)).min(len);
                bytes.drain(i..end);
                i
            }
            Damage::Duplicate(i, n, to) if len > 0 => {
                let i = i.index(len);
                let end = (i + usize::from(*n)).min(len);
                let copy = bytes[i..end].to_vec();
                let to = to.index(len + 1);
                bytes.splice(to..to, copy);
                to
            }
            _ => len,
        };
        intact = intact.min(at);
    }
    intact
}

#[derive(Debug, Clone)]
enum Built {
    Png(u32, u32, Vec<u8>, Vec<u8>),
    Jpeg(JpegLayout),
    Pdf(Vec<usize>),
}

fn built() -> impl Strategy<Value = Built> {
    prop_oneof![
        (
            1u32..=100_000,
            1u32..=100_000,
            prop::collection::vec(any::<u8>(), 0..60),
            prop::collection::vec(any::<u8>(), 0..200),
        )
            .prop_map(|(w, h, t, d)| Built::Png(w, h, t, d)),
        jpeg_layout().prop_map(Built::Jpeg),
        prop::collection::vec(0usize..8, 1..8).prop_map(Built::Pdf),
    ]
}

#[test]
fn fuzz_sniff_damaged_files() {
    let strategy = (built(), prop::collection::vec(damage(), 0..4));
    let tally = Tally::default();
    fuzz("sniff_damaged", 10000, strategy, |(built, damage)| {
        // The intact file first: each reader finds what was written.
        let (mut bytes, header_end, want_type) = match &built {
            Built::Png(w, h, text, data) => {
                let (b, end) = png_file(*w, *h, text, data);
                prop_assert_eq!(png_dimensions(&b), Some((*w, *h)));
                (b, end, FileType::Png)
            }
            Built::Jpeg(layout) => {
                let (b, end) = jpeg_file(layout);
                let want = (u32::from(layout.width), u32::from(layout.height));
                prop_assert_eq!(jpeg_dimensions(&b), Some(want));
                (b, end, FileType::Jpeg)
            }
            Built::Pdf(pages) => {
                let b = pdf_file(pages);
                prop_assert_eq!(pdf_page_count_hint(&b), Some(pages.len() as u16));
                (b, PDF_MAGIC.len(), FileType::Pdf)
            }
        };
        prop_assert_eq!(sniff(&bytes), Some(want_type));
        let before = (
            png_dimensions(&bytes),
            jpeg_dimensions(&bytes),
            pdf_page_count_hint(&bytes),
        );
        let original_len = bytes.len();
        // Then damaged: nothing panics, every answer agrees with the bytes, and what only the
        // header decides survives any damage after the header.
        let intact = apply_damage(&mut bytes, &damage);
        check_readers(&bytes)?;
        tally.add(if intact >= header_end {
            "header_intact"
        } else {
            "header_damaged"
        });
        if intact >= header_end {
            prop_assert_eq!(sniff(&bytes), Some(want_type));
            prop_assert_eq!(png_dimensions(&bytes), before.0);
            prop_assert_eq!(jpeg_dimensions(&bytes), before.1);
        }
        if intact >= original_len {
            // Only appended to: the pages seen before are still seen.
            prop_assert!(pdf_page_count_hint(&bytes) >= before.2);
        }
        Ok(())
    });
    tally.print("sniff_damaged");
}
