//! `cargo xtask api-fuzz`: schemathesis (from PyPI, pinned in
//! `tools/schemathesis/requirements.txt`) against a fresh debug server and the OpenAPI document
//! it serves, with every check, a fixed seed and a fixed number of examples per operation; then
//! every documented write sent as a browser on another site would send it, which must be
//! refused. Prints a markdown table; fails on any server error, any answer that breaks the
//! document, or any write not refused.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use serde_json::Value;

use crate::util::{self, Result, root};

/// Test cases per operation and phase, and the seed: the same run every time, a few minutes.
const MAX_EXAMPLES: u32 = 100;
/// `API_FUZZ_SEED` picks another seed, to look further than the fixed run.
const SEED: u64 = 20_261_124;

fn seed() -> u64 {
    std::env::var("API_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(SEED)
}

/// The staff account the fuzzer signs in as: the window (综合窗口) sees every application.
const STAFF_USER: &str = "window";

/// What schemathesis is told besides the command line. Everything it must not check, and why,
/// is here.
const CONFIG: &str = r#"
# Written by `cargo xtask api-fuzz` (xtask/src/api_fuzz.rs) for one run.
hooks = "@HOOKS@"

# Checks relaxed for some operations, by design:
#
# 1. A wrong second factor (POST .../open) is a 422 naming the field (draft.factor_wrong,
#    application.factor_wrong), as every answer the applicant typed wrong; no schema can say
#    which factor is right.
[[operations]]
include-path-regex = "^/v1/(drafts|applications)/[^/]+/open$"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]

# 2. A body naming a matter or bundle is a 422 when the catalogue has none by that code or the
#    answers do not fit its questions (subject.unknown, answers.*), and applying online needs
#    both consents (consent.required); a saved draft's values are keyed by the form's fields
#    (field.unknown). The catalogue is data read at start, not part of the document.
[[operations]]
include-path = ["/v1/checklists", "/v1/drafts", "/v1/applications"]
include-method = "POST"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]

[[operations]]
include-path = "/v1/drafts/{token}"
include-method = "PUT"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]

# 3. An upload is a 422 unless `material` is one the situation asks for and `file` is a real
#    photo or PDF within the material's rules (file.*): the bytes are checked, not the schema.
[[operations]]
include-path-regex = "^/v1/(drafts|applications)/[^/]+/files$"
include-method = "POST"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]

# The staff operations take the session cookie of POST /v1/staff/session (the security scheme
# `staff_session` of the document): schemathesis signs in as the window once, and the
# ignored_auth check sends each of them without it and with a wrong one too.
[auth.dynamic.openapi.staff_session]
path = "/v1/staff/session"
payload = { username = "@USER@", password = "@PASSWORD@" }
extract_from = "cookie"
extract_selector = "onetrip_staff"
"#;

/// Schemathesis hooks (Python). The API's contract is a fresh `Idempotency-Key` for every new
/// request (the app makes one per press); the same key with another body is refused with 422
/// on purpose (`a_retried_feedback_is_stored_once` in crates/server/tests/api.rs). The fuzzer
/// draws keys from the documented pattern and repeats them, so each well-formed key is
/// replaced by a fresh one; a malformed key is sent as drawn, for the negative tests.
const HOOKS: &str = r#"
# Written by `cargo xtask api-fuzz` (xtask/src/api_fuzz.rs).
import itertools
import re

import schemathesis

UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
FRESH = itertools.count(1)


@schemathesis.hook
def before_call(context, case, kwargs):
    headers = case.headers or {}
    for name, value in list(headers.items()):
        if name.lower() == "idempotency-key" and isinstance(value, str) and UUID.match(value):
            headers[name] = "00000000-0000-4000-8000-%012x" % next(FRESH)
"#;

pub fn run() -> Result {
    let st = install()?;
    util::exec(util::cargo().args(["build", "-p", "onetrip-server"]))?;
    let out = root().join("target/api-fuzz");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let tmp = util::temp_dir("onetrip-api-fuzz")?;
    let result = Server::start(&tmp).and_then(|server| {
        let fuzzed = fuzz(&st, &server, &out);
        let refused = cross_site(server.port);
        let (fuzzed, refused) = (fuzzed?, refused?);
        let version = pinned()?;
        println!("\n## API fuzzing: schemathesis {version} against the debug server\n");
        println!(
            "| run | operations | test cases | server errors | schema violations \
             | status codes | content types | other failures |"
        );
        println!("|---|---:|---:|---:|---:|---:|---:|---:|");
        println!("{}", fuzzed.row());
        println!("{}", refused.row());
        fuzzed.summarise();
        refused.summarise();
        println!(
            "\nseed {}, {MAX_EXAMPLES} examples per operation; logs and reports in {}",
            seed(),
            out.display()
        );
        fuzzed.verdict().and(refused.verdict())
    });
    let _ = std::fs::remove_dir_all(&tmp);
    result
}

/// The venv with the pinned packages; installs only when the requirements changed.
fn install() -> Result<PathBuf> {
    let dir = root().join("tools/schemathesis");
    let venv = dir.join(".venv");
    let st = venv.join("bin/st");
    let wanted = std::fs::read_to_string(dir.join("requirements.txt"))
        .map_err(|e| format!("tools/schemathesis/requirements.txt: {e}"))?;
    let stamp = venv.join("onetrip-requirements.txt");
    let version = pinned()?;
    let installed = util::output(Command::new(&st).arg("--version"))
        .is_some_and(|v| v.trim().ends_with(&version))
        && std::fs::read_to_string(&stamp).is_ok_and(|s| s == wanted);
    if installed {
        return Ok(st);
    }
    if !venv.join("bin/python").exists() {
        let python = ["python3.11", "python3"]
            .into_iter()
            .find(|p| util::output(Command::new(p).arg("--version")).is_some())
            .ok_or("api-fuzz needs Python 3 (python3.11 or python3) with venv")?;
        util::exec(Command::new(python).arg("-m").arg("venv").arg(&venv))?;
    }
    util::exec(
        Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(dir.join("requirements.txt")),
    )?;
    std::fs::write(&stamp, wanted).map_err(|e| e.to_string())?;
    Ok(st)
}

/// The schemathesis version pinned in requirements.txt.
fn pinned() -> Result<String> {
    let text = std::fs::read_to_string(root().join("tools/schemathesis/requirements.txt"))
        .map_err(|e| format!("tools/schemathesis/requirements.txt: {e}"))?;
    text.lines()
        .find_map(|l| l.trim().strip_prefix("schemathesis=="))
        .map(str::to_owned)
        .ok_or_else(|| "requirements.txt pins no schemathesis version".into())
}

/// The debug server on a fresh SQLite database with the demo staff accounts; killed (by its
/// PID, it is our child) when dropped.
struct Server {
    child: Child,
    port: u16,
    password: String,
}

impl Server {
    fn start(tmp: &Path) -> Result<Server> {
        let bin = root().join("target/debug/onetrip-server");
        let db = format!("sqlite://{}/fuzz.db", tmp.display());
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let password = format!("fuzz-{nanos:x}");
        let seeded = Command::new(&bin)
            .arg("seed")
            .current_dir(root())
            .env("DATABASE_URL", &db)
            .env("ONETRIP_DEMO_PASSWORD", &password)
            .stdout(Stdio::null())
            .status()
            .map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
        if !seeded.success() {
            return Err(format!("onetrip-server seed failed ({seeded})"));
        }
        let port = util::free_port()?;
        let child = Command::new(&bin)
            .current_dir(root())
            .env("ONETRIP_ADDR", format!("127.0.0.1:{port}"))
            .env("DATABASE_URL", &db)
            .env("ONETRIP_FILES", tmp.join("files"))
            .env("RUST_LOG", "warn")
            // Thousands of requests, and many lookups that find nothing, from one address.
            .env("ONETRIP_RATE_READ", "1000000/60")
            .env("ONETRIP_RATE_WRITE", "1000000/60")
            .env("ONETRIP_RATE_GUESS", "1000000/60")
            .stdout(Stdio::null())
            .stderr(
                std::fs::File::create(root().join("target/api-fuzz/server.log"))
                    .map(Stdio::from)
                    .unwrap_or(Stdio::inherit()),
            )
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
        let server = Server {
            child,
            port,
            password,
        };
        util::wait_for_http(port, "/api/health", 60)?;
        Ok(server)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One line of the table.
#[derive(Default)]
struct Outcome {
    run: String,
    operations: u64,
    cases: u64,
    server_errors: u64,
    schema: u64,
    status: u64,
    content_type: u64,
    other: u64,
    /// What went wrong, one line each.
    findings: Vec<String>,
}

impl Outcome {
    fn row(&self) -> String {
        format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            self.run,
            self.operations,
            self.cases,
            self.server_errors,
            self.schema,
            self.status,
            self.content_type,
            self.other
        )
    }

    fn summarise(&self) {
        crate::summary::add(
            "API fuzzing (schemathesis)",
            &self.run,
            format!(
                "{} operations, {} cases: {} server errors, {} schema violations, {} other findings",
                self.operations,
                self.cases,
                self.server_errors,
                self.schema,
                self.findings.len()
            ),
            "no finding",
            Some(self.findings.is_empty()),
        );
    }

    fn verdict(&self) -> Result {
        if self.findings.is_empty() {
            return Ok(());
        }
        for f in &self.findings {
            eprintln!("  {f}");
        }
        Err(format!("{}: {} finding(s)", self.run, self.findings.len()))
    }
}

/// Schemathesis, all checks, against the document the server serves.
fn fuzz(st: &Path, server: &Server, out: &Path) -> Result<Outcome> {
    let config = out.join("schemathesis.toml");
    let hooks = out.join("hooks.py");
    std::fs::write(&hooks, HOOKS).map_err(|e| e.to_string())?;
    let data = Fixtures::make(server.port)?;
    let text = CONFIG
        .replace("@HOOKS@", &hooks.display().to_string())
        .replace("@USER@", STAFF_USER)
        .replace("@PASSWORD@", &server.password)
        + &data.config();
    std::fs::write(&config, text).map_err(|e| e.to_string())?;
    let report = out.join("report.json");
    let log = out.join("schemathesis.log");
    let mut cmd = Command::new(st);
    // Its cache (.schemathesis/) goes beside the reports, not into the working tree.
    cmd.current_dir(out)
        .arg("--config-file")
        .arg(&config)
        .arg("run")
        .arg(format!("http://127.0.0.1:{}/api/openapi.json", server.port))
        .args(["--checks", "all"])
        .args(["--max-examples", &MAX_EXAMPLES.to_string()])
        .args(["--seed", &seed().to_string()])
        // As the app sends every write; a cross-site write is refused (see `cross_site`).
        .args(["--header", "Sec-Fetch-Site: same-origin"])
        // One worker: with two, hypothesis parses lambda sources in two threads at once and
        // CPython 3.11 fails with "AST constructor recursion depth mismatch".
        .args(["--workers", "1", "--no-color"])
        .args(["--report", "json"])
        .arg("--report-json-path")
        .arg(&report)
        .stdout(std::fs::File::create(&log).map_err(|e| e.to_string())?)
        .stderr(Stdio::inherit());
    eprintln!("$ {}  > {}", util::describe(&cmd), log.display());
    let started = Instant::now();
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run schemathesis: {e}"))?;
    eprintln!(
        "schemathesis finished in {:.0} s ({status})",
        started.elapsed().as_secs_f64()
    );
    let text = std::fs::read_to_string(&report).map_err(|e| {
        format!(
            "schemathesis wrote no report ({e}); see {} ({status})",
            log.display()
        )
    })?;
    let json: Value = serde_json::from_str(&text).map_err(|e| format!("report.json: {e}"))?;
    let mut o = Outcome {
        run: format!(
            "schemathesis, all checks ({:.0} s)",
            started.elapsed().as_secs_f64()
        ),
        operations: json["operations"]["tested"].as_u64().unwrap_or(0),
        cases: json["test_cases"]["generated"].as_u64().unwrap_or(0),
        ..Outcome::default()
    };
    for f in json["failures"].as_array().into_iter().flatten() {
        let code = f["code"].as_str().unwrap_or("?");
        let count = f["count"].as_u64().unwrap_or(1);
        match code {
            "ST101" | "ST102" => o.server_errors += count,
            "ST107" | "ST108" | "ST109" | "ST110" | "ST111" => o.schema += count,
            "ST103" => o.status += count,
            "ST104" | "ST105" | "ST106" => o.content_type += count,
            _ => o.other += count,
        }
        let ops: Vec<&str> = f["operations"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        o.findings.push(format!(
            "{code} {} ({count}): {}",
            f["title"].as_str().unwrap_or(""),
            ops.join(", ")
        ));
    }
    for e in json["errors"].as_array().into_iter().flatten() {
        o.other += 1;
        o.findings.push(format!("error: {e}"));
    }
    if json["operations"]["tested"] != json["operations"]["selected"] {
        o.findings.push(format!(
            "only {} of {} operations tested",
            json["operations"]["tested"], json["operations"]["selected"]
        ));
    }
    if !o.findings.is_empty() {
        o.findings
            .push(format!("details and curl lines: {}", log.display()));
    }
    Ok(o)
}

/// A parameter (`path.token`, `body.material`...) and the dictionary it draws from.
type Binding<'a> = (&'a str, &'a str);

/// Things that exist on the server, made before the run, so that half of the cases name one
/// and reach past "not found": the catalogue's codes, a checklist, a draft, a submitted
/// application, a booking and its check-in code (办件码).
struct Fixtures {
    matters: Vec<String>,
    bundles: Vec<String>,
    departments: Vec<String>,
    checklist: String,
    draft: (String, String),
    application: (String, String),
    booking: (String, String),
}

/// A matter with no situational questions, no uploads (its documents come from data sharing)
/// and a short form; and one booked at a window.
const SIMPLE_MATTER: &str = "flexible-employment-insurance";
const BOOKED_MATTER: &str = "exit-entry-permit";
/// A matter with no questions whose draft asks for uploads: both sides of an ID card and a
/// site plan, so that the fuzzer's bytes reach the file checks.
const UPLOAD_MATTER: &str = "road-occupation-permit";
const UPLOAD_MATERIALS: [&str; 2] = ["id-card", "site-plan"];

impl Fixtures {
    fn make(port: u16) -> Result<Fixtures> {
        let catalog = call(port, "GET", "/api/v1/catalog", &[], None, 200)?;
        let codes = |list: &str| -> Vec<String> {
            catalog[list]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|x| x["code"].as_str().map(str::to_owned))
                .collect()
        };
        let subject = serde_json::json!({"kind": "matter", "code": SIMPLE_MATTER});
        let consent = serde_json::json!({"privacy": true, "sensitive": true});
        let checklist = call(
            port,
            "POST",
            "/api/v1/checklists",
            &[("Idempotency-Key", "00000000-0000-4000-9000-000000000000")],
            Some(serde_json::json!({"subject": subject, "answers": {}})),
            201,
        )?;
        let new_draft = |k: &str| {
            call(
                port,
                "POST",
                "/api/v1/drafts",
                &[("Idempotency-Key", k)],
                Some(serde_json::json!({"subject": subject, "answers": {}, "consent": consent})),
                201,
            )
            .map(|d| (str_of(&d["draft"]["token"]), str_of(&d["key"])))
        };
        let draft = call(
            port,
            "POST",
            "/api/v1/drafts",
            &[("Idempotency-Key", "00000000-0000-4000-9000-000000000001")],
            Some(serde_json::json!({
                "subject": {"kind": "matter", "code": UPLOAD_MATTER}, "answers": {}, "consent": consent
            })),
            201,
        )
        .map(|d| (str_of(&d["draft"]["token"]), str_of(&d["key"])))?;
        // A second draft, submitted: its key becomes the application's key.
        let (token, key) = new_draft("00000000-0000-4000-9000-000000000002")?;
        let submitted = call(
            port,
            "POST",
            "/api/v1/applications",
            &[
                ("Idempotency-Key", "00000000-0000-4000-9000-000000000003"),
                ("X-Draft-Key", &key),
            ],
            Some(serde_json::json!({
                "subject": subject, "answers": {}, "consent": consent, "draft": token,
                "data": {
                    "values": {
                        "applicant.name": "王五",
                        // A made-up number with a valid check digit (the tests' ADULT).
                        "applicant.id_number": "330106198001010021",
                        "applicant.mobile": "13812345678",
                        "residence.address": "杭州市西湖区文三路 1 号",
                        "payroll.start_date": "2026-12-01"
                    },
                    "groups": {},
                    "declarations": ["hrss"]
                }
            })),
            201,
        )?;
        let application = (str_of(&submitted["number"]), key);
        let slots = call(
            port,
            "GET",
            &format!("/api/v1/matters/{BOOKED_MATTER}/slots"),
            &[],
            None,
            200,
        )?;
        let (hall, window, date, start) = slots["windows"]
            .as_array()
            .into_iter()
            .flatten()
            .find_map(|w| {
                w["days"].as_array()?.iter().find_map(|d| {
                    let slot = d["slots"]
                        .as_array()?
                        .iter()
                        .find(|s| s["left"].as_u64().is_some_and(|n| n > 0))?;
                    Some((
                        str_of(&w["hall"]),
                        str_of(&w["window"]),
                        str_of(&d["date"]),
                        str_of(&slot["start"]),
                    ))
                })
            })
            .ok_or("no free slot to book for the fuzzer")?;
        let booked = call(
            port,
            "POST",
            "/api/v1/bookings",
            &[("Idempotency-Key", "00000000-0000-4000-9000-000000000004")],
            Some(serde_json::json!({
                "matter": BOOKED_MATTER, "hall": hall, "window": window, "date": date,
                "start": start, "name": "王五", "id_number": "330106198001010021",
                "mobile": "13812345678"
            })),
            201,
        )?;
        Ok(Fixtures {
            matters: codes("matters"),
            bundles: codes("bundles"),
            departments: codes("departments"),
            checklist: str_of(&checklist["id"]),
            draft,
            application,
            booking: (str_of(&booked["token"]), str_of(&booked["checkin"]["code"])),
        })
    }

    /// Dictionaries of these values, and which parameters draw from them (half of the time).
    fn config(&self) -> String {
        let one = |v: &str| vec![v.to_owned()];
        let subjects: Vec<String> = self.matters.iter().chain(&self.bundles).cloned().collect();
        let dictionaries: [(&str, Vec<String>); 15] = [
            ("material", UPLOAD_MATERIALS.map(str::to_owned).to_vec()),
            ("slot", vec!["front".into(), "back".into(), "pages".into()]),
            ("matters", self.matters.clone()),
            ("bundles", self.bundles.clone()),
            ("departments", self.departments.clone()),
            ("subjects", subjects),
            ("for_kind", vec!["person".into(), "company".into()]),
            (
                "notice",
                vec![
                    "accepted".into(),
                    "not_accepted".into(),
                    "correction".into(),
                ],
            ),
            ("checklist", one(&self.checklist)),
            ("draft_token", one(&self.draft.0)),
            ("draft_key", one(&self.draft.1)),
            ("number", one(&self.application.0)),
            ("application_key", one(&self.application.1)),
            ("booking", one(&self.booking.0)),
            ("checkin", one(&self.booking.1)),
        ];
        let mut out = String::from("\n# Values that exist on this server (`Fixtures`).\n");
        for (name, values) in &dictionaries {
            out += &format!(
                "[dictionaries.{name}]\nvalues = {}\n",
                serde_json::to_string(values).unwrap_or_default()
            );
        }
        // Each operation is matched by one group at most: `parameters` are not merged.
        let groups: [(&str, &[Binding]); 12] = [
            (
                r"^/v1/drafts/\\{token\\}",
                &[
                    ("path.token", "draft_token"),
                    ("header.X-Draft-Key", "draft_key"),
                    ("body.material", "material"),
                    ("body.slot", "slot"),
                ],
            ),
            (
                r"^/v1/(applications|views/applications|staff/applications|staff/followups)/\\{number\\}",
                &[
                    ("path.number", "number"),
                    ("header.X-Application-Key", "application_key"),
                    ("path.kind", "notice"),
                ],
            ),
            (
                r"^/v1/(matters|views/matters)/\\{code\\}",
                &[("path.code", "matters")],
            ),
            (
                r"^/v1/(bundles|views/bundles)/\\{code\\}",
                &[("path.code", "bundles")],
            ),
            (r"^/v1/views/departments/", &[("path.code", "departments")]),
            (r"^/v1/views/for/", &[("path.kind", "for_kind")]),
            (
                r"^/v1/(checklists|views/checklists)/\\{id\\}",
                &[("path.id", "checklist")],
            ),
            (r"^/v1/bookings/\\{token\\}", &[("path.token", "booking")]),
            (
                r"^/v1/(counter|staff/counter|staff/bookings)/\\{code\\}",
                &[("path.code", "checkin")],
            ),
            (r"^/v1/matters$", &[("query.department", "departments")]),
            (
                r"^/v1/(checklists|drafts|applications)$",
                &[("body.subject.code", "subjects")],
            ),
            (r"^/v1/bookings$", &[("body.matter", "matters")]),
        ];
        for (path, bindings) in groups {
            let bound: Vec<String> = bindings
                .iter()
                .map(|(param, dict)| {
                    format!("\"{param}\" = {{ dictionary = \"{dict}\", probability = 0.5 }}")
                })
                .collect();
            out += &format!(
                "\n[[operations]]\ninclude-path-regex = \"{path}\"\nparameters = {{ {} }}\n",
                bound.join(", ")
            );
        }
        out
    }
}

/// A string field of an answer, or "".
fn str_of(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

/// One same-origin JSON request that must answer `want`; its JSON body.
fn call(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
    want: u16,
) -> Result<Value> {
    let mut all = vec![("Sec-Fetch-Site", "same-origin")];
    let text = body.map(|b| b.to_string()).unwrap_or_default();
    if !text.is_empty() {
        all.push(("Content-Type", "application/json"));
    }
    all.extend_from_slice(headers);
    let (status, answer) = http(port, method, path, &all, &text)?;
    if status != want {
        return Err(format!("{method} {path}: {status} {answer}"));
    }
    serde_json::from_str(&answer).map_err(|e| format!("{method} {path}: {e}"))
}

/// Every documented write, sent as a browser sends it from another site (`Sec-Fetch-Site:
/// cross-site`, or only an `Origin` that is not ours): each must be a 403 `cross_site`
/// envelope, whatever the body and whether or not the resource exists.
fn cross_site(port: u16) -> Result<Outcome> {
    let (status, body) = http(port, "GET", "/api/openapi.json", &[], "")?;
    if status != 200 {
        return Err(format!("GET /api/openapi.json answered {status}"));
    }
    let doc: Value = serde_json::from_str(&body).map_err(|e| format!("openapi.json: {e}"))?;
    let mut o = Outcome {
        run: "cross-site writes refused".into(),
        ..Outcome::default()
    };
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in ["post", "put", "patch", "delete"] {
            if item.get(method).is_none() {
                continue;
            }
            o.operations += 1;
            let uri = format!("/api{}", fill_path(path));
            let m = method.to_uppercase();
            for header in [
                ("Sec-Fetch-Site", "cross-site"),
                ("Origin", "https://evil.example"),
            ] {
                o.cases += 1;
                let headers = [("Content-Type", "application/json"), header];
                let (status, body) = http(port, &m, &uri, &headers, "{}")?;
                let refused = status == 403
                    && serde_json::from_str::<Value>(&body)
                        .is_ok_and(|j| j["error"]["code"] == "cross_site");
                if !refused {
                    o.other += 1;
                    o.findings
                        .push(format!("{m} {path} with {}: {status} {body}", header.0));
                }
            }
        }
    }
    Ok(o)
}

/// A documented path with every `{parameter}` filled in.
fn fill_path(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        match rest[open..].find('}') {
            Some(close) => {
                out.push_str("x1");
                rest = &rest[open + close + 1..];
            }
            None => {
                rest = &rest[open..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// One HTTP/1.1 request on loopback: the status and the body.
fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Result<(u16, String)> {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).map_err(|e| e.to_string())?;
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| format!("{method} {path}: no HTTP answer"))?;
    let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("{method} {path}: bad status line"))?;
    let rest = &raw[end + 4..];
    let data = if head.contains("\r\ntransfer-encoding: chunked") {
        dechunk(rest)
    } else {
        rest.to_vec()
    };
    Ok((status, String::from_utf8_lossy(&data).into_owned()))
}

/// A chunked body's data.
fn dechunk(mut rest: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = rest.windows(2).position(|w| w == b"\r\n") {
        let size = String::from_utf8_lossy(&rest[..eol]);
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        let data = &rest[eol + 2..];
        if n == 0 || data.len() < n {
            break;
        }
        out.extend_from_slice(&data[..n]);
        rest = data[n..].strip_prefix(b"\r\n").unwrap_or(&data[n..]);
    }
    out
}
