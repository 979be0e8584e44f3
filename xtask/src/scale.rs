//! `cargo xtask scale`: two servers on two ports sharing one PostgreSQL and one S3-compatible
//! object store (s3s-fs, a real S3 protocol server from crates.io), driven over HTTP the way
//! the apps drive them. A document uploaded on one is listed and downloaded on the other, one
//! submission sent to both (also at the same moment) is stored once, a staff session made on
//! one works on the other, and a staff action taken on one reaches an applicant polling the
//! other within 2 s. Prints markdown tables and fails when any of it does not hold. Everything
//! it starts is killed by PID at the end, on failure too.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::util::{self, Result, root};

/// The newest s3s-fs that builds with the project's Rust 1.95 (0.15 and later need 1.96).
const S3S_FS_VERSION: &str = "0.14.1";
const BUCKET: &str = "onetrip-scale";
const PREFIX: &str = "documents";
const ACCESS_KEY: &str = "onetrip-scale";
const SECRET_KEY: &str = "onetrip-scale-secret-key";
const STAFF_PASSWORD: &str = "scale-test-staff-password";
/// Both instances have the address of the load balancer in front of them.
const PUBLIC_BASE_URL: &str = "https://onetrip.example";
/// The longest an applicant may wait to see a staff action (issue 9).
const LIMIT: Duration = Duration::from_secs(2);
/// Rounds of one submission sent to both instances at the same moment.
const ROUNDS: usize = 3;
/// Copies of that submission in a round, half to each instance.
const COPIES: usize = 8;

/// One application's way through: the window accepts, then each department approves its
/// matter (企业开办: registration first, the others after it).
const STEPS: &[(&str, &str, Option<&str>)] = &[
    ("window", "accept", None),
    ("amr", "approve", Some("company-registration")),
    ("police", "approve", Some("seal-engraving")),
    ("tax", "approve", Some("invoice-application")),
    ("bank", "approve", Some("bank-account")),
    ("hrss", "approve", Some("social-insurance-registration")),
    ("housing-fund", "approve", Some("housing-fund-registration")),
];

pub fn run() -> Result {
    let began = Instant::now();
    let s3s = s3s_fs()?;
    let tmp = util::temp_dir("onetrip-scale")?;
    let result = server_with_s3(&tmp).and_then(|server| scale(&s3s, &server, &tmp));
    if result.is_err() {
        for log in ["a.log", "b.log", "s3s-fs.log"] {
            let text = std::fs::read_to_string(tmp.join(log)).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            eprintln!("--- {log} (last lines)");
            for line in &lines[lines.len().saturating_sub(15)..] {
                eprintln!("{line}");
            }
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    println!(
        "\n`cargo xtask scale` took {} s.",
        began.elapsed().as_secs()
    );
    result
}

/// s3s-fs in ~/.cargo/bin, installed once.
fn s3s_fs() -> Result<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .ok_or("neither CARGO_HOME nor HOME is set")?;
    let bin = home.join("bin/s3s-fs");
    if !bin.exists() {
        util::exec(util::cargo().args([
            "install",
            "s3s-fs",
            "--version",
            S3S_FS_VERSION,
            "--features",
            "binary",
            "--locked",
        ]))?;
    }
    Ok(bin)
}

/// The server built with `--features s3`, copied out of target/: other builds in the same
/// tree (the tests, the bench) put a build without the feature in its place at any moment.
fn server_with_s3(tmp: &Path) -> Result<PathBuf> {
    let copy = tmp.join("onetrip-server");
    for _ in 0..3 {
        util::exec(util::cargo().args(["build", "-p", "onetrip-server", "--features", "s3"]))?;
        std::fs::copy(root().join("target/debug/onetrip-server"), &copy)
            .map_err(|e| format!("copying the server: {e}"))?;
        // Only a build without the feature holds this message.
        let bytes = std::fs::read(&copy).map_err(|e| e.to_string())?;
        let without = b"built without the s3 feature";
        if !bytes.windows(without.len()).any(|w| w == without) {
            return Ok(copy);
        }
        eprintln!("another build replaced the server before it was copied; building again");
    }
    Err("could not get a server built with --features s3".into())
}

/// Processes started here: killed by PID and waited for when dropped, on failure too.
#[derive(Default)]
struct Started(Vec<Child>);

impl Drop for Started {
    fn drop(&mut self) {
        for child in self.0.iter_mut().rev() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn scale(s3s: &Path, server: &Path, tmp: &Path) -> Result {
    let cluster = crate::postgres::Cluster::start()?;
    // Declared after the cluster, so dropped (servers killed) before it stops.
    let mut started = Started::default();

    // The object store: s3s-fs on a folder, the bucket a folder in it.
    let store = tmp.join("s3");
    std::fs::create_dir_all(store.join(BUCKET)).map_err(|e| e.to_string())?;
    let s3_port = util::free_port()?;
    started.0.push(
        Command::new(s3s)
            .args(["--host", "127.0.0.1", "--port", &s3_port.to_string()])
            .args(["--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY])
            .arg(&store)
            .stdout(log_file(tmp, "s3s-fs.log")?)
            .stderr(log_file(tmp, "s3s-fs.log")?)
            .spawn()
            .map_err(|e| format!("cannot start s3s-fs: {e}"))?,
    );
    wait_for_port(s3_port, 30)?;

    // Two servers, started at the same moment on the new, empty database: both migrate.
    let port_a = util::free_port()?;
    let mut port_b = util::free_port()?;
    while port_b == port_a {
        port_b = util::free_port()?;
    }
    let spawn = |name: &str, port: u16| -> Result<Child> {
        let mut cmd = Command::new(server);
        cmd.current_dir(root());
        // Only the AWS settings given here: nothing from the caller's environment.
        for (k, _) in std::env::vars_os() {
            if k.to_string_lossy().starts_with("AWS_") {
                cmd.env_remove(&k);
            }
        }
        let uploads = tmp.join(format!("{name}-uploads"));
        cmd.env("ONETRIP_ADDR", format!("127.0.0.1:{port}"))
            .env("DATABASE_URL", &cluster.url)
            .env("PUBLIC_BASE_URL", PUBLIC_BASE_URL)
            .env("ONETRIP_FILES", format!("s3://{BUCKET}/{PREFIX}"))
            .env("ONETRIP_UPLOAD_DIR", &uploads)
            .env("AWS_ENDPOINT", format!("http://127.0.0.1:{s3_port}"))
            .env("AWS_ALLOW_HTTP", "true")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
            .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
            // One client address for everything: far above the per-address limits.
            .env("ONETRIP_RATE_READ", "1000000/60")
            .env("ONETRIP_RATE_WRITE", "100000/60")
            .env("ONETRIP_RATE_GUESS", "100000/60")
            .env("RUST_LOG", "warn")
            .stdout(log_file(tmp, &format!("{name}.log"))?)
            .stderr(log_file(tmp, &format!("{name}.log"))?);
        cmd.spawn()
            .map_err(|e| format!("cannot start the server: {e}"))
    };
    let t0 = Instant::now();
    started.0.push(spawn("a", port_a)?);
    started.0.push(spawn("b", port_b)?);
    for (i, port) in [(1, port_a), (2, port_b)] {
        wait_healthy(&mut started.0[i], port)?;
    }
    let both_up = t0.elapsed();
    util::exec(
        Command::new(server)
            .arg("seed")
            .current_dir(root())
            .env("DATABASE_URL", &cluster.url)
            .env("ONETRIP_DEMO_PASSWORD", STAFF_PASSWORD)
            .stdout(Stdio::null()),
    )?;
    let migrations = sql(
        &cluster.url,
        "SELECT count(*) || ' migrations, each once: ' || (count(*) = count(DISTINCT version)) \
         FROM schema_migrations",
    )?;

    let a = Instance::new("A", port_a);
    let b = Instance::new("B", port_b);
    let mut rows: Vec<(String, String)> = vec![(
        "A and B started at the same moment on an empty database".into(),
        format!(
            "both healthy after {:.1} s; {migrations}",
            both_up.as_secs_f64()
        ),
    )];

    // a) A draft and its documents on A; the documents on B; the submission on B.
    let first = new_draft(&a)?;
    let sent = supply(&a, &first, 1)?;
    let listed = expect(
        b.get(&first.files(), &[("x-draft-key", &first.key)])?,
        200,
        "the draft's documents listed on B",
    )?
    .json()?;
    let ids: Vec<&str> = listed
        .as_array()
        .ok_or("the list of documents is not an array")?
        .iter()
        .filter_map(|f| f["id"].as_str())
        .collect();
    let mut pdfs = 0;
    for s in &sent {
        if !ids.contains(&s.id.as_str()) {
            return Err(format!(
                "a document uploaded on A is not listed on B ({} {})",
                s.material, s.slot
            ));
        }
        let path = format!("{}/{}", first.files(), s.id);
        let on_b = expect(
            b.get(&path, &[("x-draft-key", &first.key)])?,
            200,
            "a document downloaded on B",
        )?;
        let on_a = expect(
            a.get(&path, &[("x-draft-key", &first.key)])?,
            200,
            "a document downloaded on A",
        )?;
        if on_a.body != on_b.body {
            return Err(format!(
                "{} {}: A and B serve different bytes",
                s.material, s.slot
            ));
        }
        // PDFs are kept as sent; photos are re-encoded by the server.
        if s.pdf {
            pdfs += 1;
            if on_b.body != s.bytes {
                return Err(format!(
                    "{} {}: B serves other bytes than were sent to A",
                    s.material, s.slot
                ));
            }
        }
    }
    let objects = count_files(&store.join(BUCKET).join(PREFIX).join("files"));
    let local = count_files(&tmp.join("a-uploads")) + count_files(&tmp.join("b-uploads"));
    if objects < sent.len() || local != 0 {
        return Err(format!(
            "{} documents uploaded, {objects} objects in the bucket, {local} files left in the \
             instances' upload folders",
            sent.len()
        ));
    }
    let first_key = uuid()?;
    let receipt = expect(
        submit(&b, &first, &first_key)?,
        201,
        "the application submitted on B",
    )?
    .json()?;
    let number = receipt["number"]
        .as_str()
        .ok_or("a receipt without a number")?
        .to_owned();
    rows.push((
        "a) draft started and documents uploaded on A; listed and downloaded on B; \
         submitted on B"
            .into(),
        format!(
            "{} documents: all listed on B, byte-identical on A and B ({pdfs} PDFs identical \
             to the bytes sent, {} photos as re-encoded); {objects} objects in the bucket, 0 \
             files left in the instances' upload folders; 201 on B",
            sent.len(),
            sent.len() - pdfs
        ),
    ));

    // b) Idempotency across instances: the same submission again on A, then at once on both.
    let again = expect(
        submit(&a, &first, &first_key)?,
        200,
        "the same submission and key again on A",
    )?
    .json()?;
    if again != receipt {
        return Err("the retry on A answered another receipt".into());
    }
    rows.push((
        "b) the same submission and Idempotency-Key again, on A".into(),
        "200 with the same receipt".into(),
    ));
    let mut applications = vec![(number, first.key.clone())];
    for round in 0..ROUNDS {
        let draft = new_draft(if round % 2 == 0 { &a } else { &b })?;
        supply(&b, &draft, 100 * (round as u32 + 2))?;
        let key = uuid()?;
        let barrier = Arc::new(Barrier::new(COPIES));
        let handles: Vec<_> = (0..COPIES)
            .map(|i| {
                let on = if i % 2 == 0 { a.clone() } else { b.clone() };
                let (draft, key, barrier) = (draft.clone(), key.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    submit(&on, &draft, &key)
                })
            })
            .collect();
        let mut answers = Vec::new();
        for h in handles {
            let reply = h.join().map_err(|_| "a submitting thread panicked")??;
            answers.push((reply.status, reply.json()?));
        }
        let created = answers.iter().filter(|(s, _)| *s == 201).count();
        let retried = answers.iter().filter(|(s, _)| *s == 200).count();
        let receipts: Vec<&Value> = answers.iter().map(|(_, r)| r).collect();
        if created != 1 || retried != COPIES - 1 || receipts.iter().any(|r| *r != receipts[0]) {
            let statuses: Vec<u16> = answers.iter().map(|(s, _)| *s).collect();
            return Err(format!(
                "round {}: answers {statuses:?}, receipts alike: {}",
                round + 1,
                receipts.iter().all(|r| *r == receipts[0])
            ));
        }
        let stored = sql(
            &cluster.url,
            &format!("SELECT count(*) FROM applications WHERE idempotency_key = '{key}'"),
        )?;
        if stored != "1" {
            return Err(format!("round {}: {stored} applications stored", round + 1));
        }
        let number = receipts[0]["number"]
            .as_str()
            .ok_or("a receipt without a number")?;
        applications.push((number.to_owned(), draft.key.clone()));
    }
    let total = sql(&cluster.url, "SELECT count(*) FROM applications")?;
    if total != (ROUNDS + 1).to_string() {
        return Err(format!(
            "{total} applications stored, {} expected",
            ROUNDS + 1
        ));
    }
    rows.push((
        format!(
            "b) {COPIES} copies of one submission with one key sent at the same moment, \
             {} to A and {} to B ({ROUNDS} rounds)",
            COPIES / 2,
            COPIES / 2
        ),
        format!(
            "every round: one 201 and {} × 200, all the same receipt; 1 application per key \
             in PostgreSQL ({total} in all)",
            COPIES - 1
        ),
    ));

    // c) Sessions: signed in on A, used on B.
    let mut cookies = Vec::new();
    for (who, _, _) in STEPS {
        cookies.push((*who, sign_in(&a, who)?));
    }
    let window = &cookies[0].1;
    let me = expect(
        b.get("/api/v1/staff/me", &[("cookie", window)])?,
        200,
        "who-am-I on B with A's cookie",
    )?
    .json()?;
    if me["username"] != "window" {
        return Err(format!("who-am-I on B: {me}"));
    }
    let queue = expect(
        b.get("/api/v1/staff/applications?list=new", &[("cookie", window)])?,
        200,
        "the queue on B with A's cookie",
    )?
    .json()?;
    let queued = queue["items"].as_array().map_or(0, |items| {
        items
            .iter()
            .filter(|i| applications.iter().any(|(n, _)| i["number"] == n.as_str()))
            .count()
    });
    if queued != applications.len() {
        return Err(format!(
            "the queue on B lists {queued} of {} applications",
            applications.len()
        ));
    }

    // d) Each staff action taken on B, the applicant polling on A.
    let mut waits = Vec::new();
    for (number, key) in &applications {
        for (i, (_, action, matter)) in STEPS.iter().enumerate() {
            waits.push(observe(
                &a,
                &b,
                &cookies[i].1,
                number,
                key,
                action,
                *matter,
            )?);
        }
    }
    // Signing out on B ends the session on A as well.
    expect(
        b.call(
            "DELETE",
            "/api/v1/staff/session",
            &[("cookie", window)],
            None,
        )?,
        204,
        "signing out on B",
    )?;
    expect(
        a.get("/api/v1/staff/me", &[("cookie", window)])?,
        401,
        "who-am-I on A after signing out on B",
    )?;
    rows.push((
        "c) staff signed in on A; the same cookie on B".into(),
        format!(
            "who-am-I 200, queue 200 (all {} applications), {} actions 200; signed out on B, \
             then 401 on A",
            applications.len(),
            waits.len()
        ),
    ));
    let ms: Vec<f64> = waits.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    let median = median(&ms);
    let max = ms.iter().copied().fold(0.0, f64::max);
    rows.push((
        "d) staff action on B, seen by the applicant polling progress on A".into(),
        format!(
            "{} actions: median {median:.0} ms, max {max:.0} ms from the action's answer to \
             the first poll on A that shows it (limit {} ms)",
            ms.len(),
            LIMIT.as_millis()
        ),
    ));

    println!(
        "\n## Scale-out: two servers, one PostgreSQL, one S3 store (s3s-fs {S3S_FS_VERSION}), \
         loopback\n"
    );
    println!("| check | result |\n|---|---|");
    for (check, result) in &rows {
        println!("| {check} | {result} |");
    }
    for (check, result) in &rows[..rows.len() - 1] {
        crate::summary::add("scale-out", check, result, "as stated", Some(true));
    }
    crate::summary::add(
        "scale-out",
        "staff action on B seen on A",
        format!("median {median:.0} ms, max {max:.0} ms"),
        format!("every one within {} ms", LIMIT.as_millis()),
        Some(!waits.iter().any(|w| *w > LIMIT)),
    );
    if waits.iter().any(|w| *w > LIMIT) {
        return Err(format!(
            "a staff action took {max:.0} ms to reach the other instance (limit {} ms)",
            LIMIT.as_millis()
        ));
    }
    Ok(())
}

/// Take a staff action on `b` and poll the applicant's progress on `a` (with the ETag, as the
/// app does) until it shows: the time from the action's answer to that poll's answer.
fn observe(
    a: &Instance,
    b: &Instance,
    cookie: &str,
    number: &str,
    key: &str,
    action: &str,
    matter: Option<&str>,
) -> Result<Duration> {
    let path = format!("/api/v1/applications/{number}/progress");
    let before = expect(
        a.get(&path, &[("x-application-key", key)])?,
        200,
        "progress on A",
    )?;
    let etag = before.header("etag").ok_or("progress without an ETag")?;
    let body = match matter {
        Some(m) => json!({"action": action, "matter": m}),
        None => json!({"action": action}),
    };
    expect(
        b.json(
            "POST",
            &format!("/api/v1/staff/applications/{number}/actions"),
            &[("cookie", cookie)],
            &body,
        )?,
        200,
        &format!("{action} {} on B", matter.unwrap_or("")),
    )?;
    let answered = Instant::now();
    loop {
        let r = a.get(
            &path,
            &[("x-application-key", key), ("if-none-match", &etag)],
        )?;
        match r.status {
            304 => {}
            200 => {
                let p = r.json()?;
                let shown = match matter {
                    None => p["status"] == "processing",
                    Some(m) => p["matters"].as_array().is_some_and(|ms| {
                        ms.iter()
                            .any(|x| x["code"] == m && x["status"] == "approved")
                    }),
                };
                if shown {
                    return Ok(answered.elapsed());
                }
            }
            s => return Err(format!("progress on A answered {s}")),
        }
        if answered.elapsed() > Duration::from_secs(10) {
            return Err(format!(
                "{action} {} taken on B not seen on A after 10 s",
                matter.unwrap_or("")
            ));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// One server, reached directly (no load balancer in between).
#[derive(Clone)]
struct Instance {
    name: &'static str,
    base: String,
    agent: ureq::Agent,
}

struct Reply {
    status: u16,
    headers: ureq::http::HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Result<Value> {
        serde_json::from_slice(&self.body).map_err(|e| format!("not JSON ({e})"))
    }

    fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }
}

impl Instance {
    fn new(name: &'static str, port: u16) -> Instance {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build();
        Instance {
            name,
            base: format!("http://127.0.0.1:{port}"),
            agent: ureq::Agent::new_with_config(config),
        }
    }

    /// A same-origin request as the apps make it.
    fn call(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<(&str, Vec<u8>)>,
    ) -> Result<Reply> {
        let mut req = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base))
            .header("sec-fetch-site", "same-origin");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let fail = |e: &dyn std::fmt::Display| format!("{method} on {}: {e}", self.name);
        let res = match body {
            Some((content_type, bytes)) => self.agent.run(
                req.header("content-type", content_type)
                    .body(bytes)
                    .map_err(|e| fail(&e))?,
            ),
            None => self.agent.run(req.body(()).map_err(|e| fail(&e))?),
        }
        .map_err(|e| fail(&e))?;
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let body = res
            .into_body()
            .with_config()
            .limit(32 * 1024 * 1024)
            .read_to_vec()
            .map_err(|e| fail(&e))?;
        Ok(Reply {
            status,
            headers,
            body,
        })
    }

    fn get(&self, path: &str, headers: &[(&str, &str)]) -> Result<Reply> {
        self.call("GET", path, headers, None)
    }

    fn json(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &Value,
    ) -> Result<Reply> {
        self.call(
            method,
            path,
            headers,
            Some(("application/json", body.to_string().into_bytes())),
        )
    }
}

/// `reply` if it has `status`; otherwise an error naming `what` (with the error envelope's
/// code and message: never personal data).
fn expect(reply: Reply, status: u16, what: &str) -> Result<Reply> {
    if reply.status == status {
        return Ok(reply);
    }
    let error = reply.json().map_or(Value::Null, |v| v["error"].clone());
    Err(format!(
        "{what}: {} instead of {status} ({} {} {})",
        reply.status, error["code"], error["message"], error["fields"]
    ))
}

/// Sign `username` in; the `Cookie` header value of its session.
fn sign_in(on: &Instance, username: &str) -> Result<String> {
    let reply = expect(
        on.json(
            "POST",
            "/api/v1/staff/session",
            &[],
            &json!({"username": username, "password": STAFF_PASSWORD}),
        )?,
        200,
        &format!("{username} signs in on {}", on.name),
    )?;
    let set = reply
        .header("set-cookie")
        .ok_or("sign-in without a cookie")?;
    Ok(set.split(';').next().unwrap_or_default().to_owned())
}

#[derive(Clone)]
struct Draft {
    token: String,
    key: String,
}

impl Draft {
    fn files(&self) -> String {
        format!("/api/v1/drafts/{}/files", self.token)
    }
}

struct Sent {
    id: String,
    material: String,
    slot: String,
    bytes: Vec<u8>,
    pdf: bool,
}

/// 企业开办 for a limited company with staff and a bank account, in a rented office (the
/// server's tests' `startup()`).
fn startup() -> Value {
    json!({
        "subject": {"kind": "bundle", "code": "company-startup"},
        "answers": {
            "has_employees": "yes", "open_bank_account": "yes", "company_type": "limited",
            "rep_is_shareholder": "yes", "premises": "rented", "tax_officer": "legal_rep"
        },
        "consent": {"privacy": true, "sensitive": true}
    })
}

/// A complete application for `startup()` (the server's tests' `startup_data()`; the ID
/// numbers are made-up test numbers).
fn startup_data() -> Value {
    json!({
        "values": {
            "company.name": "杭州市云帆信息科技有限公司",
            "company.type": "limited",
            "company.address": "杭州市上城区解放路 1 号 301 室",
            "company.registered_capital": "1000000",
            "company.business_scope": "软件开发；信息技术咨询服务",
            "company.employee_count": "5",
            "legal_rep.name": "张三",
            "legal_rep.mobile": "13812345678",
            "applicant.name": "张三",
            "applicant.mobile": "13812345678",
            "seal.engraver": "杭州市上城区诚信刻章店",
            "invoice.type": "digital",
            "bank.name": "icbc",
            "bank.branch": "icbc-shangcheng",
            "bank.account_type": "basic",
            "payroll.start_date": "2026-12-01",
            "housing_fund.rate": "12",
            "mailing.address": "杭州市上城区解放路 1 号 301 室"
        },
        "groups": {"shareholders": [
            {"name": "张三", "id_type": "resident_id", "id_number": "330106198001010021",
             "share_percent": "60", "capital_fen": "600000", "paid_by": "2030-06-30",
             "is_legal_rep": "yes"},
            {"name": "李四", "id_type": "resident_id", "id_number": "330106198506150038",
             "share_percent": "40", "capital_fen": "400000", "paid_by": "2030-06-30",
             "is_legal_rep": "no"}
        ]},
        "delivery": "ems",
        "declarations": ["amr", "police", "tax", "bank", "hrss", "housing-fund"]
    })
}

/// Start a draft on `on` and save the whole form in it.
fn new_draft(on: &Instance) -> Result<Draft> {
    let session = expect(
        on.json(
            "POST",
            "/api/v1/drafts",
            &[("idempotency-key", &uuid()?)],
            &startup(),
        )?,
        201,
        "a draft started",
    )?
    .json()?;
    let draft = Draft {
        token: session["draft"]["token"]
            .as_str()
            .ok_or("a draft without a token")?
            .to_owned(),
        key: session["key"]
            .as_str()
            .ok_or("a draft without a key")?
            .to_owned(),
    };
    expect(
        on.json(
            "PUT",
            &format!("/api/v1/drafts/{}", draft.token),
            &[("x-draft-key", &draft.key)],
            &json!({"data": startup_data()}),
        )?,
        200,
        "the draft saved",
    )?;
    Ok(draft)
}

/// Upload, on `on`, a file for every side of every material the draft's form asks for: a PNG
/// as large as its minimum where it has one, otherwise a PDF.
fn supply(on: &Instance, draft: &Draft, seed: u32) -> Result<Vec<Sent>> {
    let form = expect(
        on.get(
            &format!("/api/v1/drafts/{}", draft.token),
            &[("x-draft-key", &draft.key)],
        )?,
        200,
        "the draft read",
    )?
    .json()?;
    let mut sent = Vec::new();
    for m in form["form"]["materials"].as_array().into_iter().flatten() {
        let material = m["key"].as_str().ok_or("a material without a key")?;
        if m["need"] == "shared" {
            continue;
        }
        let sides: &[&str] = if m["both_sides"] == true {
            &["front", "back"]
        } else {
            &["pages"]
        };
        // Photos where the material has a minimum size (identity documents), so that the
        // server's re-encoded images go through the store too; PDFs elsewhere.
        let takes = |kind: &str| {
            m["types"]
                .as_array()
                .is_some_and(|t| t.iter().any(|t| t == kind))
        };
        let pdf = takes("pdf") && (m["min_px"].is_null() || !takes("png"));
        for slot in sides {
            let n = seed + sent.len() as u32;
            let (name, content_type, bytes) = if pdf {
                ("scan.pdf", "application/pdf", small_pdf(n))
            } else {
                let px = m["min_px"].as_u64().unwrap_or(400) as u32 + 8;
                ("photo.png", "image/png", png(px, px, n)?)
            };
            let (boundary, body) = multipart(material, slot, name, content_type, &bytes);
            let reply = expect(
                on.call(
                    "POST",
                    &draft.files(),
                    &[("x-draft-key", &draft.key), ("idempotency-key", &uuid()?)],
                    Some((&format!("multipart/form-data; boundary={boundary}"), body)),
                )?,
                201,
                &format!("{material} {slot} uploaded on {}", on.name),
            )?;
            sent.push(Sent {
                id: reply.json()?["id"]
                    .as_str()
                    .ok_or("an upload without an id")?
                    .to_owned(),
                material: material.to_owned(),
                slot: (*slot).to_owned(),
                bytes,
                pdf,
            });
        }
    }
    if sent.is_empty() {
        return Err("the form asks for no documents".into());
    }
    Ok(sent)
}

/// Submit `draft` (its form and documents) with the Idempotency-Key `key`.
fn submit(on: &Instance, draft: &Draft, key: &str) -> Result<Reply> {
    let mut body = startup();
    body["data"] = startup_data();
    body["draft"] = json!(draft.token);
    on.json(
        "POST",
        "/api/v1/applications",
        &[("idempotency-key", key), ("x-draft-key", &draft.key)],
        &body,
    )
}

/// A multipart body as the app sends an upload: (boundary, body).
fn multipart(
    material: &str,
    slot: &str,
    name: &str,
    content_type: &str,
    bytes: &[u8],
) -> (String, Vec<u8>) {
    let boundary = "----onetrip-scale-boundary".to_owned();
    let mut body = Vec::new();
    for (field, value) in [("material", material), ("slot", slot)] {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"\r\n\r\n\
                 {value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
             filename=\"{name}\"\r\nContent-Type: {content_type}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (boundary, body)
}

/// A plain one-page PDF, different for each `seed`.
fn small_pdf(seed: u32) -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Seed {seed} >>"),
    ];
    let mut out = b"%PDF-1.5\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for o in offsets {
        table.push_str(&format!("{o:010} 00000 n \n"));
    }
    table.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    out.extend_from_slice(table.as_bytes());
    out
}

/// A smooth RGB PNG of `w` x `h`, different for each `seed`.
fn png(w: u32, h: u32, seed: u32) -> Result<Vec<u8>> {
    let mut raw = Vec::with_capacity(((w * 3 + 1) * h) as usize);
    for y in 0..h {
        raw.push(0); // no filter
        for x in 0..w {
            raw.extend_from_slice(&[(x / 8) as u8, (y / 8) as u8, (seed % 251) as u8]);
        }
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    z.write_all(&raw).map_err(|e| e.to_string())?;
    let data = z.finish().map_err(|e| e.to_string())?;
    let mut header = Vec::new();
    header.extend_from_slice(&w.to_be_bytes());
    header.extend_from_slice(&h.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, body) in [
        (b"IHDR", &header[..]),
        (b"IDAT", &data[..]),
        (b"IEND", &[][..]),
    ] {
        out.extend_from_slice(&(body.len() as u32).to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(body);
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(body);
        out.extend_from_slice(&crc.sum().to_be_bytes());
    }
    Ok(out)
}

/// A random UUID (version 4), as the app makes Idempotency-Keys.
fn uuid() -> Result<String> {
    let mut b = [0u8; 16];
    File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut b))
        .map_err(|e| format!("/dev/urandom: {e}"))?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    ))
}

/// One value from PostgreSQL (psql from the same server binaries).
fn sql(url: &str, query: &str) -> Result<String> {
    let psql = crate::postgres::bin_dir()
        .ok_or("PostgreSQL binaries not found")?
        .join("psql");
    let out = Command::new(&psql)
        .args(["-X", "-A", "-t", "-d", url, "-c", query])
        .output()
        .map_err(|e| format!("{}: {e}", psql.display()))?;
    if !out.status.success() {
        return Err(format!(
            "psql failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn log_file(dir: &Path, name: &str) -> Result<File> {
    File::options()
        .create(true)
        .append(true)
        .open(dir.join(name))
        .map_err(|e| format!("{name}: {e}"))
}

fn wait_for_port(port: u16, seconds: u64) -> Result {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(format!(
        "nothing listens on 127.0.0.1:{port} after {seconds} s"
    ))
}

/// Wait for `/api/health` to answer 200; an error at once if the server exits.
fn wait_healthy(child: &mut Child, port: u16) -> Result {
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!(
                "the server on port {port} exited while starting ({status})"
            ));
        }
        if util::wait_for_http(port, "/api/health", 1).is_ok() {
            return Ok(());
        }
    }
    Err(format!(
        "the server on port {port} is not healthy after 120 s"
    ))
}

/// Files (not folders) under `dir`, at any depth.
fn count_files(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            let path = e.path();
            if path.is_dir() { count_files(&path) } else { 1 }
        })
        .sum()
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}
