//! Load: 1,000 applicants polling their application's progress (each on its own keep-alive
//! connection, once a second, with the ETag of the last answer) while 50 staff members take
//! 50 applications from acceptance to EMS dispatch, through the real HTTP stack on loopback.
//! Reports p50/p99 latency and errors of both, on SQLite, and on PostgreSQL when
//! `ONETRIP_TEST_POSTGRES_URL` names a server (`cargo xtask bench` starts one).
//!
//! Ignored by the test command (it takes a minute per database): `cargo test -p
//! onetrip-server --release --test load -- --ignored --nocapture`, or `cargo xtask bench`.
//! Rate limits are raised for the run (the configuration's `rate_read` / `rate_write`).

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::{TestApp, seed_staff, spawn_with};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::Mutex;

const APPLICANTS: usize = 1_000;
const STAFF: usize = 50;
const POLL_EVERY: Duration = Duration::from_secs(1);
const SECONDS: u64 = 30;

/// One keep-alive HTTP/1.1 connection: a request, its status, its ETag and its body.
struct Conn {
    reader: BufReader<TcpStream>,
}

impl Conn {
    async fn open(addr: SocketAddr) -> std::io::Result<Conn> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Conn {
            reader: BufReader::new(stream),
        })
    }

    async fn call(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> std::io::Result<(u16, Option<String>, Option<String>, String)> {
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nSec-Fetch-Site: same-origin\r\n"
        );
        for (k, v) in headers {
            req += &format!("{k}: {v}\r\n");
        }
        if let Some(b) = body {
            req += &format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                b.len()
            );
        }
        req += "\r\n";
        if let Some(b) = body {
            req += b;
        }
        self.reader.get_mut().write_all(req.as_bytes()).await?;
        let mut line = String::new();
        self.reader.read_line(&mut line).await?;
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
        let (mut length, mut etag, mut cookie) = (0usize, None, None);
        loop {
            line.clear();
            self.reader.read_line(&mut line).await?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            let (name, value) = l.split_once(':').unwrap_or((l, ""));
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse().unwrap_or(0),
                "etag" => etag = Some(value.trim().to_owned()),
                "set-cookie" => {
                    cookie = value.trim().split(';').next().map(str::to_owned);
                }
                _ => {}
            }
        }
        let mut buf = vec![0; length];
        self.reader.read_exact(&mut buf).await?;
        let text = String::from_utf8_lossy(&buf).into_owned();
        Ok((status, etag, cookie, text))
    }
}

fn percentile(mut v: Vec<f64>, p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    if v.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0 * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[rank - 1]
}

/// Serve the app on a loopback port, as `run` does.
async fn serve(app: &TestApp) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = app
        .router
        .clone()
        .into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}

/// The staff sequence on one application: accept, every matter approved by its department,
/// EMS dispatch. Latencies of each action, and errors.
async fn staff_member(
    addr: SocketAddr,
    cookies: Arc<Vec<(String, String)>>,
    number: String,
    latencies: Arc<Mutex<Vec<f64>>>,
    errors: Arc<AtomicU64>,
) {
    let Ok(mut conn) = Conn::open(addr).await else {
        errors.fetch_add(1, Ordering::Relaxed);
        return;
    };
    let cookie = |who: &str| {
        cookies
            .iter()
            .find(|(u, _)| u == who)
            .map(|(_, c)| c.clone())
            .unwrap_or_default()
    };
    let steps: Vec<(&str, Value)> = vec![
        ("window", json!({"action": "accept"})),
        (
            "amr",
            json!({"action": "approve", "matter": "company-registration"}),
        ),
        (
            "police",
            json!({"action": "approve", "matter": "seal-engraving"}),
        ),
        (
            "tax",
            json!({"action": "approve", "matter": "invoice-application"}),
        ),
        (
            "bank",
            json!({"action": "approve", "matter": "bank-account"}),
        ),
        (
            "hrss",
            json!({"action": "approve", "matter": "social-insurance-registration"}),
        ),
        (
            "housing-fund",
            json!({"action": "approve", "matter": "housing-fund-registration"}),
        ),
        (
            "window",
            json!({"action": "dispatch", "tracking": "EE473124829CN"}),
        ),
    ];
    let path = format!("/api/v1/staff/applications/{number}/actions");
    for (who, action) in steps {
        let c = cookie(who);
        let body = action.to_string();
        let started = Instant::now();
        match conn
            .call("POST", &path, &[("Cookie", &c)], Some(&body))
            .await
        {
            Ok((200, ..)) => latencies
                .lock()
                .await
                .push(started.elapsed().as_secs_f64() * 1000.0),
            Ok((status, _, _, text)) => {
                eprintln!("staff {who} {number}: {status} {text}");
                errors.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => {
                eprintln!("staff {who} {number}: {e}");
                errors.fetch_add(1, Ordering::Relaxed);
            }
        }
        // Staff read before they act.
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

async fn run(label: &str, app: TestApp) {
    seed_staff(&app).await;
    // The applications, submitted through the API in process (documents and all).
    let mut apps: Vec<(String, String)> = Vec::new();
    for _ in 0..STAFF {
        apps.push(common::submitted_startup(&app).await);
    }
    let addr = serve(&app).await;
    let mut cookies = Vec::new();
    for who in [
        "window",
        "amr",
        "police",
        "tax",
        "bank",
        "hrss",
        "housing-fund",
    ] {
        cookies.push((who.to_owned(), common::staff_cookie(&app, who).await));
    }
    let cookies = Arc::new(cookies);
    let stop = Arc::new(AtomicBool::new(false));
    let poll_latencies = Arc::new(Mutex::new(Vec::<f64>::new()));
    let (poll_errors, not_modified) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let mut pollers = Vec::new();
    for i in 0..APPLICANTS {
        let (number, key) = apps[i % apps.len()].clone();
        let (stop, lat, errs, nm) = (
            stop.clone(),
            poll_latencies.clone(),
            poll_errors.clone(),
            not_modified.clone(),
        );
        pollers.push(tokio::spawn(async move {
            // Spread the first polls over the first second.
            tokio::time::sleep(Duration::from_millis((i as u64 * 1000) / APPLICANTS as u64)).await;
            let Ok(mut conn) = Conn::open(addr).await else {
                errs.fetch_add(1, Ordering::Relaxed);
                return;
            };
            let path = format!("/api/v1/applications/{number}/progress");
            let mut etag: Option<String> = None;
            let mut mine = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let started = Instant::now();
                let mut headers = vec![("X-Application-Key", key.as_str())];
                if let Some(t) = &etag {
                    headers.push(("If-None-Match", t.as_str()));
                }
                match conn.call("GET", &path, &headers, None).await {
                    Ok((200, tag, ..)) => {
                        etag = tag;
                        mine.push(started.elapsed().as_secs_f64() * 1000.0);
                    }
                    Ok((304, ..)) => {
                        nm.fetch_add(1, Ordering::Relaxed);
                        mine.push(started.elapsed().as_secs_f64() * 1000.0);
                    }
                    Ok(_) | Err(_) => {
                        errs.fetch_add(1, Ordering::Relaxed);
                        match Conn::open(addr).await {
                            Ok(c) => conn = c,
                            Err(_) => break,
                        }
                    }
                }
                tokio::time::sleep(POLL_EVERY.saturating_sub(started.elapsed())).await;
            }
            lat.lock().await.extend(mine);
        }));
    }
    // Staff start once the pollers are running.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let staff_latencies = Arc::new(Mutex::new(Vec::<f64>::new()));
    let staff_errors = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut staff = Vec::new();
    for (number, _) in &apps {
        staff.push(tokio::spawn(staff_member(
            addr,
            cookies.clone(),
            number.clone(),
            staff_latencies.clone(),
            staff_errors.clone(),
        )));
    }
    for s in staff {
        let _ = s.await;
    }
    let staff_secs = started.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(
        SECONDS.saturating_sub(staff_secs as u64),
    ))
    .await;
    stop.store(true, Ordering::Relaxed);
    for p in pollers {
        let _ = p.await;
    }
    let polls = poll_latencies.lock().await.clone();
    let actions = staff_latencies.lock().await.clone();
    // Every application got to 已寄出 in the end.
    let mut dispatched = 0;
    for (number, _) in &apps {
        let row = app
            .state
            .storage
            .application(number)
            .await
            .unwrap()
            .unwrap();
        if row.status == "dispatched" {
            dispatched += 1;
        }
    }
    println!(
        "load {label}: {} polls ({} × 304) p50 {:.1} ms p99 {:.1} ms, {} errors; {} staff actions p50 {:.1} ms p99 {:.1} ms, {} errors, in {:.1} s; {dispatched}/{} dispatched",
        polls.len(),
        not_modified.load(Ordering::Relaxed),
        percentile(polls.clone(), 50.0),
        percentile(polls.clone(), 99.0),
        poll_errors.load(Ordering::Relaxed),
        actions.len(),
        percentile(actions.clone(), 50.0),
        percentile(actions.clone(), 99.0),
        staff_errors.load(Ordering::Relaxed),
        staff_secs,
        apps.len(),
    );
    assert_eq!(poll_errors.load(Ordering::Relaxed), 0, "poll errors");
    assert_eq!(staff_errors.load(Ordering::Relaxed), 0, "staff errors");
    assert_eq!(dispatched, apps.len());
}

fn raised(c: &mut onetrip_server::config::Config) {
    c.rate_read.count = 10_000_000;
    c.rate_write.count = 10_000_000;
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a minute of load: cargo xtask bench"]
async fn load_on_sqlite() {
    run("sqlite", spawn_with(raised).await).await;
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a minute of load: cargo xtask bench"]
async fn load_on_postgres() {
    let Some(server) = common::postgres_server() else {
        return;
    };
    let url = common::fresh_postgres_database(&server).await;
    run(
        "postgres",
        spawn_with(|c| {
            raised(c);
            c.database_url = url;
        })
        .await,
    )
    .await;
}
