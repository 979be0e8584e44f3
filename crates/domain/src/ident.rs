//! Identifier checks, exactly as `shared/identifiers.md` sets them out: normalise, check,
//! keep the normalised form. Every failure is a code.

use std::fmt;

use crate::CivilDate;

/// Trim; full-width digits and letters to ASCII; lowercase to uppercase; drop spaces and
/// dashes. What people type from Chinese keyboards becomes what the checks expect.
pub fn normalize(input: &str) -> String {
    input
        .trim()
        .chars()
        .filter_map(|c| {
            let c = match c {
                '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
                    char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
                }
                _ => c,
            };
            let drop = matches!(
                c,
                ' ' | '\t' | '\u{3000}' | '\u{A0}' | '-' | '\u{2010}'..='\u{2014}' | '\u{FF0D}'
            );
            (!drop).then(|| c.to_ascii_uppercase())
        })
        .collect()
}

/// Implements `code()` and `ALL` for an error enum from a list of variant => code.
macro_rules! error_codes {
    ($name:ident { $($variant:ident => $code:literal,)* }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($variant,)* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)* }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

error_codes!(IdNumberError {
    Empty => "id_number.empty",
    Length => "id_number.length",
    Format => "id_number.format",
    Province => "id_number.province",
    ForeignerPermit => "id_number.foreigner_permit",
    BirthDate => "id_number.birth_date",
    BirthTooEarly => "id_number.birth_too_early",
    BirthFuture => "id_number.birth_future",
    Checksum => "id_number.checksum",
});

error_codes!(CreditCodeError {
    Empty => "credit_code.empty",
    Length => "credit_code.length",
    Charset => "credit_code.charset",
    Authority => "credit_code.authority",
    Division => "credit_code.division",
    Checksum => "credit_code.checksum",
});

error_codes!(MobileError {
    Empty => "mobile.empty",
    Format => "mobile.format",
    Prefix => "mobile.prefix",
});

error_codes!(PostalCodeError {
    Empty => "postal_code.empty",
    Format => "postal_code.format",
});

error_codes!(CompanyNameError {
    Empty => "company_name.empty",
    TooLong => "company_name.too_long",
    Chars => "company_name.chars",
    HalfWidthBrackets => "company_name.half_width_brackets",
    Brackets => "company_name.brackets",
    Form => "company_name.form",
    TradeName => "company_name.trade_name",
});

pub fn all_codes() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = Vec::new();
    v.extend(IdNumberError::ALL.iter().map(|e| e.code()));
    v.extend(CreditCodeError::ALL.iter().map(|e| e.code()));
    v.extend(MobileError::ALL.iter().map(|e| e.code()));
    v.extend(PostalCodeError::ALL.iter().map(|e| e.code()));
    v.extend(CompanyNameError::ALL.iter().map(|e| e.code()));
    v
}

/// Newtypes hold the normalised text and show and serialise as it.
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

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: [u8; 11] = *b"10X98765432";
const PROVINCES: [&str; 35] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
    "81", "82", "83",
];

/// The ISO 7064 MOD 11-2 check character for the first 17 digits.
pub fn id_check_char(first17: &[u8]) -> u8 {
    let sum: u32 = first17
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    ID_CHECK[(sum % 11) as usize]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    Male,
    Female,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResidentId(String);
string_newtype!(ResidentId);

impl ResidentId {
    /// Check a resident ID number (also residence permits 81/82/83). The county code is not
    /// checked: holders from abolished counties keep their numbers.
    pub fn parse(input: &str, today: CivilDate) -> Result<ResidentId, IdNumberError> {
        let s = normalize(input);
        let b = s.as_bytes();
        if b.is_empty() {
            return Err(IdNumberError::Empty);
        }
        if s.chars().count() != 18 {
            return Err(IdNumberError::Length);
        }
        if !b[..17].iter().all(u8::is_ascii_digit) || !(b[17].is_ascii_digit() || b[17] == b'X') {
            return Err(IdNumberError::Format);
        }
        if !PROVINCES.contains(&&s[..2]) {
            // The foreigner's permanent residence card (2023) is 9 + the issuing province: a
            // different document type, named as such. Other unknown prefixes (99) are typos.
            let foreigner = b[0] == b'9' && PROVINCES.contains(&&s[1..3]);
            return Err(if foreigner {
                IdNumberError::ForeignerPermit
            } else {
                IdNumberError::Province
            });
        }
        let birth = birth_date_of(&s).ok_or(IdNumberError::BirthDate)?;
        if birth < CivilDate::new(1800, 1, 1).expect("a real date") {
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
        birth_date_of(&self.0).expect("checked in parse")
    }

    pub fn age_on(&self, today: CivilDate) -> u32 {
        self.birth_date().age_on(today)
    }

    /// The 17th digit: odd for men, even for women.
    pub fn sex(&self) -> Sex {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    pub fn province_code(&self) -> &str {
        &self.0[..2]
    }
}

fn birth_date_of(s: &str) -> Option<CivilDate> {
    let year: i32 = s.get(6..10)?.parse().ok()?;
    let month: u32 = s.get(10..12)?.parse().ok()?;
    let day: u32 = s.get(12..14)?.parse().ok()?;
    CivilDate::new(year, month, day)
}

// ---------------------------------------------------------------------------------------------
// Unified social credit code (GB 32100-2015)

const CREDIT_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn credit_value(c: u8) -> Option<u32> {
    CREDIT_ALPHABET
        .iter()
        .position(|&a| a == c)
        .map(|p| p as u32)
}

/// The check character for the first 17 characters (all from the alphabet).
pub fn credit_check_char(first17: &[u8]) -> u8 {
    let sum: u32 = first17
        .iter()
        .zip(CREDIT_WEIGHTS)
        .map(|(&c, w)| credit_value(c).unwrap_or(0) * w)
        .sum();
    CREDIT_ALPHABET[((31 - sum % 31) % 31) as usize]
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditCode(String);
string_newtype!(CreditCode);

impl CreditCode {
    pub fn parse(input: &str) -> Result<CreditCode, CreditCodeError> {
        let s = normalize(input);
        let b = s.as_bytes();
        if b.is_empty() {
            return Err(CreditCodeError::Empty);
        }
        if s.chars().count() != 18 {
            return Err(CreditCodeError::Length);
        }
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MobileNumber(String);
string_newtype!(MobileNumber);

impl MobileNumber {
    /// 11 digits, `1` then 3-9. Carrier segments are not listed: they change. Whether the number
    /// belongs to the applicant is not (and cannot be) known from its shape.
    pub fn parse(input: &str) -> Result<MobileNumber, MobileError> {
        let s = normalize(&input.replace('\u{FF0B}', "+"));
        let s = s
            .strip_prefix("+86")
            .or_else(|| s.strip_prefix("0086"))
            .unwrap_or(&s);
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostalCode(String);
string_newtype!(PostalCode);

impl PostalCode {
    /// Six digits, no check digit.
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

/// Longest first, so 股份有限公司 is not taken for 有限公司.
const COMPANY_FORMS: [&str; 3] = ["股份有限公司", "有限责任公司", "有限公司"];
const COMPANY_NAME_MAX: usize = 50;

fn is_standard_hanzi(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyName {
    name: String,
    needs_review: bool,
}

impl CompanyName {
    /// Region + trade name (at least two characters) + industry + company form, in standard
    /// Chinese characters; the region may stand in full-width brackets after the trade name.
    pub fn parse(input: &str) -> Result<CompanyName, CompanyNameError> {
        let name = input.trim();
        if name.is_empty() {
            return Err(CompanyNameError::Empty);
        }
        let chars: Vec<char> = name.chars().collect();
        if chars.len() > COMPANY_NAME_MAX {
            return Err(CompanyNameError::TooLong);
        }
        if chars.iter().any(|&c| c == '(' || c == ')') {
            return Err(CompanyNameError::HalfWidthBrackets);
        }
        if !chars
            .iter()
            .all(|&c| is_standard_hanzi(c) || c == '（' || c == '）')
        {
            return Err(CompanyNameError::Chars);
        }
        let opens: Vec<usize> = positions(&chars, '（');
        let closes: Vec<usize> = positions(&chars, '）');
        let bracket = match (opens.as_slice(), closes.as_slice()) {
            ([], []) => None,
            ([open], [close]) if open + 1 < *close => Some((*open, *close)),
            _ => return Err(CompanyNameError::Brackets),
        };
        let form = COMPANY_FORMS
            .iter()
            .find(|f| name.ends_with(*f))
            .ok_or(CompanyNameError::Form)?;
        let body_len = chars.len() - form.chars().count();
        let trade_name_ok = match bracket {
            // The bracket belongs before the company form, after at least a two-character name.
            Some((open, close)) => open >= 2 && close < body_len,
            None => body_len >= 4,
        };
        if !trade_name_ok {
            return Err(CompanyNameError::TradeName);
        }
        let needs_review = ["中国", "中华", "全国"].iter().any(|p| name.starts_with(p));
        Ok(CompanyName {
            name: name.to_owned(),
            needs_review,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// Names beginning with 中国, 中华 or 全国 need higher approval: flagged, not refused.
    pub fn needs_review(&self) -> bool {
        self.needs_review
    }
}

fn positions(chars: &[char], wanted: char) -> Vec<usize> {
    chars
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == wanted)
        .map(|(i, _)| i)
        .collect()
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
