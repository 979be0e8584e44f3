//! `cargo xtask test`: everything CI runs, in order, counting passes and failures. Checks that
//! cannot run are failures under `CI=true`, never silent skips.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};

use crate::util::{self, Result, cargo, root};

#[derive(Default)]
struct Tally {
    passed: u64,
    failed: u64,
    skipped: u64,
    failures: Vec<String>,
}

impl Tally {
    /// A check that is one unit (fmt, clippy, the budget).
    fn check(&mut self, name: &str, result: Result) {
        match result {
            Ok(()) => {
                eprintln!("ok: {name}");
                self.passed += 1;
            }
            Err(e) => {
                eprintln!("FAILED: {name}: {e}");
                self.failed += 1;
                self.failures
                    .push(format!("{name}: {}", e.lines().next().unwrap_or_default()));
            }
        }
    }

    /// Something that could not run: a failure on CI, a loud skip elsewhere.
    fn unavailable(&mut self, name: &str, why: &str) {
        if util::is_ci() {
            self.check(name, Err(format!("cannot run on CI: {why}")));
        } else {
            eprintln!("SKIPPED: {name}: {why}");
            self.skipped += 1;
        }
    }
}

/// Run a test runner, echoing its output, and count the results it reports.
fn counted(cmd: &mut Command, parse: fn(&str, &mut (u64, u64))) -> (u64, u64, bool) {
    eprintln!("$ {}", util::describe(cmd));
    let mut child = match cmd.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cannot run: {e}");
            return (0, 0, false);
        }
    };
    let mut counts = (0, 0);
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(|l| l.ok()) {
            println!("{line}");
            parse(&line, &mut counts);
        }
    }
    let ok = child.wait().map(|s| s.success()).unwrap_or(false);
    (counts.0, counts.1, ok)
}

/// `test result: ok. 12 passed; 0 failed; ...`
fn parse_cargo_test(line: &str, counts: &mut (u64, u64)) {
    let Some(rest) = line.trim().strip_prefix("test result: ") else {
        return;
    };
    let number_before = |word: &str| {
        rest.split(';')
            .find_map(|part| {
                part.trim()
                    .strip_suffix(word)
                    .and_then(|n| n.split_whitespace().last()?.parse::<u64>().ok())
            })
            .unwrap_or(0)
    };
    counts.0 += number_before(" passed");
    counts.1 += number_before(" failed");
}

fn no_parse(_: &str, _: &mut (u64, u64)) {}

/// The one native build of the test command: the Rust tests, the end-to-end server and the
/// privacy scan all use it, so that nothing is compiled twice with other features.
pub const TEST_BUILD: [&str; 4] = [
    "test",
    "--workspace",
    "--features",
    "onetrip-server/test-clock",
];

/// The server binary of the test build (built if it is not there yet): the end-to-end tests
/// and the bench's browser measurements run against it.
pub fn server_binary() -> Result<std::path::PathBuf> {
    util::exec(cargo().args(TEST_BUILD).arg("--no-run"))?;
    Ok(root().join("target/debug/onetrip-server"))
}

pub fn run() -> ExitCode {
    let started = std::time::Instant::now();
    let mut tally = Tally::default();
    if let Err(e) = crate::setup::run(crate::setup::Need::Test) {
        tally.check("setup", Err(e));
        return finish(tally, started);
    }

    tally.check(
        "cargo fmt --check",
        util::exec(cargo().args(["fmt", "--all", "--", "--check"])),
    );
    tally.check(
        "clippy (native, all targets)",
        util::exec(cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--features",
            "onetrip-server/test-clock",
            "--",
            "-D",
            "warnings",
        ])),
    );
    tally.check(
        "clippy (app for wasm32)",
        util::exec(cargo().args([
            "clippy",
            "-p",
            "onetrip",
            "-p",
            "onetrip-domain",
            "-p",
            "onetrip-api",
            "--target",
            "wasm32-unknown-unknown",
            "--",
            "-D",
            "warnings",
        ])),
    );
    tally.check(
        "domain builds for wasm32",
        util::exec(cargo().args([
            "build",
            "-p",
            "onetrip-domain",
            "--target",
            "wasm32-unknown-unknown",
        ])),
    );

    // Rust tests, with a throwaway PostgreSQL for the storage tests when one can be had.
    let cluster = match crate::postgres::bin_dir() {
        Some(_) => match crate::postgres::Cluster::start() {
            Ok(c) => Some(c),
            Err(e) => {
                tally.check("start PostgreSQL", Err(e));
                None
            }
        },
        None => {
            tally.unavailable(
                "PostgreSQL storage tests",
                "no PostgreSQL server (apt-get install postgresql)",
            );
            None
        }
    };
    let mut test = cargo();
    test.args(TEST_BUILD).arg("--no-fail-fast");
    match &cluster {
        Some(c) => test.env("ONETRIP_TEST_POSTGRES_URL", &c.url),
        None => test.env_remove("ONETRIP_TEST_POSTGRES_URL"),
    };
    let (passed, failed, ok) = counted(&mut test, parse_cargo_test);
    tally.passed += passed;
    tally.failed += failed;
    if !ok && failed == 0 {
        tally.check("cargo test", Err("did not finish (build failure?)".into()));
    } else if failed > 0 {
        tally.failures.push(format!("cargo test: {failed} failed"));
    }
    drop(cluster);

    // The release builds of the three apps and their size budgets.
    let built = crate::build::app();
    let dist = match built {
        Ok(d) => d,
        Err(e) => {
            tally.check("app release build", Err(e));
            return finish(tally, started);
        }
    };
    tally.check(
        "app release builds (guidance, application flow, progress, staff side, booking)",
        Ok(()),
    );
    tally.check(
        "first-load size budgets (guidance 150 KB, application flow 240 KB, materials step 200 KB, progress 140 KB, staff side 215 KB, booking 140 KB, brotli)",
        crate::build::check_budget(&dist).map(|table| eprint!("{table}")),
    );
    tally.check(
        "wasm growth: each app at most 3 KB (brotli) over xtask/wasm-baseline.txt",
        crate::build::check_wasm_baseline(&dist).map(|table| eprint!("{table}")),
    );

    // The Playwright suite against the real server binary on a throwaway database.
    if !Path::new(&crate::setup::chromium_path()).exists() {
        tally.unavailable(
            "end-to-end tests",
            "no Chromium (apt-get install chromium chromium-driver fonts-noto-cjk)",
        );
    } else {
        match e2e(&mut tally) {
            Ok(()) => {}
            Err(e) => tally.check("end-to-end tests", Err(e)),
        }
    }
    finish(tally, started)
}

fn e2e(tally: &mut Tally) -> Result {
    // The server binary the Rust tests already built, with the same features: `cargo build -p`
    // would resolve features without the dev-dependencies and build the crates a second time.
    let server_bin = server_binary()?;
    let port = util::free_port()?;
    let tmp = util::temp_dir("onetrip-e2e")?;
    let base = format!("http://127.0.0.1:{port}");
    // The demo staff accounts, with a password fresh for each run (`onetrip-server seed`).
    let staff_password = format!("e2e-{port}-{}-staff", std::process::id());
    let database_url = format!("sqlite://{}/e2e.db", tmp.display());
    util::exec(
        Command::new(&server_bin)
            .arg("seed")
            .current_dir(root())
            .env("DATABASE_URL", &database_url)
            .env("ONETRIP_CATALOG", root().join("catalog"))
            .env("ONETRIP_DEMO_PASSWORD", &staff_password)
            .stdout(Stdio::null()),
    )?;
    let mut server = Command::new(&server_bin)
        .current_dir(root())
        .env("ONETRIP_ADDR", format!("127.0.0.1:{port}"))
        .env("DATABASE_URL", &database_url)
        .env("ONETRIP_DIST", root().join("dist"))
        .env("ONETRIP_CATALOG", root().join("catalog"))
        .env("PUBLIC_BASE_URL", &base)
        .env("ONETRIP_TEST_CLOCK", "1")
        .env("ONETRIP_RATE_READ", "100000/60")
        .env("ONETRIP_RATE_WRITE", "100000/60")
        .env("ONETRIP_RATE_GUESS", "100000/60")
        // Every request's path is logged at info: the privacy scan reads it afterwards.
        .env("RUST_LOG", "info")
        .stdout(log_file(&tmp.join("server.log"))?)
        .stderr(log_file(&tmp.join("server.log"))?)
        .spawn()
        .map_err(|e| format!("{}: {e}", server_bin.display()))?;
    let privacy = tmp.join("privacy");
    let result = (|| {
        util::wait_for_http(port, "/api/health", 30)?;
        let report = tmp.join("playwright.json");
        let mut cmd = Command::new("npx");
        cmd.args(["playwright", "test", "--reporter=list,json"])
            .current_dir(root().join("e2e"))
            .env("BASE_URL", &base)
            .env("STAFF_PASSWORD", &staff_password)
            .env("PLAYWRIGHT_JSON_OUTPUT_NAME", &report)
            .env("PRIVACY_DIR", &privacy)
            .env("CHROMIUM_PATH", crate::setup::chromium_path());
        let (_, _, ok) = counted(&mut cmd, no_parse);
        let json =
            std::fs::read_to_string(&report).map_err(|e| format!("no Playwright report: {e}"))?;
        let v: serde_json::Value = serde_json::from_str(&json).map_err(|e| e.to_string())?;
        let stat = |k: &str| v["stats"][k].as_u64().unwrap_or(0);
        let (expected, unexpected, flaky) = (stat("expected"), stat("unexpected"), stat("flaky"));
        tally.passed += expected;
        // A flaky test passed only on retry: count it as failed, it needs attention.
        tally.failed += unexpected + flaky;
        if unexpected + flaky > 0 {
            tally
                .failures
                .push(format!("playwright: {unexpected} failed, {flaky} flaky"));
        }
        if expected == 0 {
            return Err("Playwright ran no test".into());
        }
        if !ok && unexpected + flaky == 0 {
            return Err("Playwright exited with an error".into());
        }
        Ok(())
    })();
    let _ = server.kill();
    let _ = server.wait();
    if result.is_ok() {
        tally.check(
            "privacy scan: no full ID or phone number in the server log, the database's other tables, any URL, browser storage or cookie",
            privacy_scan(&tmp, &privacy),
        );
    }
    let _ = std::fs::remove_dir_all(&tmp);
    result
}

fn log_file(path: &Path) -> Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// `crates/server/tests/pii_scan.rs` on what the end-to-end run left (the dev profile's
/// build of the server's tests is already there from the Rust tests).
fn privacy_scan(tmp: &Path, privacy: &Path) -> Result {
    let out = cargo()
        .args(TEST_BUILD)
        .args(["--test", "pii_scan", "--", "--ignored", "--nocapture"])
        .env("ONETRIP_SCAN_LOG", tmp.join("server.log"))
        .env("ONETRIP_SCAN_DB", tmp.join("e2e.db"))
        .env("ONETRIP_SCAN_DIR", privacy)
        .output()
        .map_err(|e| format!("cannot run cargo test: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if let Some(line) = stdout.lines().find(|l| l.contains("privacy scan:")) {
        eprintln!("{}", line.trim());
    }
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("{stdout}{}", String::from_utf8_lossy(&out.stderr)))
    }
}

fn finish(tally: Tally, started: std::time::Instant) -> ExitCode {
    eprintln!();
    for f in &tally.failures {
        eprintln!("failed: {f}");
    }
    let secs = started.elapsed().as_secs();
    eprintln!("took {}m{:02}s", secs / 60, secs % 60);
    let skipped = if tally.skipped > 0 {
        format!(", {} skipped", tally.skipped)
    } else {
        String::new()
    };
    println!("{} passed, {} failed{skipped}", tally.passed, tally.failed);
    if tally.failed == 0 && tally.failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cargo_test_summaries() {
        let mut c = (0, 0);
        parse_cargo_test(
            "test result: ok. 12 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s",
            &mut c,
        );
        parse_cargo_test("test result: FAILED. 3 passed; 2 failed; 0 ignored", &mut c);
        parse_cargo_test("running 5 tests", &mut c);
        assert_eq!(c, (15, 2));
    }
}
