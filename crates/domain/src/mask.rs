//! Masking for display (GB/T 35273 de-identification): what a citizen-facing page shows of an
//! identity or phone number that is not the citizen's own fresh input.
//!
//! Both functions work on characters, not bytes, and accept any text: a mask must never be the
//! thing that crashes a page.

/// `1****************X`: the first and last character kept, every other one starred. Two
/// characters or fewer are starred entirely, since keeping both ends would keep everything.
pub fn mask_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    let last = chars.len().saturating_sub(1);
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let keep = chars.len() > 2 && (i == 0 || i == last);
            if keep { c } else { '*' }
        })
        .collect()
}

/// `张**`: a person's name with only its first character (the surname, usually) kept; one
/// character alone is starred.
pub fn mask_name(name: &str) -> String {
    let name = name.trim();
    let n = name.chars().count();
    name.chars()
        .enumerate()
        .map(|(i, c)| if i == 0 && n > 1 { c } else { '*' })
        .collect()
}

/// `138****5678` for an 11-digit number; anything else keeps only its last two characters.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    let mobile = chars.len() == 11 && chars.iter().all(char::is_ascii_digit);
    // The first kept character at the end; for a mobile number also the first three.
    let tail_from = if mobile {
        7
    } else {
        chars.len().saturating_sub(2)
    };
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let keep = (mobile && i < 3) || i >= tail_from;
            if keep { c } else { '*' }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        fn check(id: &str, masked: &str) {
            assert_eq!(mask_id(id), masked, "{id:?}");
        }
        check("11010519491231002X", "1****************X");
        check("110101200001010010", "1****************0");
        check("abc", "a*c");
        check("ab", "**");
        check("a", "*");
        check("", "");
        check("身份证号", "身**号");
        check("👍x👍", "👍*👍");
    }

    #[test]
    fn phones() {
        fn check(phone: &str, masked: &str) {
            assert_eq!(mask_phone(phone), masked, "{phone:?}");
        }
        check("13812345678", "138****5678");
        check("13800138000", "138****8000");
        check("+8613800138000", "************00");
        check("1380013800a", "*********0a");
        check("12345", "***45");
        check("12", "12");
        check("电", "电");
        check("电话号码", "**号码");
        check("", "");
    }
}
