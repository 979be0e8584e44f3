//! `cargo xtask bench`: the numbers that take too long for the test command, ending with one
//! table of every figure against its target (`summary`). Bundle sizes of the release build;
//! search latency over the whole catalogue; the Playwright bench (photo compression, the form's
//! latency at 4x CPU, and one real application from checklist to progress page, which names the
//! seven pages Lighthouse measures); Lighthouse on those pages (mobile defaults, median of 5);
//! upload memory; the load test; the server's throughput, memory, kill -9 and PostgreSQL
//! restarts in release; the fuzz targets; schemathesis; and two servers sharing one database.
//! Loopback only, with the rate limits raised through the environment.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::summary;
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

/// What to measure.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Part {
    All,
    /// The bundles and what runs in the browser.
    Front,
    /// The release server's throughput and faults (`backend`).
    Server,
}

/// Everything, or one part of it.
pub fn run(part: Part) -> Result {
    // The browser and the e2e packages too: the photo compression runs in Chromium.
    crate::setup::run(crate::setup::Need::Test)?;
    let result = if part == Part::Server {
        backend().inspect_err(|e| summary::failed("server throughput and faults", e))
    } else {
        measure(part == Part::Front)
    };
    println!("\n## Summary: every figure against its target\n");
    print!("{}", summary::table());
    result?;
    match summary::missed() {
        0 => Ok(()),
        n => Err(format!("bench: {n} target(s) missed (see the summary)")),
    }
}

fn measure(front_only: bool) -> Result {
    let dist = crate::build::app()?;
    for (app, dir) in crate::build::APPS {
        let assets = crate::build::initial_load(&dist.join(dir))?;
        println!("\n## Bundle: {app} (/{dir}), first load, release build\n");
        print!("{}", crate::build::size_table(&assets));
        let brotli: u64 = assets.iter().map(|a| a.brotli).sum();
        let budget = crate::build::budget(app);
        summary::add(
            "first load (brotli, built files)",
            *app,
            format!("{:.1} KB", brotli as f64 / 1024.0),
            format!("<= {} KB (the app's budget)", budget / 1024),
            Some(brotli <= budget),
        );
    }

    let lh_dir = root().join("tools/lighthouse");
    util::exec(
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&lh_dir),
    )?;
    let server_bin = crate::test::server_binary()?;
    let port = util::free_port()?;
    let tmp = util::temp_dir("onetrip-bench")?;
    let mut server = Command::new(server_bin)
        .current_dir(root())
        .env("ONETRIP_ADDR", format!("127.0.0.1:{port}"))
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/bench.db", tmp.display()),
        )
        .env("RUST_LOG", "warn")
        .env("ONETRIP_FILES", tmp.join("files"))
        .env("ONETRIP_DIST", &dist)
        .env("ONETRIP_CATALOG", root().join("catalog"))
        .env("PUBLIC_BASE_URL", format!("http://127.0.0.1:{port}"))
        // Thousands of searches from one address: far above the default read limit.
        .env("ONETRIP_RATE_READ", "1000000/60")
        .env("ONETRIP_RATE_WRITE", "100000/60")
        .env("ONETRIP_RATE_GUESS", "100000/60")
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let front = (|| {
        util::wait_for_http(port, "/api/health", 30)?;
        let searched = search_latency(port);
        let browser = playwright_bench(port, &tmp);
        let pages = browser.and_then(|pages| lighthouse(&lh_dir, port, &tmp, &pages));
        searched.and(pages)
    })();
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&tmp);
    if let Err(e) = &front {
        println!("\n**front end: FAILED** {e}");
        summary::failed("front end", e);
    }
    // The rest each stand alone: one that fails is reported, and the others still run.
    let steps: [(&'static str, Step); 6] = [
        ("upload memory", upload_memory),
        ("load", load),
        ("server throughput and faults", backend),
        ("fuzz targets", crate::fuzz::run),
        ("API fuzzing (schemathesis)", crate::api_fuzz::run),
        ("scale-out", crate::scale::run),
    ];
    let mut failed: Vec<&str> = front.is_err().then_some("front end").into_iter().collect();
    for (name, step) in steps.into_iter().filter(|_| !front_only) {
        if let Err(e) = step() {
            println!("\n**{name}: FAILED** {e}");
            summary::failed(name, &e);
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
            summarise_backend(what, figures);
        }
    }
    if out.status.success() {
        Ok(())
    } else {
        print!("{stdout}");
        Err("server benchmarks: a target was missed or a test failed (see above)".into())
    }
}

/// The value of `key=value` among the words of a `BENCH …` or `bench …` line ("" if absent).
fn field<'a>(line: &'a str, key: &str) -> &'a str {
    line.split_whitespace()
        .find_map(|w| w.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
        .unwrap_or_default()
}

/// A number of such a line with its unit (ms, MB, /s) left off; NaN if absent.
fn number(line: &str, key: &str) -> f64 {
    field(line, key)
        .trim_end_matches(|c: char| c.is_alphabetic() || c == '/')
        .parse()
        .unwrap_or(f64::NAN)
}

/// One `bench <what> key=value …` line of the server's tests against issue 9's targets.
fn summarise_backend(what: &str, figures: &str) {
    let field = |k: &str| field(figures, k);
    let num = |k: &str| number(figures, k);
    const AREA: &str = "server (release, loopback)";
    let db = field("db");
    match what {
        "submissions" | "status-reads" | "mixed" if figures.contains("first error") => {}
        "submissions" | "status-reads" => {
            let (rate, p99, errors) = (num("rate"), num("p99"), num("errors"));
            let (min_rate, max_p99) = if what == "submissions" {
                (5000.0, 25.0)
            } else {
                (15000.0, 10.0)
            };
            let figure = format!(
                "{rate:.0}/s, p99 {p99:.1} ms, {errors:.0} errors over {} s",
                field("seconds")
            );
            // The targets are SQLite's; PostgreSQL's runs are reported beside them.
            let sqlite = db == "sqlite";
            summary::add(
                AREA,
                format!("{what} on {db}"),
                figure,
                if sqlite {
                    format!(">= {min_rate:.0}/s, p99 <= {max_p99:.0} ms, 0 errors")
                } else {
                    "(reported)".into()
                },
                sqlite.then_some(rate >= min_rate && p99 <= max_p99 && errors == 0.0),
            );
        }
        "mixed" => summary::add(
            AREA,
            "mixed run (memory)",
            format!("{:.0}/s, p99 {} ms", num("rate"), num("p99")),
            "",
            None,
        ),
        "memory" => {
            let (start, end) = (num("rss_start"), num("rss_end"));
            summary::add(
                AREA,
                format!("memory over a {} s mixed run", field("seconds")),
                format!(
                    "RSS {start:.1} MB at the start, {end:.1} MB at the end (max {})",
                    field("rss_max")
                ),
                "flat: the end within 32 MB of the start",
                Some(end <= start + 32.0),
            );
        }
        "crash" | "pg-restart" => {
            let (acked, stored) = (num("acknowledged"), num("stored"));
            summary::add(
                "faults",
                if what == "crash" {
                    format!("kill -9 x{}", field("kills"))
                } else {
                    "PostgreSQL restarted x3".into()
                },
                format!(
                    "{acked:.0} acknowledged, {stored:.0} stored; {}",
                    if what == "crash" {
                        format!(
                            "{} uploads, {} file rows, restart median {}",
                            field("uploads"),
                            field("file_rows"),
                            field("restart_median")
                        )
                    } else {
                        format!("back after {} ms", field("back_after_ms"))
                    }
                ),
                "every acknowledged submission stored once",
                Some(acked == stored && acked > 0.0),
            );
        }
        _ => {}
    }
}

/// The ignored load test: 1,000 applicants polling while 50 staff act, on SQLite and on a
/// throwaway PostgreSQL cluster; its result lines are printed here.
fn load() -> Result {
    println!("\n## Load: 1,000 applicants polling every second while 50 staff act (loopback)\n");
    let cluster = crate::postgres::Cluster::start()?;
    let out = util::cargo()
        .args(crate::test::TEST_BUILD)
        .args([
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
            let (label, figures) = line[i + 5..].split_once(": ").unwrap_or(("", &line[i..]));
            summary::add(
                "load (1,000 applicants polling, 50 staff)",
                label,
                figures,
                "",
                None,
            );
        }
    }
    if out.status.success() {
        Ok(())
    } else {
        print!("{stdout}");
        Err("load: the test failed (see its output above)".into())
    }
}

/// The Playwright project `bench` (it exists only with BENCH=1), once: a 12-megapixel photo
/// made smaller in Chromium by the app itself, three times at full speed and three with 4x CPU
/// slowdown (size sent and milliseconds, as the app logs them); the form's latency; and the
/// seven pages Lighthouse measures, reached through the app with real data
/// (`pages.bench.spec.ts`), whose list it returns.
fn playwright_bench(port: u16, tmp: &std::path::Path) -> Result<std::path::PathBuf> {
    let pages = tmp.join("pages.json");
    let out = Command::new("npx")
        .args(["playwright", "test", "--project=bench", "--reporter=line"])
        .current_dir(root().join("e2e"))
        .env("BENCH", "1")
        .env("BASE_URL", format!("http://127.0.0.1:{port}"))
        .env("CHROMIUM_PATH", crate::setup::chromium_path())
        .env("LIGHTHOUSE_PAGES", &pages)
        .output()
        .map_err(|e| format!("cannot run Playwright: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    compress_table(&stdout);
    latency_table(&stdout);
    if !out.status.success() {
        print!("{stdout}");
        summary::add(
            "Playwright bench",
            "every bench test passes",
            "a test failed (its output is above)",
            "all pass",
            Some(false),
        );
    }
    if pages.exists() {
        Ok(pages)
    } else {
        Err("the journey to the pages Lighthouse measures did not finish".into())
    }
}

/// `BENCH compress cpu=… original=… sent=… ms=…` lines as a table, and the medians.
fn compress_table(stdout: &str) {
    println!("\n## Photo compression in the browser: 12 MP JPEG (4000 x 3000), Chromium\n");
    let mut rows: Vec<(String, f64, f64, f64)> = Vec::new();
    for line in stdout
        .lines()
        .filter_map(|l| l.trim().strip_prefix("BENCH compress "))
    {
        rows.push((
            field(line, "cpu").to_owned(),
            number(line, "original"),
            number(line, "sent"),
            number(line, "ms"),
        ));
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
        if times.is_empty() {
            summary::failed("photo compression", &format!("no sample at {cpu}"));
            continue;
        }
        let (kb, ms) = (median(sizes) / 1024.0, median(times));
        println!("median at {cpu}: {kb:.0} KB sent in {ms:.0} ms");
        // The target is for the phone's own speed; 4x slowdown is reported beside it.
        let full_speed = cpu == "1x";
        summary::add(
            "photo compression (12 MP, Chromium)",
            format!(
                "CPU {cpu}, median of {}",
                rows.iter().filter(|r| r.0 == cpu).count()
            ),
            format!("{kb:.0} KB in {ms:.0} ms"),
            if full_speed {
                "<= 600 KB in <= 1,000 ms"
            } else {
                "(reported)"
            },
            full_speed.then_some(kb <= 600.0 && ms <= 1000.0),
        );
    }
}

/// The form's answer to a press of 继续 (`e2e/tests/latency.bench.spec.ts`): to the frame
/// that shows it, and Chrome's Event Timing of the press, at full speed and 4x slowdown.
fn latency_table(stdout: &str) {
    let mut rows: Vec<(String, String, f64, f64)> = Vec::new();
    for line in stdout
        .lines()
        .filter_map(|l| l.trim().strip_prefix("BENCH latency "))
    {
        rows.push((
            field(line, "action").to_owned(),
            field(line, "cpu").to_owned(),
            number(line, "ms"),
            number(line, "event"),
        ));
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
        let slowed = cpu == "4x";
        summary::add(
            "the form's latency (Playwright, Pixel 7)",
            format!("{action}, CPU {cpu}, {} samples", ms.len()),
            format!(
                "median {:.0} ms, max {:.0} ms",
                median(ms.clone()),
                percentile(ms.clone(), 100.0)
            ),
            if slowed {
                "median <= 80 ms at 4x"
            } else {
                "(reported)"
            },
            slowed.then_some(median(ms.clone()) <= 80.0),
        );
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
        .args(crate::test::TEST_BUILD)
        .args(["--test", "upload_memory", "--", "--ignored", "--nocapture"])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo test: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().find(|l| l.starts_with("upload memory:"));
    match line {
        Some(l) => {
            println!("{l}");
            let growth = l
                .split(", ")
                .find_map(|p| p.strip_prefix("growth "))
                .and_then(|g| g.trim_end_matches(" MB").parse::<f64>().ok());
            summary::add(
                "upload memory (20 concurrent ~10 MB uploads)",
                "the server's RSS growth",
                growth.map_or("?".into(), |g| format!("{g:.1} MB")),
                "< 300 MB, every upload accepted",
                Some(out.status.success()),
            );
        }
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
        percentile(round_trip.clone(), 99.0)
    );
    println!(
        "search (Server-Timing) median {:.3} ms   p99 {:.3} ms",
        median(in_server.clone()),
        percentile(in_server.clone(), 99.0)
    );
    summary::add(
        "search (whole catalogue, debug server)",
        format!("{} queries x {SEARCH_REPEATS}", paths.len()),
        format!(
            "round trip median {:.2} ms, p99 {:.2} ms; in the server p99 {:.2} ms",
            median(round_trip.clone()),
            percentile(round_trip, 99.0),
            percentile(in_server, 99.0)
        ),
        "",
        None,
    );
    Ok(())
}

/// Lighthouse (`tools/lighthouse/pages.mjs`, mobile defaults: simulated 150 ms RTT, 1.6 Mbps,
/// 4x CPU) on each page the Playwright bench wrote down, five fresh browsers each: the medians
/// against issue 9's targets.
fn lighthouse(
    dir: &std::path::Path,
    port: u16,
    tmp: &std::path::Path,
    pages: &std::path::Path,
) -> Result {
    let out = tmp.join("lighthouse.json");
    util::exec(
        Command::new("node")
            .arg(dir.join("pages.mjs"))
            .arg(format!("http://127.0.0.1:{port}"))
            .arg(pages)
            .arg(RUNS.to_string())
            .arg(&out)
            .current_dir(dir)
            .env("CHROME_PATH", crate::setup::chromium_path()),
    )?;
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
    println!("\n## Lighthouse, mobile defaults (150 ms RTT, 1.6 Mbps, 4x CPU), median of {RUNS}\n");
    println!("| page | path | score | FCP | LCP | TBT | CLS | HTML+CSS+JS+wasm | all bytes |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|");
    for page in report.as_array().into_iter().flatten() {
        let name = page["name"].as_str().unwrap_or("?");
        let samples = page["samples"].as_array().cloned().unwrap_or_default();
        let col = |k: &str| {
            median(
                samples
                    .iter()
                    .map(|x| x[k].as_f64().unwrap_or(f64::NAN))
                    .collect(),
            )
        };
        let (score, lcp, tbt, cls, shell) = (
            col("score"),
            col("lcp"),
            col("tbt"),
            col("cls"),
            col("shell") / 1024.0,
        );
        println!(
            "| {name} | {} | {score:.2} | {:.0} ms | {lcp:.0} ms | {tbt:.0} ms | {cls:.3} | {shell:.1} KB | {:.1} KB |",
            page["path"].as_str().unwrap_or("?"),
            col("fcp"),
            col("bytes") / 1024.0
        );
        summary::add(
            "Lighthouse, mobile, median of 5",
            name,
            format!(
                "score {score:.2}, LCP {lcp:.0} ms, TBT {tbt:.0} ms, CLS {cls:.3}, {shell:.1} KB"
            ),
            "score >= 0.95, LCP <= 2,000 ms, TBT <= 50 ms, CLS <= 0.02, <= 120 KB",
            Some(score >= 0.95 && lcp <= 2000.0 && tbt <= 50.0 && cls <= 0.02 && shell <= 120.0),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_servers_lines_meet_or_miss_their_targets() {
        summarise_backend(
            "submissions",
            "db=sqlite requests=854133 seconds=120 rate=7118/s p50=6.90ms p99=20.00ms max=32.00ms errors=0",
        );
        summarise_backend(
            "status-reads",
            "db=sqlite requests=234420 seconds=30 rate=7814/s p50=8.10ms p99=14.00ms max=40.00ms errors=0",
        );
        summarise_backend(
            "status-reads",
            "db=postgres requests=1 seconds=30 rate=3000/s p50=8.10ms p99=30.00ms max=40.00ms errors=0",
        );
        summarise_backend(
            "crash",
            "kills=30 seconds=8 acknowledged=5814 first_try=5741 stored=5814 uploads=722 file_rows=722 objects_on_disk=726 integrity=ok restart_median=49ms",
        );
        let t = summary::table();
        assert!(t.contains("| submissions on sqlite | 7118/s, p99 20.0 ms, 0 errors over 120 s | >= 5000/s, p99 <= 25 ms, 0 errors | met |"), "{t}");
        assert!(t.contains("| status-reads on sqlite | 7814/s, p99 14.0 ms, 0 errors over 30 s | >= 15000/s, p99 <= 10 ms, 0 errors | **MISSED** |"), "{t}");
        assert!(t.contains("| status-reads on postgres | 3000/s, p99 30.0 ms, 0 errors over 30 s | (reported) |  |"), "{t}");
        assert!(
            t.contains("| kill -9 x30 | 5814 acknowledged, 5814 stored;"),
            "{t}"
        );
    }

    #[test]
    fn the_browsers_lines_become_rows() {
        let out = "  BENCH compress cpu=1x original=3640000 sent=471040 ms=123\n\
                   BENCH latency action=next-step cpu=4x ms=42.0 event=56\n\
                   BENCH latency action=next-step cpu=4x ms=90.0 event=96\n\
                   BENCH latency action=next-step cpu=4x ms=41.0 event=48\n";
        compress_table(out);
        latency_table(out);
        let t = summary::table();
        assert!(
            t.contains(
                "| CPU 1x, median of 1 | 460 KB in 123 ms | <= 600 KB in <= 1,000 ms | met |"
            ),
            "{t}"
        );
        assert!(t.contains("| next-step, CPU 4x, 3 samples | median 42 ms, max 90 ms | median <= 80 ms at 4x | met |"), "{t}");
    }
}
