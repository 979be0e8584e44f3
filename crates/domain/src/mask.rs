//! Masking for display (GB/T 35273 de-identification): what a citizen-facing page shows of an
//! identity or phone number that is not the citizen's own fresh input.

/// `1****************X`: the first and last character kept.
pub fn mask_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 2 {
        return "*".repeat(chars.len());
    }
    let mut out = String::with_capacity(chars.len());
    out.push(chars[0]);
    out.extend(std::iter::repeat_n('*', chars.len() - 2));
    out.push(chars[chars.len() - 1]);
    out
}

/// `138****5678` for an 11-digit number; otherwise only the last two characters are kept.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() == 11 && chars.iter().all(char::is_ascii_digit) {
        let head: String = chars[..3].iter().collect();
        let tail: String = chars[7..].iter().collect();
        return format!("{head}****{tail}");
    }
    let keep = chars.len().min(2);
    let mut out: String = std::iter::repeat_n('*', chars.len() - keep).collect();
    out.extend(&chars[chars.len() - keep..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        assert_eq!(mask_id("11010519491231002X"), "1****************X");
        assert_eq!(mask_id("ab"), "**");
        assert_eq!(mask_id(""), "");
        assert_eq!(mask_id("身份证号"), "身**号");
        assert_eq!(mask_phone("13800138000"), "138****8000");
        assert_eq!(mask_phone("12345"), "***45");
        assert_eq!(mask_phone("电"), "电");
        assert_eq!(mask_phone(""), "");
    }
}
