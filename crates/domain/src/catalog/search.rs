//! Search over the catalogue in the words people use: names, keywords, synonyms (开公司 finds
//! 企业开办) and, failing those, the characters of other phrasings.

use super::checklist::Subject;
use super::{ApplicantKind, Catalog};

/// The longest search text, in characters.
pub const MAX_QUERY_CHARS: usize = 50;
pub const QUERY_EMPTY: &str = "q.empty";
pub const QUERY_TOO_LONG: &str = "q.too_long";
pub const QUERY_PERSONAL_DATA: &str = "q.personal_data";
pub const QUERY_CODES: &[&str] = &[QUERY_EMPTY, QUERY_TOO_LONG, QUERY_PERSONAL_DATA];

/// What can be searched: the text trimmed, or the code of why not. Text that may carry an ID
/// or phone number is refused, so that it never goes into an address or a log; the search box
/// and the server both ask here.
pub fn search_text(text: &str) -> Result<&str, &'static str> {
    let q = text.trim();
    if q.is_empty() {
        Err(QUERY_EMPTY)
    } else if q.chars().count() > MAX_QUERY_CHARS {
        Err(QUERY_TOO_LONG)
    } else if crate::feedback::carries_identifier(q) {
        Err(QUERY_PERSONAL_DATA)
    } else {
        Ok(q)
    }
}

/// One result, best first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub subject: Subject,
    pub score: u32,
}

/// Lowercase, full-width letters and digits made half-width, spaces and punctuation dropped.
pub fn normalize(text: &str) -> String {
    text.chars()
        .filter_map(|c| {
            let c = match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                _ => c,
            };
            if c.is_alphanumeric() {
                Some(c.to_lowercase().next().unwrap_or(c))
            } else {
                None
            }
        })
        .collect()
}

/// The query and every synonym of a word it contains or is part of.
fn terms(catalog: &Catalog, query: &str) -> Vec<String> {
    let q = normalize(query);
    let mut terms = vec![q.clone()];
    for part in query.split_whitespace().map(normalize) {
        if !part.is_empty() && !terms.contains(&part) {
            terms.push(part);
        }
    }
    for group in &catalog.synonyms {
        let words: Vec<String> = group.words.iter().map(|w| normalize(w)).collect();
        let hit = words.iter().any(|w| {
            !w.is_empty() && (q.contains(w.as_str()) || (q.chars().count() >= 2 && w.contains(&q)))
        });
        if hit {
            for w in words {
                if !terms.contains(&w) {
                    terms.push(w);
                }
            }
        }
    }
    terms.retain(|t| !t.is_empty());
    terms
}

/// Characters of everyday phrasing that say nothing about the matter.
const FILLER: &str = "我想要的个了办理怎么如何去在哪里啊吗呢一下请问需";

/// Score one entry's texts against the terms: name above keywords above the rest.
fn score(terms: &[String], name: &str, name_en: &str, keywords: &[String], other: &[&str]) -> u32 {
    let name = normalize(name);
    let name_en = normalize(name_en);
    let keywords: Vec<String> = keywords.iter().map(|k| normalize(k)).collect();
    let other: Vec<String> = other.iter().map(|o| normalize(o)).collect();
    let mut total = 0;
    for t in terms {
        let t = t.as_str();
        if name == t {
            total += 30;
        } else if name.contains(t) || (t.len() >= 3 && name_en.contains(t)) {
            total += 12;
        }
        if keywords.iter().any(|k| k == t) {
            total += 10;
        } else if keywords.iter().any(|k| k.contains(t)) {
            total += 6;
        }
        if other.iter().any(|o| o.contains(t)) {
            total += 2;
        }
    }
    if total == 0 {
        // Other phrasings (刻个章, 怎么上户口): every meaningful character of the query appears
        // in the name or the keywords.
        let haystack = format!("{name}{}", keywords.concat());
        let chars: Vec<char> = terms[0].chars().filter(|c| !FILLER.contains(*c)).collect();
        if chars.len() >= 2 && chars.iter().all(|c| haystack.contains(*c)) {
            total += chars.len() as u32;
        }
    }
    total
}

/// Bundles and matters matching the query, best first; ties keep catalogue order with bundles
/// first. `for_whom` narrows to entries for that kind of applicant.
pub fn search(catalog: &Catalog, query: &str, for_whom: Option<ApplicantKind>) -> Vec<Hit> {
    let terms = terms(catalog, query);
    if terms.is_empty() {
        return Vec::new();
    }
    let mut hits = Vec::new();
    for b in &catalog.bundles {
        if for_whom.is_some_and(|k| k != b.for_whom) {
            continue;
        }
        let s = score(
            &terms,
            &b.name,
            &b.name_en,
            &b.keywords,
            &[&b.life_event, &b.summary],
        );
        if s > 0 {
            hits.push(Hit {
                subject: Subject::Bundle(b.code.clone()),
                score: s + 1,
            });
        }
    }
    for m in &catalog.matters {
        if for_whom.is_some_and(|k| !m.for_whom.contains(&k)) {
            continue;
        }
        let dept = catalog
            .department(&m.department)
            .map(|d| d.name.as_str())
            .unwrap_or("");
        let s = score(
            &terms,
            &m.name,
            &m.name_en,
            &m.keywords,
            &[dept, &m.summary, &m.result],
        );
        if s > 0 {
            hits.push(Hit {
                subject: Subject::Matter(m.code.clone()),
                score: s,
            });
        }
    }
    hits.sort_by_key(|h| std::cmp::Reverse(h.score));
    hits
}
