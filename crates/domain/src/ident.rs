//! Identifier checks, exactly as `shared/identifiers.md` sets them out: normalise, check,
//! keep the normalised form. Every failure is a code the UI turns into words.
//!
//! "Parse, don't validate": a `ResidentId` or `CreditCode` can only exist if it passed, so code
//! that holds one never checks again.

use std::fmt;

use crate::CivilDate;

/// Trim; full-width digits and letters to ASCII; lowercase to uppercase; drop spaces and
/// dashes. What people type on Chinese keyboards, or copy from documents, becomes what the
/// checks expect.
pub fn normalize(input: &str) -> String {
    input
        .trim()
        .chars()
        .map(to_half_width)
        .filter(|&c| !is_space_or_dash(c))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Full-width ASCII (U+FF01..U+FF5E) sits at a fixed distance from ASCII; only digits and
/// letters are folded, so full-width punctuation still fails the checks.
fn to_half_width(c: char) -> char {
    match c {
        '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
            char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c)
        }
        _ => c,
    }
}

/// Separators people put in long numbers: spaces (ASCII, tab, ideographic, no-break) and dashes
/// (ASCII, Unicode hyphens and dashes, full-width hyphen-minus).
fn is_space_or_dash(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\u{3000}' | '\u{A0}' | '-' | '\u{2010}'..='\u{2014}' | '\u{FF0D}'
    )
}

/// Declares an error enum with `code()`, `ALL` and `Display` from one list of
/// `Variant => "code"`, so the three can never disagree.
macro_rules! error_codes {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $code:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($(#[$vdoc])* $variant,)* }

        impl $name {
            /// Every variant, in the order the checks run.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The stable machine code, such as `id_number.checksum`.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)* }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }

        impl std::error::Error for $name {}
    };
}

error_codes!(
    /// Why a resident identity card number was refused.
    IdNumberError {
        Empty => "id_number.empty",
        /// Not 18 characters.
        Length => "id_number.length",
        /// The first 17 are not all digits, or the 18th is not a digit or X.
        Format => "id_number.format",
        /// A foreigner's permanent residence ID card: a different document type.
        ForeignerPermit => "id_number.foreigner_permit",
        /// The first two digits are not a province in the list.
        Province => "id_number.province",
        /// Digits 7-14 are not a real date.
        BirthDate => "id_number.birth_date",
        /// Born before 1800-01-01.
        BirthTooEarly => "id_number.birth_too_early",
        /// Born after "today".
        BirthFuture => "id_number.birth_future",
        Checksum => "id_number.checksum",
    }
);

error_codes!(
    /// Why a unified social credit code was refused.
    CreditCodeError {
        Empty => "credit_code.empty",
        Length => "credit_code.length",
        /// A character outside `0123456789ABCDEFGHJKLMNPQRTUWXY`.
        Charset => "credit_code.charset",
        /// Position 1 is not 1-9, A, N or Y.
        Authority => "credit_code.authority",
        /// Positions 3-8 are not all digits.
        Division => "credit_code.division",
        Checksum => "credit_code.checksum",
    }
);

error_codes!(
    /// Why a mainland mobile number was refused.
    MobileError {
        Empty => "mobile.empty",
        /// Not 11 digits.
        Format => "mobile.format",
        /// Not 1 followed by 3-9.
        Prefix => "mobile.prefix",
    }
);

error_codes!(
    /// Why a postal code was refused.
    PostalCodeError {
        Empty => "postal_code.empty",
        /// Not six digits.
        Format => "postal_code.format",
    }
);

error_codes!(
    /// Why an enterprise name was refused.
    CompanyNameError {
        Empty => "company_name.empty",
        /// More than 50 characters.
        TooLong => "company_name.too_long",
        /// Characters other than standard Chinese ones and the full-width brackets.
        Chars => "company_name.chars",
        /// Half-width brackets: named apart because the fix is to type the full-width ones.
        HalfWidthBrackets => "company_name.half_width_brackets",
        /// Unbalanced, nested, more than one pair, or empty.
        Brackets => "company_name.brackets",
        /// No company form (有限公司, ...) at the end.
        Form => "company_name.form",
        /// The trade name (字号) is shorter than two characters.
        TradeName => "company_name.trade_name",
    }
);

/// Every code of every identifier error, so the app can prove each one has words.
pub fn all_codes() -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = Vec::new();
    codes.extend(IdNumberError::ALL.iter().map(|e| e.code()));
    codes.extend(CreditCodeError::ALL.iter().map(|e| e.code()));
    codes.extend(MobileError::ALL.iter().map(|e| e.code()));
    codes.extend(PostalCodeError::ALL.iter().map(|e| e.code()));
    codes.extend(CompanyNameError::ALL.iter().map(|e| e.code()));
    codes
}

/// Gives a newtype over its normalised `String` `as_str`, `Display` and a string serde form.
macro_rules! string_newtype {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }
    };
}

// ---------------------------------------------------------------------------------------------
// Resident identity card number (GB 11643-1999)

/// 2^(18-i) mod 11 for positions 1..17; the check character has weight 1.
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// The check character for each remainder 0..=10 (X stands for 10).
const ID_CHECK: [u8; 11] = *b"10X98765432";
/// Provinces, then 81/82/83 for the residence permits of Hong Kong, Macao and Taiwan residents.
const PROVINCES: [&str; 35] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
    "81", "82", "83",
];
/// The oldest birth year the forms believe.
const EARLIEST_BIRTH: (i32, u32, u32) = (1800, 1, 1);

/// ISO 7064 MOD 11-2 over 17 ASCII digits (the caller has checked them).
fn id_check_char(first17: &[u8]) -> u8 {
    let sum: u32 = first17
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(d, w)| u32::from(d.wrapping_sub(b'0')) * w)
        .sum();
    ID_CHECK[(sum % 11) as usize]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    Male,
    Female,
}

/// A checked resident identity card number (or Hong Kong, Macao, Taiwan residence permit
/// number), normalised: 18 ASCII characters, the last possibly `X`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResidentId(String);
string_newtype!(ResidentId);

impl ResidentId {
    /// Normalise and check, in this order: empty, length, format, foreigner permit, province,
    /// birth date (real, not before 1800, not after `today`), checksum. The county code is not
    /// checked: holders from abolished counties keep their numbers.
    pub fn parse(input: &str, today: CivilDate) -> Result<ResidentId, IdNumberError> {
        let s = normalize(input);
        if s.is_empty() {
            return Err(IdNumberError::Empty);
        }
        if s.chars().count() != 18 {
            return Err(IdNumberError::Length);
        }
        // Byte indexing below is sound: 18 characters in 18 bytes are all ASCII.
        let b = s.as_bytes();
        let digits17 = b.len() == 18 && b[..17].iter().all(u8::is_ascii_digit);
        if !digits17 || !(b[17].is_ascii_digit() || b[17] == b'X') {
            return Err(IdNumberError::Format);
        }
        // The foreigner's permanent residence card (2023) is 9 + the issuing province, with the
        // same checksum: a different document, so say so. Any other unknown prefix (such as 99)
        // is a typo in the province.
        if b[0] == b'9' && is_province(&s[1..3]) {
            return Err(IdNumberError::ForeignerPermit);
        }
        if !is_province(&s[..2]) {
            return Err(IdNumberError::Province);
        }
        let birth = birth_date_of(b).ok_or(IdNumberError::BirthDate)?;
        let (y, m, d) = EARLIEST_BIRTH;
        if CivilDate::new(y, m, d).is_some_and(|earliest| birth < earliest) {
            return Err(IdNumberError::BirthTooEarly);
        }
        if birth > today {
            return Err(IdNumberError::BirthFuture);
        }
        if id_check_char(&b[..17]) != b[17] {
            return Err(IdNumberError::Checksum);
        }
        Ok(ResidentId(s))
    }

    pub fn birth_date(&self) -> CivilDate {
        // Parse accepted only real birth dates, so the fallback is never taken.
        birth_date_of(self.0.as_bytes()).unwrap_or_else(|| CivilDate::from_days(0))
    }

    /// Completed years on `today`.
    pub fn age_on(&self, today: CivilDate) -> u32 {
        self.birth_date().age_on(today)
    }

    /// The 17th digit: odd for men, even for women.
    pub fn sex(&self) -> Sex {
        // ASCII '0' is even, so the byte has the parity of its digit.
        if self.0.as_bytes()[16] % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// The first two digits (81/82/83 for residence permits).
    pub fn province_code(&self) -> &str {
        &self.0[..2]
    }
}

fn is_province(two: &str) -> bool {
    PROVINCES.contains(&two)
}

/// Digits 7-14 as a date, if they are one. The caller has checked they are ASCII digits.
fn birth_date_of(b: &[u8]) -> Option<CivilDate> {
    let number = |from: usize, to: usize| {
        b.get(from..to)
            .map(|ds| ds.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0')))
    };
    CivilDate::new(number(6, 10)? as i32, number(10, 12)?, number(12, 14)?)
}

// ---------------------------------------------------------------------------------------------
// Unified social credit code (GB 32100-2015)

/// The 31 symbols, valued 0..=30 in this order (no I, O, Z, S, V: they look like digits).
const CREDIT_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// 3^(i-1) mod 31 for positions 1..17; the check character has weight 1.
const CREDIT_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn credit_value(c: u8) -> Option<u32> {
    CREDIT_ALPHABET
        .iter()
        .position(|&a| a == c)
        .map(|p| p as u32)
}

/// The check character for 17 characters of the alphabet (the caller has checked them).
fn credit_check_char(first17: &[u8]) -> u8 {
    let sum: u32 = first17
        .iter()
        .zip(CREDIT_WEIGHTS)
        .map(|(&c, w)| credit_value(c).unwrap_or(0) * w)
        .sum();
    CREDIT_ALPHABET[((31 - sum % 31) % 31) as usize]
}

/// A checked unified social credit code, normalised: 18 characters of the alphabet.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CreditCode(String);
string_newtype!(CreditCode);

impl CreditCode {
    /// Normalise and check: empty, length, alphabet, registration authority, division code,
    /// checksum. Positions 1 and 2 may be letters (N, Y, A exist).
    pub fn parse(input: &str) -> Result<CreditCode, CreditCodeError> {
        let s = normalize(input);
        if s.is_empty() {
            return Err(CreditCodeError::Empty);
        }
        if s.chars().count() != 18 {
            return Err(CreditCodeError::Length);
        }
        // Any non-ASCII character has bytes outside the alphabet, so this also makes `b` 18 long.
        let b = s.as_bytes();
        if !b.iter().all(|&c| credit_value(c).is_some()) {
            return Err(CreditCodeError::Charset);
        }
        if !matches!(b[0], b'1'..=b'9' | b'A' | b'N' | b'Y') {
            return Err(CreditCodeError::Authority);
        }
        if !b[2..8].iter().all(u8::is_ascii_digit) {
            return Err(CreditCodeError::Division);
        }
        if credit_check_char(&b[..17]) != b[17] {
            return Err(CreditCodeError::Checksum);
        }
        Ok(CreditCode(s))
    }
}

// ---------------------------------------------------------------------------------------------
// Mobile number and postal code

/// A mainland mobile number: 11 ASCII digits, `1` then 3-9, without a country code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MobileNumber(String);
string_newtype!(MobileNumber);

impl MobileNumber {
    /// Normalise, drop a leading `+86`, `＋86` or `0086`, then require `1[3-9]` and nine more
    /// digits. Carrier segments are not listed: they change. Whether the number belongs to the
    /// applicant cannot be known from its shape.
    pub fn parse(input: &str) -> Result<MobileNumber, MobileError> {
        let normalised = normalize(input);
        let s = ["+86", "\u{FF0B}86", "0086"]
            .iter()
            .find_map(|prefix| normalised.strip_prefix(prefix))
            .unwrap_or(&normalised);
        if s.is_empty() {
            return Err(MobileError::Empty);
        }
        if s.len() != 11 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MobileError::Format);
        }
        if !matches!(s.as_bytes()[..2], [b'1', b'3'..=b'9']) {
            return Err(MobileError::Prefix);
        }
        Ok(MobileNumber(s.to_owned()))
    }
}

/// A postal code: six ASCII digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PostalCode(String);
string_newtype!(PostalCode);

impl PostalCode {
    /// Six digits after normalisation; there is no check digit to test.
    pub fn parse(input: &str) -> Result<PostalCode, PostalCodeError> {
        let s = normalize(input);
        if s.is_empty() {
            return Err(PostalCodeError::Empty);
        }
        if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PostalCodeError::Format);
        }
        Ok(PostalCode(s))
    }
}

// ---------------------------------------------------------------------------------------------
// Enterprise name (2021 registration rules)

/// Longest first, so that 股份有限公司 is not read as 股份 + 有限公司.
const COMPANY_FORMS: [&str; 3] = ["股份有限公司", "有限责任公司", "有限公司"];
/// Names needing approval above the local registry: flagged, not refused.
const REVIEW_PREFIXES: [&str; 3] = ["中国", "中华", "全国"];
const COMPANY_NAME_MAX_CHARS: usize = 50;
const OPEN: char = '（';
const CLOSE: char = '）';

/// CJK Unified Ideographs, the block that holds the standard characters.
fn is_standard_hanzi(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// A checked enterprise name, trimmed and otherwise as typed (full-width brackets are the
/// correct form, so it is not normalised).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CompanyName {
    name: String,
    needs_review: bool,
}

impl CompanyName {
    /// Region + trade name (at least two characters) + industry + company form, in standard
    /// Chinese characters; the region may instead stand in full-width brackets after the trade
    /// name. Checks, in order: empty, length, half-width brackets, characters, brackets, form,
    /// trade name.
    pub fn parse(input: &str) -> Result<CompanyName, CompanyNameError> {
        let name = input.trim();
        if name.is_empty() {
            return Err(CompanyNameError::Empty);
        }
        let chars: Vec<char> = name.chars().collect();
        if chars.len() > COMPANY_NAME_MAX_CHARS {
            return Err(CompanyNameError::TooLong);
        }
        // Before the character check, so that the message can say which brackets to type.
        if chars.iter().any(|&c| c == '(' || c == ')') {
            return Err(CompanyNameError::HalfWidthBrackets);
        }
        if !chars
            .iter()
            .all(|&c| is_standard_hanzi(c) || c == OPEN || c == CLOSE)
        {
            return Err(CompanyNameError::Chars);
        }
        let open = bracket_position(&chars, OPEN)?;
        let close = bracket_position(&chars, CLOSE)?;
        let bracket = match (open, close) {
            (None, None) => None,
            // Opened before closed, with something inside.
            (Some(open), Some(close)) if open + 1 < close => Some(open),
            _ => return Err(CompanyNameError::Brackets),
        };
        let form = COMPANY_FORMS
            .iter()
            .find(|form| name.ends_with(*form))
            .ok_or(CompanyNameError::Form)?;
        // The form has no brackets, so a bracket pair always closes before it.
        let before_form = chars.len() - form.chars().count();
        let trade_name_long_enough = match bracket {
            // 云帆（杭州）…: the trade name comes first.
            Some(open) => open >= 2,
            // 杭州市云帆…: a region of at least two characters, then the trade name.
            None => before_form >= 4,
        };
        if !trade_name_long_enough {
            return Err(CompanyNameError::TradeName);
        }
        Ok(CompanyName {
            name: name.to_owned(),
            needs_review: REVIEW_PREFIXES.iter().any(|p| name.starts_with(p)),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// Names beginning with 中国, 中华 or 全国 need higher approval: flagged for a person to
    /// review, not refused.
    pub fn needs_review(&self) -> bool {
        self.needs_review
    }
}

/// Where the only `bracket` is, if any; a second one is already an error.
fn bracket_position(chars: &[char], bracket: char) -> Result<Option<usize>, CompanyNameError> {
    let mut found = chars
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == bracket)
        .map(|(i, _)| i);
    match (found.next(), found.next()) {
        (first, None) => Ok(first),
        _ => Err(CompanyNameError::Brackets),
    }
}

impl fmt::Display for CompanyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl serde::Serialize for CompanyName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The weight tables are powers, written out; recompute them so a typo cannot hide.
    #[test]
    fn weights_are_the_standard_powers() {
        for (i, w) in ID_WEIGHTS.iter().enumerate() {
            assert_eq!(*w, 2u32.pow(17 - i as u32) % 11, "ID position {}", i + 1);
        }
        for (i, w) in CREDIT_WEIGHTS.iter().enumerate() {
            assert_eq!(
                *w,
                3u64.pow(i as u32) as u32 % 31,
                "credit position {}",
                i + 1
            );
        }
        assert_eq!(CREDIT_ALPHABET.len(), 31);
        for banned in *b"IOZSV" {
            assert!(!CREDIT_ALPHABET.contains(&banned));
        }
    }

    #[test]
    fn check_characters() {
        fn check(first17: &str, id: char) {
            assert_eq!(id_check_char(first17.as_bytes()) as char, id, "{first17}");
        }
        check("11010519491231002", 'X');
        check("11010120000101001", '0');
        fn check_credit(first17: &str, want: char) {
            assert_eq!(
                credit_check_char(first17.as_bytes()) as char,
                want,
                "{first17}"
            );
        }
        check_credit("91350100M000100Y4", '3');
        check_credit("91110108MA01A2B32", 'G');
    }
}
