//! The real server binary as a child process on loopback, for the measurements and fault
//! tests that `cargo xtask bench` runs (throughput, memory, kill -9), and a keep-alive
//! HTTP/1.1 client small enough that the load generator costs little of the two cores.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// A server process with its own folder (database, files); killed when dropped.
pub struct Server {
    child: Option<Child>,
    pub port: u16,
    pub dir: PathBuf,
    pub database_url: String,
    env: Vec<(String, String)>,
}

impl Server {
    /// A server on a fresh SQLite database in a new folder, or on `database_url`.
    pub fn start(name: &str, database_url: Option<&str>, env: &[(&str, &str)]) -> Server {
        let dir = std::env::temp_dir().join(format!("onetrip-{name}-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let database_url = database_url
            .map(str::to_owned)
            .unwrap_or_else(|| format!("sqlite://{}/onetrip.db", dir.display()));
        let mut server = Server {
            child: None,
            port,
            dir,
            database_url,
            env: env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        };
        server.spawn();
        server
    }

    /// Start the process (again, after a kill) on the same port, database and files.
    pub fn spawn(&mut self) {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_onetrip-server"));
        cmd.env("ONETRIP_ADDR", format!("127.0.0.1:{}", self.port))
            .env("DATABASE_URL", &self.database_url)
            .env("ONETRIP_FILES", self.dir.join("files"))
            .env("ONETRIP_CATALOG", root.join("catalog"))
            .env("ONETRIP_DIST", self.dir.join("no-dist"))
            // Far above what a load generator on one address sends.
            .env("ONETRIP_RATE_READ", "100000000/60")
            .env("ONETRIP_RATE_WRITE", "100000000/60")
            .env("ONETRIP_RATE_GUESS", "100000000/60")
            .env("RUST_LOG", "warn")
            .env_remove("PUBLIC_BASE_URL")
            .env_remove("ONETRIP_MAINTENANCE")
            .stdout(Stdio::null())
            .stderr(Stdio::from(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(self.dir.join("server.log"))
                    .unwrap(),
            ));
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        self.child = Some(cmd.spawn().expect("the server binary starts"));
    }

    /// SIGKILL: no shutdown, no flushing, as a power cut looks to the process.
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Wait until `/api/health` answers 200 (the database is open and migrated).
    pub async fn ready(&self, within: Duration) -> Duration {
        let started = Instant::now();
        loop {
            if let Ok(mut conn) = Conn::open(self.port).await
                && let Ok((200, _)) = conn.call("GET", "/api/health", &[], None).await
            {
                return started.elapsed();
            }
            assert!(
                started.elapsed() < within,
                "the server did not become ready within {within:?}: {}",
                std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Resident memory (`VmRSS`), bytes.
    pub fn rss(&self) -> u64 {
        let Some(pid) = self.pid() else { return 0 };
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or(0, |kb| kb * 1024)
    }

    pub fn sqlite_path(&self) -> PathBuf {
        self.dir.join("onetrip.db")
    }

    pub fn files_dir(&self) -> PathBuf {
        self.dir.join("files")
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill9();
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// One keep-alive HTTP/1.1 connection.
pub struct Conn {
    reader: BufReader<TcpStream>,
}

impl Conn {
    pub async fn open(port: u16) -> std::io::Result<Conn> {
        let stream = TcpStream::connect(("127.0.0.1", port)).await?;
        stream.set_nodelay(true)?;
        Ok(Conn {
            reader: BufReader::new(stream),
        })
    }

    /// A request with a JSON body (or none): (status, body).
    pub async fn call(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        json: Option<&str>,
    ) -> std::io::Result<(u16, String)> {
        let (status, body) = self
            .send(
                method,
                path,
                headers,
                json.map(|b| ("application/json", b.as_bytes())),
            )
            .await?;
        Ok((status, String::from_utf8_lossy(&body).into_owned()))
    }

    /// A request with a body of any type: (status, body bytes).
    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<(&str, &[u8])>,
    ) -> std::io::Result<(u16, Vec<u8>)> {
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nSec-Fetch-Site: same-origin\r\n"
        );
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        if let Some((content_type, bytes)) = body {
            req.push_str(&format!(
                "Content-Type: {content_type}\r\nContent-Length: {}\r\n",
                bytes.len()
            ));
        }
        req.push_str("\r\n");
        let stream = self.reader.get_mut();
        stream.write_all(req.as_bytes()).await?;
        if let Some((_, bytes)) = body {
            stream.write_all(bytes).await?;
        }
        self.read_answer().await
    }

    async fn read_answer(&mut self) -> std::io::Result<(u16, Vec<u8>)> {
        let closed = || std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "closed");
        let mut line = String::new();
        let mut status = 0;
        let mut length = None;
        let mut chunked = false;
        loop {
            line.clear();
            if self.reader.read_line(&mut line).await? == 0 {
                return Err(closed());
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
                    "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
                    _ => {}
                }
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                if self.reader.read_line(&mut line).await? == 0 {
                    return Err(closed());
                }
                let size = usize::from_str_radix(line.trim(), 16).unwrap_or(0);
                let mut chunk = vec![0; size + 2];
                self.reader.read_exact(&mut chunk).await?;
                if size == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..size]);
            }
        } else if let Some(n) = length {
            body.resize(n, 0);
            self.reader.read_exact(&mut body).await?;
        }
        Ok((status, body))
    }
}

/// The value at `p` percent (nearest rank) of unsorted values.
pub fn percentile(values: &[f64], p: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0 * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[rank - 1]
}

/// A field of a JSON body as a string.
pub fn field(body: &str, name: &str) -> Option<String> {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()?
        .get(name)?
        .as_str()
        .map(str::to_owned)
}

/// SHA-256 (hex) of a file's bytes.
pub fn sha256_of(path: &Path) -> Option<String> {
    use sha2::Digest;
    let bytes = std::fs::read(path).ok()?;
    Some(
        sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
    )
}
