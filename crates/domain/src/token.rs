//! Our own public identifiers as people type, scan or read them out: checklist ids, application
//! numbers, resume tokens and counter codes (办件码). All are Crockford's base32 (digits and
//! capitals without I, L, O and U), so none read aloud or copied from paper can be mistaken.
//! The server draws them; the server and the apps read them back with these functions.

/// The 32 characters, in value order.
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Characters of a counter code (办件码): 40 random bits, short enough to read out and type.
pub const COUNTER_CODE_LEN: usize = 8;

/// An identifier of `len` characters as typed or scanned: case-insensitive, with Crockford's
/// look-alikes (I and L for 1, O for 0) read as what they look like.
pub fn parse(text: &str, len: usize) -> Option<String> {
    let id: String = text
        .chars()
        .map(|c| match c.to_ascii_uppercase() {
            'I' | 'L' => '1',
            'O' => '0',
            c => c,
        })
        .collect();
    (id.len() == len && id.bytes().all(|b| ALPHABET.contains(&b))).then_some(id)
}

/// A counter code as typed by hand (spaces and dashes ignored), or as a USB scanner or a camera
/// reads the QR code (the whole link: its last path segment is the code).
pub fn counter_code(text: &str) -> Option<String> {
    let last = text
        .trim()
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default();
    let compact: String = last.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    parse(&compact, COUNTER_CODE_LEN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_alikes_are_read_as_what_they_look_like() {
        assert_eq!(parse("7kq2m9xa3t", 10).as_deref(), Some("7KQ2M9XA3T"));
        assert_eq!(parse("O1IL000000", 10).as_deref(), Some("0111000000"));
        for bad in [
            "",
            "7KQ2M9XA3",
            "7KQ2M9XA3TT",
            "7KQ2M9XA3U",
            "7KQ2M9XA3-",
            "七KQ2M9XA3T",
        ] {
            assert_eq!(parse(bad, 10), None, "{bad}");
        }
    }

    #[test]
    fn counter_codes_are_read_from_what_a_scanner_or_a_person_types() {
        for (text, code) in [
            ("7KQ2M9XA", Some("7KQ2M9XA")),
            ("7kq2 m9xa", Some("7KQ2M9XA")),
            ("7KQ2-M9XA", Some("7KQ2M9XA")),
            ("https://yici.example.cn/k/7KQ2M9XA", Some("7KQ2M9XA")),
            (
                "http://127.0.0.1:8080/staff/counter/7KQ2M9XA/",
                Some("7KQ2M9XA"),
            ),
            ("  7KQ2M9XA\n", Some("7KQ2M9XA")),
            ("7KQ2M9X", None),
            ("7KQ2M9XAB", None),
            ("7KQ2M9XU", None),
            ("", None),
            ("https://yici.example.cn/k/", None),
            ("身份证", None),
        ] {
            assert_eq!(counter_code(text).as_deref(), code, "{text:?}");
        }
    }
}
