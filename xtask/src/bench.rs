//! `cargo xtask bench`: the numbers that take too long for the test command. Bundle sizes of
//! the release build, and Lighthouse (mobile throttling: 150 ms RTT, 1.6 Mbps, 4x CPU) on the
//! home page, median of 5 runs, against the real server on loopback.

use std::process::{Command, Stdio};

use crate::util::{self, Result, root};

const RUNS: usize = 5;

pub fn run() -> Result {
    crate::setup::run(crate::setup::Need::Build)?;
    let dist = crate::build::app()?;
    let assets = crate::build::initial_load(&dist)?;
    println!("\n## Bundle (first visit, release build)\n");
    print!("{}", crate::build::size_table(&assets));

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
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let result = lighthouse(&lh_dir, port, &tmp);
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&tmp);
    result
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn lighthouse(dir: &std::path::Path, port: u16, tmp: &std::path::Path) -> Result {
    util::wait_for_http(port, "/api/health", 30)?;
    let url = format!("http://127.0.0.1:{port}/");
    let mut rows: Vec<[f64; 7]> = Vec::new();
    for i in 0..RUNS {
        let out = tmp.join(format!("lh-{i}.json"));
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
        )?;
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
    println!("\n## Lighthouse, home page, mobile throttling, median of {RUNS}\n");
    println!("performance score   {:.2}", col(0));
    println!("FCP                 {:.0} ms", col(1));
    println!("LCP                 {:.0} ms", col(2));
    println!("TTI                 {:.0} ms", col(3));
    println!("TBT                 {:.0} ms", col(5));
    println!("CLS                 {:.3}", col(6));
    println!("total transfer      {:.1} KB", col(4) / 1024.0);
    Ok(())
}
