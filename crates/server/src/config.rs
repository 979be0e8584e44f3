//! Configuration from flags and the environment. Every setting has a flag and a variable.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;

use clap::Parser;

#[derive(Parser, Debug, Clone)]
#[command(
    name = "onetrip-server",
    about = "一次办 server: the API and the built app"
)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "ONETRIP_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Port to listen on, replacing the port of `--addr` (`cargo xtask serve --port 8091`).
    #[arg(long, env = "ONETRIP_PORT")]
    pub port: Option<u16>,
    /// `sqlite://path/to/file.db` (default) or `postgres://user@host:port/db`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/onetrip.db")]
    pub database_url: String,
    /// The app built by Trunk (index.html and hashed assets).
    #[arg(long, env = "ONETRIP_DIST", default_value = "dist")]
    pub dist: PathBuf,
    /// The service catalogue (data files).
    #[arg(long, env = "ONETRIP_CATALOG", default_value = "catalog")]
    pub catalog: PathBuf,
    /// The address citizens use, for every absolute link and QR code (never the Host header).
    /// Defaults to `http://` + the listen address.
    #[arg(long, env = "PUBLIC_BASE_URL")]
    pub public_base_url: Option<PublicBaseUrl>,
    /// Serve the 系统维护中 page and 503 answers instead of the service.
    #[arg(long, env = "ONETRIP_MAINTENANCE", action = clap::ArgAction::Set,
          value_parser = clap::builder::BoolishValueParser::new(),
          default_value = "false", num_args = 0..=1, default_missing_value = "true")]
    pub maintenance: bool,
    /// Reads per client address: `COUNT/SECONDS`.
    #[arg(long, env = "ONETRIP_RATE_READ", default_value = "600/60")]
    pub rate_read: RateSpec,
    /// State-changing requests per client address: `COUNT/SECONDS`.
    #[arg(long, env = "ONETRIP_RATE_WRITE", default_value = "30/60")]
    pub rate_write: RateSpec,
    /// Lookups that find nothing (404: a guessed checklist id, resume token, counter code or
    /// application number) per client address, `COUNT/SECONDS`; past it every lookup is 429.
    #[arg(long, env = "ONETRIP_RATE_GUESS", default_value = "30/600")]
    pub rate_guess: RateSpec,
    /// Hours a counter code (办件码) stays valid after it is made.
    #[arg(long, env = "ONETRIP_COUNTER_HOURS", default_value_t = 24)]
    pub counter_hours: u32,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    #[arg(long, env = "ONETRIP_TRUST_PROXY", action = clap::ArgAction::Set,
          value_parser = clap::builder::BoolishValueParser::new(),
          default_value = "false", num_args = 0..=1, default_missing_value = "true")]
    pub trust_proxy: bool,
    /// Where uploaded documents are kept: a local folder (created if missing), or
    /// `s3://bucket[/prefix]` in builds with the `s3` feature. Once resolved (`from_args`),
    /// an S3 location is in `files_store` and this is the local `--upload-dir`.
    #[arg(long, env = "ONETRIP_FILES", default_value = "data/files")]
    pub files_dir: PathBuf,
    /// With documents in S3: the local folder where uploads are received before they are
    /// checked (in its `tmp/`). A local store receives them in `ONETRIP_FILES/tmp`.
    #[arg(long, env = "ONETRIP_UPLOAD_DIR", default_value = "data/uploads")]
    pub upload_dir: PathBuf,
    /// Where the documents' bytes go, decided from `ONETRIP_FILES`.
    #[arg(skip)]
    pub files_store: FilesStore,
    /// Where notifications go: `log` (the log and the in-app messages) or
    /// `command:/path/to/program` (a gateway program fed JSON on standard input).
    #[arg(long, env = "ONETRIP_NOTIFY", default_value = "log")]
    pub notify: crate::notify::Adapter,
    /// Largest JSON body accepted, in bytes.
    #[arg(long, env = "ONETRIP_JSON_LIMIT", default_value_t = 64 * 1024)]
    pub json_limit: usize,
    /// The key of the digests kept of identity and phone numbers (a booking's one-per-person
    /// rules): unkeyed, a copy of the table gives the numbers back to anyone who tries them
    /// all. At least 32 characters, the same on every instance, never logged. Unset: a key made
    /// once and kept in the database (`server_secrets`), which a copy of the bookings alone
    /// does not hold.
    #[arg(long, env = "ONETRIP_DIGEST_KEY", hide_env_values = true)]
    pub digest_key: Option<DigestKey>,
}

/// A secret key for keyed digests (`ids::keyed`). Its Debug form never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct DigestKey(Vec<u8>);

impl DigestKey {
    pub const MIN_LEN: usize = 32;

    /// A fresh key from the operating system's CSPRNG.
    pub fn random() -> std::io::Result<Self> {
        let mut bytes = vec![0u8; Self::MIN_LEN];
        getrandom::fill(&mut bytes).map_err(std::io::Error::other)?;
        Ok(DigestKey(bytes))
    }

    pub fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// As kept in `server_secrets`: hex.
    pub fn to_hex(&self) -> String {
        crate::routes::ids::hex(&self.0)
    }

    pub fn from_hex(text: &str) -> Option<Self> {
        let bytes = (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
            .collect::<Option<Vec<u8>>>()?;
        (text.len().is_multiple_of(2) && bytes.len() >= Self::MIN_LEN).then_some(DigestKey(bytes))
    }
}

impl FromStr for DigestKey {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if s.chars().count() < Self::MIN_LEN {
            return Err(format!(
                "ONETRIP_DIGEST_KEY needs at least {} characters (for example `openssl rand -hex 32`)",
                Self::MIN_LEN
            ));
        }
        Ok(DigestKey(s.as_bytes().to_vec()))
    }
}

impl std::fmt::Debug for DigestKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DigestKey(..)")
    }
}

impl Config {
    /// Flags and environment, with `--port` folded into the listen address.
    pub fn from_args() -> Self {
        let mut config = Config::parse();
        if let Some(port) = config.port.take() {
            config.addr.set_port(port);
        }
        if let Err(message) = config.resolve_files_store() {
            use clap::CommandFactory;
            Config::command()
                .error(clap::error::ErrorKind::ValueValidation, message)
                .exit();
        }
        config
    }

    /// An `s3://` value of `ONETRIP_FILES` becomes `files_store`, and `files_dir` the local
    /// folder uploads are received in (the upload route spools into `files_dir/tmp`).
    pub fn resolve_files_store(&mut self) -> Result<(), String> {
        let text = self.files_dir.to_string_lossy().into_owned();
        if let Some(store) = FilesStore::parse(&text)? {
            self.files_store = store;
            self.files_dir = self.upload_dir.clone();
        }
        Ok(())
    }

    /// Settings for in-process tests: loopback, a given database, no dist, the repository's catalogue.
    pub fn for_tests(database_url: &str) -> Self {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            port: None,
            database_url: database_url.to_owned(),
            dist: root.join("target/no-dist"),
            catalog: root.join("catalog"),
            public_base_url: Some("http://127.0.0.1:8080".parse().expect("valid url")),
            maintenance: false,
            rate_read: RateSpec {
                count: 10_000,
                seconds: 60,
            },
            rate_write: RateSpec {
                count: 10_000,
                seconds: 60,
            },
            rate_guess: RateSpec {
                count: 10_000,
                seconds: 60,
            },
            counter_hours: 24,
            trust_proxy: false,
            files_dir: std::env::temp_dir().join(format!("onetrip-files-{}", uuid::Uuid::new_v4())),
            upload_dir: PathBuf::from("data/uploads"),
            files_store: FilesStore::Local,
            json_limit: 64 * 1024,
            notify: crate::notify::Adapter::Log,
            digest_key: None,
        }
    }

    pub fn public_base_url(&self) -> PublicBaseUrl {
        self.public_base_url
            .clone()
            .unwrap_or_else(|| PublicBaseUrl {
                origin: format!("http://{}", self.addr),
            })
    }
}

/// `scheme://host[:port]` without a trailing slash or path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicBaseUrl {
    origin: String,
}

impl PublicBaseUrl {
    pub fn origin(&self) -> &str {
        &self.origin
    }
    pub fn is_https(&self) -> bool {
        self.origin.starts_with("https://")
    }
    /// An absolute link to a path of ours (`/c/7KQ2M9`).
    pub fn link(&self, path: &str) -> String {
        format!("{}{}", self.origin, path)
    }
}

impl FromStr for PublicBaseUrl {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().trim_end_matches('/');
        let rest = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"))
            .ok_or("PUBLIC_BASE_URL must start with http:// or https://")?;
        if rest.is_empty() || rest.contains(['/', '?', '#', ' ', '@']) {
            return Err("PUBLIC_BASE_URL must be scheme://host[:port], without a path".into());
        }
        Ok(PublicBaseUrl {
            origin: s.to_ascii_lowercase(),
        })
    }
}

/// Where uploaded documents' bytes are kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum FilesStore {
    /// The local folder `files_dir`.
    #[default]
    Local,
    /// An S3-compatible bucket (`s3://bucket[/prefix]`); endpoint, region and credentials
    /// from the standard `AWS_*` variables. Needs a build with the `s3` feature.
    S3 {
        bucket: String,
        prefix: Option<String>,
    },
}

impl FilesStore {
    /// `s3://bucket[/prefix]` → `S3`; anything else is a local folder (`None`).
    pub fn parse(value: &str) -> Result<Option<FilesStore>, String> {
        let Some(rest) = value.strip_prefix("s3://") else {
            return Ok(None);
        };
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let prefix = prefix.trim_matches('/');
        let valid = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.';
        if bucket.len() < 3 || bucket.len() > 63 || !bucket.chars().all(valid) {
            return Err(format!(
                "ONETRIP_FILES={value}: expected s3://bucket[/prefix] with a bucket name of 3-63 \
                 lowercase letters, digits, '-' or '.'"
            ));
        }
        if prefix.split('/').any(|p| p == "." || p == "..") {
            return Err(format!(
                "ONETRIP_FILES={value}: the prefix cannot contain . or .."
            ));
        }
        Ok(Some(FilesStore::S3 {
            bucket: bucket.to_owned(),
            prefix: (!prefix.is_empty()).then(|| prefix.to_owned()),
        }))
    }
}

/// A rate: at most `count` requests per `seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateSpec {
    pub count: u32,
    pub seconds: u32,
}

impl FromStr for RateSpec {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (count, seconds) = s
            .split_once('/')
            .ok_or("expected COUNT/SECONDS, e.g. 30/60")?;
        let count: u32 = count
            .trim()
            .parse()
            .map_err(|_| "COUNT must be a whole number")?;
        let seconds: u32 = seconds
            .trim()
            .parse()
            .map_err(|_| "SECONDS must be a whole number")?;
        if count == 0 || seconds == 0 {
            return Err("COUNT and SECONDS must be above zero".into());
        }
        Ok(RateSpec { count, seconds })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_digest_key_is_long_enough_never_shown_and_keeps_its_hex_form() {
        assert!("short".parse::<DigestKey>().unwrap_err().contains("32"));
        let key: DigestKey = "0123456789abcdef0123456789abcdef".parse().unwrap();
        assert_eq!(format!("{key:?}"), "DigestKey(..)");
        let made = DigestKey::random().unwrap();
        assert_eq!(DigestKey::from_hex(&made.to_hex()), Some(made.clone()));
        assert_ne!(DigestKey::random().unwrap(), made);
        for damaged in ["", "zz", "abc", &made.to_hex()[..40]] {
            assert_eq!(DigestKey::from_hex(damaged), None, "{damaged}");
        }
        // Keyed digests: the same for the same key and value, apart for another key, and not
        // the plain digest that trying every number would undo.
        let keyed =
            |k: &DigestKey| crate::routes::ids::keyed(k, &["booking-id", "110101199003070000"]);
        assert_eq!(keyed(&made), keyed(&made.clone()));
        assert_ne!(keyed(&made), keyed(&key));
        assert_ne!(
            keyed(&made),
            crate::routes::ids::digest(&["booking-id", "110101199003070000"])
        );
        assert_eq!(keyed(&made).len(), 64);
    }

    #[test]
    fn public_base_url_is_an_origin() {
        let url: PublicBaseUrl = "https://YiCi.Example.cn/".parse().unwrap();
        assert_eq!(url.origin(), "https://yici.example.cn");
        assert_eq!(url.link("/c/7KQ2M9"), "https://yici.example.cn/c/7KQ2M9");
        for bad in [
            "ftp://x",
            "https://",
            "https://x/app",
            "x.cn",
            "https://u@x.cn",
        ] {
            assert!(bad.parse::<PublicBaseUrl>().is_err(), "{bad}");
        }
    }

    #[test]
    fn files_store_from_the_files_setting() {
        assert_eq!(FilesStore::parse("data/files"), Ok(None));
        assert_eq!(FilesStore::parse("/srv/s3/files"), Ok(None));
        assert_eq!(
            FilesStore::parse("s3://onetrip-docs"),
            Ok(Some(FilesStore::S3 {
                bucket: "onetrip-docs".into(),
                prefix: None
            }))
        );
        assert_eq!(
            FilesStore::parse("s3://onetrip-docs/prod/files/"),
            Ok(Some(FilesStore::S3 {
                bucket: "onetrip-docs".into(),
                prefix: Some("prod/files".into())
            }))
        );
        for bad in ["s3://", "s3://ab", "s3://Docs", "s3://docs/../x"] {
            assert!(FilesStore::parse(bad).is_err(), "{bad}");
        }
        let mut config = Config::for_tests("sqlite://x.db");
        config.files_dir = "s3://onetrip-docs/prod".into();
        config.upload_dir = "/var/lib/onetrip/uploads".into();
        config.resolve_files_store().unwrap();
        assert_eq!(
            config.files_store,
            FilesStore::S3 {
                bucket: "onetrip-docs".into(),
                prefix: Some("prod".into())
            }
        );
        // Uploads are still received on the local disk.
        assert_eq!(config.files_dir, PathBuf::from("/var/lib/onetrip/uploads"));
    }

    #[test]
    fn rate_spec_parses() {
        assert_eq!(
            "30/60".parse(),
            Ok(RateSpec {
                count: 30,
                seconds: 60
            })
        );
        for bad in ["30", "0/60", "30/0", "a/b", ""] {
            assert!(bad.parse::<RateSpec>().is_err(), "{bad}");
        }
    }
}
