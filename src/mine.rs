//! 我的办件 on this device: the applications submitted or opened here, as number, key and
//! name, in localStorage (`onetrip.mine`), so that the progress page opens without asking again
//! after the tab is closed. The key is the application's own random key, not personal data:
//! no ID or phone number is ever stored. "从此设备移除" forgets one.

const STORE: &str = "onetrip.mine";
/// Most applications remembered; the oldest goes first.
const MAX: usize = 20;

/// One application this device may open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mine {
    pub number: String,
    pub key: String,
    pub name: String,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Parse the stored list: one application per line, number, key and name separated by tabs.
pub fn parse(text: &str) -> Vec<Mine> {
    text.lines()
        .filter_map(|line| {
            let mut parts = line.splitn(3, '\t');
            let (number, key, name) = (parts.next()?, parts.next()?, parts.next().unwrap_or(""));
            (!number.is_empty() && !key.is_empty()).then(|| Mine {
                number: number.to_owned(),
                key: key.to_owned(),
                name: name.to_owned(),
            })
        })
        .collect()
}

fn format(list: &[Mine]) -> String {
    list.iter()
        .map(|m| {
            format!(
                "{}\t{}\t{}",
                m.number,
                m.key,
                m.name.replace(['\t', '\n'], " ")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn all() -> Vec<Mine> {
    storage()
        .and_then(|s| s.get_item(STORE).ok().flatten())
        .map(|t| parse(&t))
        .unwrap_or_default()
}

/// Remember (or refresh) an application, newest first.
pub fn add(number: &str, key: &str, name: &str) {
    let mut list = all();
    let name = if name.is_empty() {
        list.iter()
            .find(|m| m.number == number)
            .map(|m| m.name.clone())
            .unwrap_or_default()
    } else {
        name.to_owned()
    };
    list.retain(|m| m.number != number);
    list.insert(
        0,
        Mine {
            number: number.to_owned(),
            key: key.to_owned(),
            name,
        },
    );
    list.truncate(MAX);
    if let Some(s) = storage() {
        let _ = s.set_item(STORE, &format(&list));
    }
}

pub fn remove(number: &str) {
    let mut list = all();
    list.retain(|m| m.number != number);
    if let Some(s) = storage() {
        let _ = s.set_item(STORE, &format(&list));
    }
}

pub fn key_of(number: &str) -> Option<String> {
    all()
        .into_iter()
        .find(|m| m.number == number)
        .map(|m| m.key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_reads_back_what_was_written_and_skips_broken_lines() {
        let list = vec![
            Mine {
                number: "7KQ2M9XA3T".into(),
                key: "k1".into(),
                name: "企业开办".into(),
            },
            Mine {
                number: "8ABCDEFGHJ".into(),
                key: "k2".into(),
                name: String::new(),
            },
        ];
        assert_eq!(parse(&format(&list)), list);
        assert_eq!(parse("\n\tkey-only\nN1\n"), vec![]);
    }
}
