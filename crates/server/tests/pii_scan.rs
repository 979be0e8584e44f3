//! The privacy scan after the end-to-end run (`cargo xtask test` runs it once Playwright is
//! done): no full resident ID number and no full mobile number in
//!
//! - the server's log (`ONETRIP_SCAN_LOG`, written at `info`: every request's path);
//! - the database's tables (`ONETRIP_SCAN_DB`), except the two columns that hold what the
//!   applicant typed (`drafts.data`, `applications.data`);
//! - every URL the tests' browsers requested, every write to localStorage or sessionStorage,
//!   and the cookies left (`ONETRIP_SCAN_DIR`, written by `e2e/fixtures.ts`).
//!
//! A match is a run of exactly 18 characters (17 digits and a digit or X) that passes the ID
//! number's check digit, or a run of exactly 11 digits that is a mobile number, by the
//! domain's own rules. Ignored by `cargo test` (it needs the run's files); the unit tests of
//! the matcher below are not.

use onetrip_domain::CivilDate;
use onetrip_domain::ident::{MobileNumber, ResidentId};

/// The full ID and mobile numbers in `text`.
fn personal_numbers(text: &str) -> Vec<String> {
    let late = CivilDate::new(2100, 1, 1).expect("a date");
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let mut end = i;
        if end - start == 17 && i < bytes.len() && matches!(bytes[i], b'X' | b'x') {
            end += 1;
            i += 1;
        }
        // A run inside a longer alphanumeric token (a random id) is not a number by itself.
        let alnum = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_alphanumeric);
        if (start > 0 && alnum(start - 1)) || alnum(end) {
            continue;
        }
        let run = &text[start..end];
        let hit = match run.len() {
            18 => ResidentId::parse(run, late).is_ok(),
            11 => MobileNumber::parse(run).is_ok(),
            _ => false,
        };
        if hit {
            found.push(run.to_owned());
        }
    }
    found
}

/// Where each match was: (place, the number with its middle hidden).
fn scan(place: &str, text: &str, out: &mut Vec<String>) {
    for n in personal_numbers(text) {
        let shown = format!("{}…{}", &n[..3], &n[n.len() - 2..]);
        out.push(format!("{place}: {shown}"));
    }
}

#[test]
#[ignore = "needs the files of an end-to-end run: cargo xtask test runs it"]
fn no_full_id_or_phone_number_after_the_end_to_end_run() {
    let var = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k} is not set"));
    let mut found = Vec::new();
    let mut counts = Vec::new();

    let log = std::fs::read_to_string(var("ONETRIP_SCAN_LOG")).expect("the server's log");
    scan("server log", &log, &mut found);
    counts.push(format!("log lines={}", log.lines().count()));

    let db = rusqlite::Connection::open(var("ONETRIP_SCAN_DB")).expect("the database");
    let tables: Vec<String> = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut rows = 0;
    for table in &tables {
        let columns: Vec<String> = db
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for column in columns {
            if matches!(
                (table.as_str(), column.as_str()),
                ("drafts" | "applications", "data")
            ) {
                continue;
            }
            let mut stmt = db
                .prepare(&format!(
                    "SELECT CAST(\"{column}\" AS TEXT) FROM \"{table}\""
                ))
                .unwrap();
            let values = stmt
                .query_map([], |r| r.get::<_, Option<String>>(0))
                .unwrap();
            for v in values {
                rows += 1;
                if let Some(v) = v.unwrap() {
                    scan(&format!("{table}.{column}"), &v, &mut found);
                }
            }
        }
    }
    counts.push(format!("tables={} values={rows}", tables.len()));

    let (mut urls, mut writes, mut cookies, mut tests) = (0, 0, 0, 0);
    let dir = var("ONETRIP_SCAN_DIR");
    for entry in std::fs::read_dir(&dir).expect("the browsers' records") {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for line in text.lines() {
            let record: serde_json::Value = serde_json::from_str(line).unwrap();
            tests += 1;
            let test = record["test"].as_str().unwrap_or_default();
            for u in record["urls"].as_array().into_iter().flatten() {
                urls += 1;
                scan(&format!("URL in {test}"), u.as_str().unwrap(), &mut found);
            }
            for w in record["writes"].as_array().into_iter().flatten() {
                writes += 1;
                scan(
                    &format!("storage write in {test}"),
                    &w.to_string(),
                    &mut found,
                );
            }
            for c in record["cookies"].as_array().into_iter().flatten() {
                cookies += 1;
                scan(
                    &format!("cookie in {test}"),
                    c.as_str().unwrap(),
                    &mut found,
                );
            }
        }
    }
    counts.push(format!(
        "tests={tests} urls={urls} storage_writes={writes} cookies={cookies}"
    ));
    assert!(
        tests > 0 && urls > 0 && writes > 0,
        "nothing recorded: {counts:?}"
    );
    println!("privacy scan: {}", counts.join(" "));
    found.sort();
    found.dedup();
    assert!(
        found.is_empty(),
        "full ID or phone numbers found:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_matcher_finds_whole_numbers_only() {
    let id = "330106198001010021";
    let phone = "13812345678";
    assert_eq!(
        personal_numbers(&format!("/x?q={id}&p={phone}")),
        [id, phone]
    );
    assert_eq!(personal_numbers(&format!("\"{phone}\"")), [phone]);
    assert_eq!(
        personal_numbers("11010519491231002X"),
        ["11010519491231002X"]
    );
    // Masked, inside a longer run, inside a random token, a wrong check digit: none.
    for clean in [
        "138****5678",
        "3301****0021",
        "1795399200000",
        "A13812345678B",
        "330106198001010022",
        "0013812345678",
    ] {
        assert!(personal_numbers(clean).is_empty(), "{clean}");
    }
}
