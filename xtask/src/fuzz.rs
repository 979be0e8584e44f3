//! The property-based fuzz targets (`crates/domain/tests/fuzz.rs`, `crates/server/tests/fuzz.rs`)
//! with far more cases than `cargo test` gives them, from a fresh seed each time: a table of
//! targets, cases, crashes and seconds. About four minutes on two cores.

use std::process::Stdio;

use crate::util::{self, Result};

/// Cases per target for each test binary. The domain's targets take well under a millisecond a
/// case; the server's catalogue loader about ten (it reads the whole catalogue every time).
/// `PROPTEST_CASES` in the environment overrides both.
const RUNS: [(&str, u32); 2] = [("onetrip-domain", 250_000), ("onetrip-server", 18_000)];

/// One FUZZ line: target, cases, crashes, seconds.
struct Row {
    target: String,
    cases: String,
    crashes: String,
    seconds: String,
}

/// `FUZZ <target> cases=<n> crashes=<n> seconds=<s> seed=<seed>`, wherever it sits in the line
/// (tests running side by side share lines).
fn parse(line: &str) -> Option<Row> {
    let rest = &line[line.find("FUZZ ")? + 5..];
    let mut words = rest.split_whitespace();
    let target = words.next()?.to_owned();
    let field = |key: &str| {
        rest.split_whitespace()
            .find_map(|w| w.strip_prefix(key))
            .unwrap_or("?")
            .to_owned()
    };
    Some(Row {
        target,
        cases: field("cases="),
        crashes: field("crashes="),
        seconds: field("seconds="),
    })
}

pub fn run() -> Result {
    // A fresh seed unless one is given (to replay a failure).
    let seed = std::env::var("PROPTEST_RNG_SEED").unwrap_or_else(|_| {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        (nanos as u64).to_string()
    });
    let cases_override = std::env::var("PROPTEST_CASES").ok();
    println!("\n## Fuzz targets (proptest, seed {seed})\n");
    let mut rows = Vec::new();
    let mut inputs = Vec::new();
    let mut failed = Vec::new();
    for (package, cases) in RUNS {
        let cases = cases_override.clone().unwrap_or_else(|| cases.to_string());
        let out = util::cargo()
            .args(["test", "-p", package, "--test", "fuzz", "--", "--nocapture"])
            .env("PROPTEST_CASES", &cases)
            .env("PROPTEST_RNG_SEED", &seed)
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| format!("cannot run cargo test: {e}"))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        rows.extend(stdout.lines().filter_map(parse));
        inputs.extend(
            stdout
                .lines()
                .filter_map(|l| l.find("INPUTS ").map(|i| l[i + 7..].to_owned())),
        );
        if !out.status.success() {
            print!("{stdout}");
            failed.push(format!(
                "{package} (replay: PROPTEST_RNG_SEED={seed} PROPTEST_CASES={cases} \
                 cargo test -p {package} --test fuzz -- --nocapture)"
            ));
        }
    }
    println!("| target | cases | crashes | seconds |");
    println!("|---|---:|---:|---:|");
    for r in &rows {
        println!(
            "| {} | {} | {} | {} |",
            r.target, r.cases, r.crashes, r.seconds
        );
        crate::summary::add(
            "fuzz (proptest)",
            &r.target,
            format!("{} cases, {} crashes, {} s", r.cases, r.crashes, r.seconds),
            "0 crashes",
            Some(r.crashes == "0"),
        );
    }
    if !inputs.is_empty() {
        println!("\nInputs met:\n");
        for line in &inputs {
            println!("- {line}");
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("fuzz: a target failed in {}", failed.join(", ")))
    }
}
