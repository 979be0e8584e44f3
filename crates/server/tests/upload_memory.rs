//! Peak memory of the real server binary under 20 concurrent uploads of about 10 MB each:
//! 10 photos of 20 megapixels (JPEG) and 10 scanned-looking PDFs. Uploads are streamed to a
//! temporary file and images are decoded behind a semaphore of two with a pixel limit, so the
//! server's resident memory must grow by less than 300 MB.
//!
//! Ignored by the normal test command (it takes a while and measures a child process):
//! `cargo test -p onetrip-server --test upload_memory -- --ignored --nocapture`, or
//! `cargo xtask bench`. Linux only (reads `/proc/<pid>/status`). MB = 1,000,000 bytes.

mod common;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const UPLOADS_PER_KIND: usize = 10;
/// A 20-megapixel photo (a common 3:2 camera sensor).
const PHOTO: (u32, u32) = (5472, 3648);
/// The materials' limit (10240 KiB): the files stay under it.
const LIMIT: usize = 10240 * 1024;
const GROWTH_LIMIT: u64 = 300_000_000;
const MB: f64 = 1_000_000.0;

/// The server as a child process, killed when dropped (also when an assertion fails).
struct Server {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn start_server() -> Server {
    let dir = std::env::temp_dir().join(format!("onetrip-upload-memory-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let child = Command::new(env!("CARGO_BIN_EXE_onetrip-server"))
        .env("ONETRIP_ADDR", format!("127.0.0.1:{port}"))
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/memory.db", dir.display()),
        )
        .env("ONETRIP_FILES", dir.join("files"))
        .env("ONETRIP_CATALOG", root.join("catalog"))
        .env("ONETRIP_DIST", dir.join("no-dist"))
        .env("ONETRIP_RATE_READ", "100000/60")
        .env("ONETRIP_RATE_WRITE", "100000/60")
        .env("RUST_LOG", "warn")
        .env_remove("PUBLIC_BASE_URL")
        .env_remove("ONETRIP_MAINTENANCE")
        .stdout(Stdio::null())
        .spawn()
        .expect("the server binary starts");
    Server { child, port, dir }
}

/// One HTTP/1.1 request on its own connection: (status, body). The body is written in parts
/// so a 10 MB file is never copied into one request buffer.
async fn request(port: u16, head: String, parts: &[&[u8]]) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    s.write_all(head.as_bytes()).await.unwrap();
    for p in parts {
        // The server may answer (413, 422) and close before the body is all sent.
        if s.write_all(p).await.is_err() {
            break;
        }
    }
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).await.unwrap();
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an HTTP answer");
    let head = String::from_utf8_lossy(&raw[..end]).to_string();
    let status = head
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let mut body = raw[end + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    (status, body)
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&data[..eol]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[eol + 2 + size + 2..];
    }
    out
}

async fn get(port: u16, path: &str) -> (u16, Vec<u8>) {
    let head = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    request(port, head, &[]).await
}

async fn wait_for_health(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).await.is_ok()
            && get(port, "/api/health").await.0 == 200
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not answer /api/health within 60 s");
}

struct Draft {
    token: String,
    key: String,
}

/// A 企业开办 draft whose situation asks for the lease contract (a rented office) and the
/// articles of association (a limited company), with both consents.
async fn draft(port: u16) -> Draft {
    let body = common::startup_with_consent().to_string();
    let head = format!(
        "POST /api/v1/drafts HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
         Content-Type: application/json\r\nSec-Fetch-Site: same-origin\r\n\
         Idempotency-Key: {}\r\nContent-Length: {}\r\n\r\n",
        uuid::Uuid::new_v4(),
        body.len()
    );
    let (status, answer) = request(port, head, &[body.as_bytes()]).await;
    let json: Value = serde_json::from_slice(&answer).unwrap();
    assert_eq!(status, 201, "{json}");
    Draft {
        token: json["draft"]["token"].as_str().unwrap().to_owned(),
        key: json["key"].as_str().unwrap().to_owned(),
    }
}

/// A multipart upload as the browser sends it: (status, answer).
async fn upload(
    port: u16,
    d: &Draft,
    material: &str,
    (name, content_type, bytes): (&str, &str, &[u8]),
) -> (u16, Value) {
    let boundary = "----onetrip-memory-boundary";
    let mut before = Vec::new();
    for (field, value) in [("material", material), ("slot", "pages")] {
        write!(
            before,
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"\r\n\r\n{value}\r\n"
        )
        .unwrap();
    }
    write!(
        before,
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {content_type}\r\n\r\n"
    )
    .unwrap();
    let after = format!("\r\n--{boundary}--\r\n");
    let head = format!(
        "POST /api/v1/drafts/{}/files HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nSec-Fetch-Site: same-origin\r\n\
         Idempotency-Key: {}\r\nX-Draft-Key: {}\r\nContent-Length: {}\r\n\r\n",
        d.token,
        uuid::Uuid::new_v4(),
        d.key,
        before.len() + bytes.len() + after.len()
    );
    let (status, answer) = request(port, head, &[&before, bytes, after.as_bytes()]).await;
    let json = serde_json::from_slice(&answer)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&answer).into_owned()));
    (status, json)
}

/// A small, fast pseudo-random sequence (xorshift64*), so the files are the same every run.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// A photo-like JPEG: smooth gradients with sensor-like noise, quality 92, so a 20-megapixel
/// picture weighs about what a phone's does (close to 10 MB).
fn photo(w: u32, h: u32, noise: u8) -> Vec<u8> {
    let mut rng = Noise(0x9E37_79B9_7F4A_7C15);
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let n = rng.next();
        let jitter = |shift: u32| ((n >> shift) & 0xFF) as u8 % noise.max(1);
        let base = [
            (x * 200 / w) as u8,
            (y * 200 / h) as u8,
            ((x + y) * 100 / (w + h)) as u8 + 60,
        ];
        image::Rgb([
            base[0].saturating_add(jitter(0)),
            base[1].saturating_add(jitter(8)),
            base[2].saturating_add(jitter(16)),
        ])
    });
    common::encode_jpeg(&img, 92)
}

/// A one-page PDF showing an uncompressed RGB image of `side` x `side` pixels (a scan saved
/// without compression), with a correct cross-reference table.
fn scanned_pdf(side: usize) -> Vec<u8> {
    let mut rng = Noise(0xD1B5_4A32_D192_ED03);
    let pixels: Vec<u8> = (0..side * side * 3).map(|_| rng.next() as u8).collect();
    let content = b"q 595 0 0 842 0 0 cm /Im0 Do Q".to_vec();
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>".to_vec(),
    ];
    for (dict, data) in [
        (
            format!(
                "/Type /XObject /Subtype /Image /Width {side} /Height {side} /ColorSpace /DeviceRGB /BitsPerComponent 8"
            ),
            pixels,
        ),
        (String::new(), content),
    ] {
        objects.push(common::pdf_stream(&dict, &data));
    }
    common::pdf(&objects)
}

/// `VmRSS` or `VmHWM` of a process, in bytes.
fn proc_status(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map(|kb| kb * 1024)
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "a measurement: run with --ignored (cargo xtask bench does)"]
async fn twenty_concurrent_ten_megabyte_uploads_stay_under_300_mb_of_growth() {
    let started = Instant::now();
    let jpeg = tokio::task::spawn_blocking(|| photo(PHOTO.0, PHOTO.1, 23))
        .await
        .unwrap();
    let pdf = tokio::task::spawn_blocking(|| scanned_pdf(1840))
        .await
        .unwrap();
    eprintln!(
        "files made in {:.1} s: JPEG {}x{} {:.2} MB, PDF {:.2} MB",
        started.elapsed().as_secs_f64(),
        PHOTO.0,
        PHOTO.1,
        jpeg.len() as f64 / MB,
        pdf.len() as f64 / MB
    );
    for (what, len) in [("JPEG", jpeg.len()), ("PDF", pdf.len())] {
        assert!(
            len > 9_000_000 && len <= LIMIT,
            "the {what} is {len} bytes: it should be about 10 MB and within the materials' limit"
        );
    }
    let (jpeg, pdf) = (Arc::new(jpeg), Arc::new(pdf));

    let server = start_server();
    let (port, pid) = (server.port, server.child.id());
    wait_for_health(port).await;

    // One draft per upload, as 20 applicants would; then a warm-up upload of each kind, so
    // the baseline includes the allocator's and the runtime's settled state.
    let mut drafts = Vec::new();
    for _ in 0..=2 * UPLOADS_PER_KIND {
        drafts.push(draft(port).await);
    }
    let warm = drafts.pop().unwrap();
    let small = photo(1600, 1200, 23);
    let (s, j) = upload(
        port,
        &warm,
        "lease-contract",
        ("a.jpg", "image/jpeg", &small),
    )
    .await;
    assert_eq!(s, 201, "warm-up photo: {j}");
    let small_pdf = scanned_pdf(200);
    let (s, j) = upload(
        port,
        &warm,
        "articles-of-association",
        ("a.pdf", "application/pdf", &small_pdf),
    )
    .await;
    assert_eq!(s, 201, "warm-up PDF: {j}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let baseline = proc_status(pid, "VmRSS");
    // Reset the peak (VmHWM) to the current size, so it covers the uploads only.
    let reset = std::fs::write(format!("/proc/{pid}/clear_refs"), "5").is_ok();

    let running = Arc::new(AtomicBool::new(true));
    let polled_peak = Arc::new(AtomicU64::new(baseline));
    let sampler = {
        let (running, polled_peak) = (running.clone(), polled_peak.clone());
        std::thread::spawn(move || {
            while running.load(Ordering::Relaxed) {
                polled_peak.fetch_max(proc_status(pid, "VmRSS"), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(20));
            }
        })
    };

    let began = Instant::now();
    let mut tasks = Vec::new();
    for (i, d) in drafts.into_iter().enumerate() {
        let (jpeg, pdf) = (jpeg.clone(), pdf.clone());
        tasks.push(tokio::spawn(async move {
            if i % 2 == 0 {
                upload(
                    port,
                    &d,
                    "lease-contract",
                    ("lease.jpg", "image/jpeg", &jpeg),
                )
                .await
            } else {
                upload(
                    port,
                    &d,
                    "articles-of-association",
                    ("articles.pdf", "application/pdf", &pdf),
                )
                .await
            }
        }));
    }
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(
            tokio::time::timeout(Duration::from_secs(600), t)
                .await
                .expect("an upload answered within 10 minutes")
                .unwrap(),
        );
    }
    let took = began.elapsed().as_secs_f64();
    std::thread::sleep(Duration::from_millis(60));
    running.store(false, Ordering::Relaxed);
    sampler.join().unwrap();
    let hwm = proc_status(pid, "VmHWM");
    let peak = hwm.max(polled_peak.load(Ordering::Relaxed));
    let growth = peak.saturating_sub(baseline);
    let accepted = answers.iter().filter(|(s, _)| *s == 201).count();
    let sent = UPLOADS_PER_KIND * (jpeg.len() + pdf.len());

    println!(
        "upload memory: {} concurrent uploads ({UPLOADS_PER_KIND} x 20 MP JPEG, {UPLOADS_PER_KIND} x PDF), {:.1} MB sent, baseline RSS {:.1} MB, peak {:.1} MB, growth {:.1} MB, all {accepted} accepted in {took:.1} s",
        answers.len(),
        sent as f64 / MB,
        baseline as f64 / MB,
        peak as f64 / MB,
        growth as f64 / MB,
    );
    eprintln!(
        "(peak: VmHWM {:.1} MB{}, polled VmRSS every 20 ms {:.1} MB)",
        hwm as f64 / MB,
        if reset {
            " after clear_refs"
        } else {
            ", not reset"
        },
        polled_peak.load(Ordering::Relaxed) as f64 / MB
    );
    for (status, json) in &answers {
        assert_eq!(*status, 201, "{json}");
    }
    assert!(
        growth < GROWTH_LIMIT,
        "resident memory grew by {:.1} MB (limit 300 MB)",
        growth as f64 / MB
    );
}
