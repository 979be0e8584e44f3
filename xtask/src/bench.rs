//! `cargo xtask bench`: the numbers that take too long for the test command. Bundle sizes of
//! the release build, search latency over the whole catalogue (`GET /api/v1/search`), and
//! Lighthouse (mobile throttling: 150 ms RTT, 1.6 Mbps, 4x CPU) on the home page and on the
//! application flow's first load, median of 5 runs each, all against the real server on
//! loopback; and the server's peak memory under 20 concurrent ~10 MB uploads
//! (`crates/server/tests/upload_memory.rs`).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::util::{self, Result, root};

const RUNS: usize = 5;

/// What people type into the search box: the catalogue's words, everyday phrasings, synonyms,
/// English, and a miss.
const SEARCH_QUERIES: &[&str] = &[
    "开公司",
    "企业开办",
    "营业执照",
    "公司注册",
    "我想开个公司",
    "刻章",
    "刻个章",
    "申领发票",
    "发票",
    "社保登记",
    "社保卡",
    "银行开户",
    "上户口",
    "怎么上户口",
    "新生儿",
    "生孩子",
    "医保",
    "出生医学证明",
    "business licence",
    "护照",
];
const SEARCH_REPEATS: usize = 200;

/// One part of the bench that runs by itself.
type Step = fn() -> Result;

pub fn run() -> Result {
    // The browser and the e2e packages too: the photo compression runs in Chromium.
    crate::setup::run(crate::setup::Need::Test)?;
    let dist = crate::build::app()?;
    let assets = crate::build::initial_load(&dist)?;
    println!("\n## Bundle (first visit, release build)\n");
    print!("{}", crate::build::size_table(&assets));
    let apply = crate::build::initial_load(&dist.join("apply"))?;
    println!("\n## Bundle (application flow, /apply/, first load)\n");
    print!("{}", crate::build::size_table(&apply));
    let track = crate::build::initial_load(&dist.join("track"))?;
    println!("\n## Bundle (progress, /track/, first load)\n");
    print!("{}", crate::build::size_table(&track));
    let staff = crate::build::initial_load(&dist.join("staff"))?;
    println!("\n## Bundle (staff side, /staff/, first load)\n");
    print!("{}", crate::build::size_table(&staff));

    let lh_dir = root().join("tools/lighthouse");
    util::exec(
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&lh_dir),
    )?;
    util::exec(crate::util::cargo().args(["build", "-p", "onetrip-server"]))?;
    let port = util::free_port()?;
    let tmp = util::temp_dir("onetrip-bench")?;
    let mut server = Command::new(root().join("target/debug/onetrip-server"))
        .current_dir(root())
        .env("ONETRIP_ADDR", format!("127.0.0.1:{port}"))
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/bench.db", tmp.display()),
        )
        .env("RUST_LOG", "warn")
        .env("ONETRIP_FILES", tmp.join("files"))
        // Thousands of searches from one address: far above the default read limit.
        .env("ONETRIP_RATE_READ", "1000000/60")
        .env("ONETRIP_RATE_WRITE", "100000/60")
        .env("ONETRIP_RATE_GUESS", "100000/60")
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let result = search_latency(port)
        .and_then(|()| lighthouse(&lh_dir, port, &tmp, "/", "home page"))
        // The application flow's own first load: the resume page needs no stored draft.
        .and_then(|()| {
            lighthouse(
                &lh_dir,
                port,
                &tmp,
                "/apply/resume/0000000000000000000000",
                "application flow (resume page)",
            )
        })
        .and_then(|()| compress(port));
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&tmp);
    result?;
    // The rest each stand alone: one that fails is reported, and the others still run.
    let steps: [(&str, Step); 6] = [
        ("upload memory", upload_memory),
        ("load", load),
        ("server throughput and faults", backend),
        ("fuzz targets", crate::fuzz::run),
        ("API fuzzing (schemathesis)", crate::api_fuzz::run),
        ("scale-out", crate::scale::run),
    ];
    let mut failed = Vec::new();
    for (name, step) in steps {
        if let Err(e) = step() {
            println!("\n**{name}: FAILED** {e}");
            failed.push(name);
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("bench: {} failed", failed.join(", ")))
    }
}

/// The ignored throughput and fault tests of the server (`crates/server/tests/throughput.rs`,
/// `crash.rs`) in the release profile, against the real binary, on SQLite and a throwaway
/// PostgreSQL that one of them restarts: their `bench …` lines as a table.
fn backend() -> Result {
    println!(
        "\n## Server: throughput, memory, kill -9, PostgreSQL restarts (release build, loopback)\n"
    );
    let cluster = crate::postgres::Cluster::start()?;
    let out = util::cargo()
        .args([
            "test",
            "--release",
            "-p",
            "onetrip-server",
            "--test",
            "throughput",
            "--test",
            "crash",
            "--",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("ONETRIP_TEST_POSTGRES_URL", &cluster.url)
        .env("ONETRIP_TEST_PG_RESTART", cluster.restart_command())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo test: {e}"))?;
    drop(cluster);
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("| run | figures |");
    println!("|---|---|");
    for line in stdout.lines() {
        if let Some(i) = line.find("bench ") {
            let rest = &line[i + "bench ".len()..];
            let (what, figures) = rest.split_once(' ').unwrap_or((rest, ""));
            println!("| {what} | {figures} |");
        }
    }
    if out.status.success() {
        Ok(())
    } else {
        print!("{stdout}");
        Err("server benchmarks: a target was missed or a test failed (see above)".into())
    }
}

/// The ignored load test: 1,000 applicants polling while 50 staff act, on SQLite and on a
/// throwaway PostgreSQL cluster; its result lines are printed here.
fn load() -> Result {
    println!("\n## Load: 1,000 applicants polling every second while 50 staff act (loopback)\n");
    let cluster = crate::postgres::Cluster::start()?;
    let out = util::cargo()
        .args([
            "test",
            "-p",
            "onetrip-server",
            "--test",
            "load",
            "--",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("ONETRIP_TEST_POSTGRES_URL", &cluster.url)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo test: {e}"))?;
    drop(cluster);
    let stdout = String::from_utf8_lossy(&out.stdout);
    for line in stdout.lines() {
        if let Some(i) = line.find("load ") {
            println!("{}", &line[i..]);
        }
    }
    if out.status.success() {
        Ok(())
    } else {
        print!("{stdout}");
        Err("load: the test failed (see its output above)".into())
    }
}

/// A 12-megapixel photo made smaller in Chromium by the app itself, three times at full speed
/// and three with 4x CPU slowdown (the Playwright project `bench`, which only exists with
/// BENCH=1): size sent and milliseconds, as the app logs them.
fn compress(port: u16) -> Result {
    println!("\n## Photo compression in the browser: 12 MP JPEG (4000 x 3000), Chromium\n");
    let out = Command::new("npx")
        .args(["playwright", "test", "--project=bench", "--reporter=line"])
        .current_dir(root().join("e2e"))
        .env("BENCH", "1")
        .env("BASE_URL", format!("http://127.0.0.1:{port}"))
        .env("CHROMIUM_PATH", crate::setup::chromium_path())
        .output()
        .map_err(|e| format!("cannot run Playwright: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut rows: Vec<(String, f64, f64, f64)> = Vec::new();
    for line in stdout
        .lines()
        .filter_map(|l| l.trim().strip_prefix("BENCH compress "))
    {
        let field = |k: &str| {
            line.split(' ')
                .find_map(|p| p.strip_prefix(k))
                .unwrap_or_default()
                .to_owned()
        };
        let num = |k: &str| field(k).parse::<f64>().unwrap_or(f64::NAN);
        rows.push((field("cpu="), num("original="), num("sent="), num("ms=")));
    }
    latency_table(&stdout);
    if !out.status.success() || rows.is_empty() {
        print!("{stdout}");
        return Err(
            "the Playwright bench failed (photo compression, or the form's latency over 80 ms)"
                .into(),
        );
    }
    println!("| CPU | original | sent | time |");
    println!("|---|---|---|---|");
    for (cpu, original, sent, ms) in &rows {
        println!(
            "| {cpu} | {:.2} MB | {:.0} KB | {ms:.0} ms |",
            original / 1_000_000.0,
            sent / 1024.0
        );
    }
    for cpu in ["1x", "4x"] {
        let times: Vec<f64> = rows.iter().filter(|r| r.0 == cpu).map(|r| r.3).collect();
        let sizes: Vec<f64> = rows.iter().filter(|r| r.0 == cpu).map(|r| r.2).collect();
        if !times.is_empty() {
            println!(
                "median at {cpu}: {:.0} KB sent in {:.0} ms",
                median(sizes) / 1024.0,
                median(times)
            );
        }
    }
    Ok(())
}

/// The form's answer to a press of 继续 (`e2e/tests/latency.bench.spec.ts`): to the frame
/// that shows it, and Chrome's Event Timing of the press, at full speed and 4x slowdown.
fn latency_table(stdout: &str) {
    let mut rows: Vec<(String, String, f64, f64)> = Vec::new();
    for line in stdout
        .lines()
        .filter_map(|l| l.trim().strip_prefix("BENCH latency "))
    {
        let field = |k: &str| {
            line.split(' ')
                .find_map(|p| p.strip_prefix(k))
                .unwrap_or_default()
                .to_owned()
        };
        let num = |k: &str| field(k).parse::<f64>().unwrap_or(f64::NAN);
        rows.push((field("action="), field("cpu="), num("ms="), num("event=")));
    }
    if rows.is_empty() {
        return;
    }
    println!("\n## The form's latency: a press of 继续 (Chromium, Pixel 7 profile)\n");
    println!(
        "| action | CPU | samples | to the frame (median, max) | Event Timing (median, max) |"
    );
    println!("|---|---|---|---|---|");
    let mut keys: Vec<(String, String)> = rows.iter().map(|r| (r.0.clone(), r.1.clone())).collect();
    keys.dedup();
    for (action, cpu) in keys {
        let of = |f: fn(&(String, String, f64, f64)) -> f64| -> Vec<f64> {
            rows.iter()
                .filter(|r| r.0 == action && r.1 == cpu)
                .map(f)
                .collect()
        };
        let (ms, event) = (of(|r| r.2), of(|r| r.3));
        println!(
            "| {action} | {cpu} | {} | {:.0} ms, {:.0} ms | {:.0} ms, {:.0} ms |",
            ms.len(),
            median(ms.clone()),
            percentile(ms, 100.0),
            median(event.clone()),
            percentile(event, 100.0)
        );
    }
}

/// The ignored test that starts the server binary, sends 20 concurrent uploads of about 10 MB
/// and reads its memory from `/proc`; its one-line result is printed here. Fails (after
/// printing) when growth reaches 300 MB or an upload is refused.
fn upload_memory() -> Result {
    println!("\n## Upload memory: 20 concurrent ~10 MB uploads, debug server on loopback\n");
    let out = util::cargo()
        .args([
            "test",
            "-p",
            "onetrip-server",
            "--test",
            "upload_memory",
            "--",
            "--ignored",
            "--nocapture",
        ])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo test: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().find(|l| l.starts_with("upload memory:"));
    match line {
        Some(l) => println!("{l}"),
        None => println!("(no result line: the test did not get as far as measuring)"),
    }
    if out.status.success() {
        Ok(())
    } else {
        print!("{stdout}");
        Err("upload memory: the test failed (see its output above)".into())
    }
}

fn median(v: Vec<f64>) -> f64 {
    percentile(v, 50.0)
}

/// The smallest value at or above `p` percent of the values (nearest rank).
fn percentile(mut v: Vec<f64>, p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    if v.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0 * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[rank - 1]
}

/// `%XX` for every byte outside the unreserved set, so Chinese queries travel as UTF-8.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// One GET on a kept-alive connection: (status, `Server-Timing` search duration in ms).
fn get(stream: &mut BufReader<TcpStream>, path: &str) -> Result<(u16, Option<f64>)> {
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    stream
        .get_mut()
        .write_all(request.as_bytes())
        .map_err(|e| e.to_string())?;
    let mut status = 0;
    let mut length = None;
    let mut search_ms = None;
    let mut line = String::new();
    loop {
        line.clear();
        if stream.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
            return Err("the server closed the connection".into());
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some(rest) = l.strip_prefix("HTTP/1.1 ") {
            status = rest.get(..3).and_then(|s| s.parse().ok()).unwrap_or(0);
        } else if let Some((name, value)) = l.split_once(':') {
            let value = value.trim();
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.parse::<usize>().ok(),
                "server-timing" => {
                    search_ms = value
                        .strip_prefix("search;dur=")
                        .and_then(|v| v.parse().ok())
                }
                _ => {}
            }
        }
    }
    let length = length.ok_or("an answer without Content-Length")?;
    let mut body = vec![0; length];
    stream.read_exact(&mut body).map_err(|e| e.to_string())?;
    Ok((status, search_ms))
}

/// Every query, many times, over one kept-alive connection: the round trip as a client sees it
/// and the search alone as the server reports it (`Server-Timing`).
fn search_latency(port: u16) -> Result {
    util::wait_for_http(port, "/api/health", 30)?;
    let stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let mut stream = BufReader::new(stream);
    let paths: Vec<String> = SEARCH_QUERIES
        .iter()
        .map(|q| format!("/api/v1/search?q={}", percent_encode(q)))
        .collect();
    // One warm-up round, not counted.
    for path in &paths {
        get(&mut stream, path)?;
    }
    let mut round_trip = Vec::with_capacity(paths.len() * SEARCH_REPEATS);
    let mut in_server = Vec::with_capacity(paths.len() * SEARCH_REPEATS);
    for _ in 0..SEARCH_REPEATS {
        for path in &paths {
            let started = Instant::now();
            let (status, search_ms) = get(&mut stream, path)?;
            round_trip.push(started.elapsed().as_secs_f64() * 1000.0);
            if status != 200 {
                return Err(format!("{path} answered {status}"));
            }
            in_server.extend(search_ms);
        }
    }
    println!(
        "\n## Search, whole catalogue: {} queries x {SEARCH_REPEATS}, debug server on loopback\n",
        paths.len()
    );
    println!(
        "GET /api/v1/search    median {:.3} ms   p99 {:.3} ms",
        median(round_trip.clone()),
        percentile(round_trip, 99.0)
    );
    println!(
        "search (Server-Timing) median {:.3} ms   p99 {:.3} ms",
        median(in_server.clone()),
        percentile(in_server, 99.0)
    );
    Ok(())
}

fn lighthouse(
    dir: &std::path::Path,
    port: u16,
    tmp: &std::path::Path,
    path: &str,
    label: &str,
) -> Result {
    util::wait_for_http(port, "/api/health", 30)?;
    let url = format!("http://127.0.0.1:{port}{path}");
    let mut rows: Vec<[f64; 7]> = Vec::new();
    for i in 0..RUNS {
        let out = tmp.join(format!("lh-{i}.json"));
        // Lighthouse now and then fails to record a trace (NO_NAVSTART): such a run is
        // repeated, up to three times.
        let run = || {
            util::exec(
                Command::new(dir.join("node_modules/.bin/lighthouse"))
                    .arg(&url)
                    .args([
                        "--quiet",
                        "--only-categories=performance",
                        "--output=json",
                        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking --disable-component-update --disable-sync --no-first-run",
                    ])
                    .arg(format!("--output-path={}", out.display()))
                    .env("CHROME_PATH", crate::setup::chromium_path()),
            )
        };
        run().or_else(|_| run()).or_else(|_| run())?;
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&out).map_err(|e| e.to_string())?)
                .map_err(|e| e.to_string())?;
        let audit = |k: &str| v["audits"][k]["numericValue"].as_f64().unwrap_or(f64::NAN);
        rows.push([
            v["categories"]["performance"]["score"]
                .as_f64()
                .unwrap_or(f64::NAN),
            audit("first-contentful-paint"),
            audit("largest-contentful-paint"),
            audit("interactive"),
            audit("total-byte-weight"),
            audit("total-blocking-time"),
            audit("cumulative-layout-shift"),
        ]);
    }
    let col = |i: usize| median(rows.iter().map(|r| r[i]).collect());
    println!("\n## Lighthouse, {label}, mobile throttling, median of {RUNS}\n");
    println!("performance score   {:.2}", col(0));
    println!("FCP                 {:.0} ms", col(1));
    println!("LCP                 {:.0} ms", col(2));
    println!("TTI                 {:.0} ms", col(3));
    println!("TBT                 {:.0} ms", col(5));
    println!("CLS                 {:.3}", col(6));
    println!("total transfer      {:.1} KB", col(4) / 1024.0);
    Ok(())
}
