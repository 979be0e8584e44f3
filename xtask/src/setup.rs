//! Install whatever is missing, from the package registries only (no downloads at build time).
//! Each step checks first, so a second run costs a few version queries.

use std::path::Path;
use std::process::Command;

use crate::util::{self, Result, cargo, exec, output, root};

pub const TRUNK_VERSION: &str = "0.21.14";
pub const BINARYEN_VERSION: &str = "132";

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// What building and serving the app needs.
    Build,
    /// Also what the test command needs: the e2e packages, a browser, PostgreSQL.
    Test,
}

pub fn run(need: Need) -> Result {
    wasm_target()?;
    trunk()?;
    wasm_bindgen()?;
    npm_ci(&root().join("tools"))?;
    wasm_opt_check()?;
    if need == Need::Test {
        npm_ci(&root().join("e2e"))?;
        system_packages()?;
    }
    Ok(())
}

fn wasm_target() -> Result {
    let installed = output(
        Command::new("rustup")
            .args(["target", "list", "--installed"])
            .current_dir(root()),
    )
    .unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    exec(
        Command::new("rustup")
            .args(["target", "add", "wasm32-unknown-unknown"])
            .current_dir(root()),
    )
}

fn trunk() -> Result {
    let path = util::tool_path();
    let version =
        output(Command::new("trunk").arg("--version").env("PATH", &path)).unwrap_or_default();
    if version.split_whitespace().nth(1) == Some(TRUNK_VERSION) {
        return Ok(());
    }
    eprintln!("installing trunk {TRUNK_VERSION} (about 9 minutes on 2 cores, once)");
    exec(cargo().args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"]))
}

/// The wasm-bindgen version in Cargo.lock: the CLI must match it exactly.
pub fn locked_wasm_bindgen() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\""
            && let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \""))
        {
            return Ok(v.trim_end_matches('"').to_owned());
        }
    }
    Err("wasm-bindgen is not in Cargo.lock".into())
}

fn wasm_bindgen() -> Result {
    let want = locked_wasm_bindgen()?;
    let path = util::tool_path();
    let have = output(
        Command::new("wasm-bindgen")
            .arg("--version")
            .env("PATH", &path),
    )
    .unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(want.as_str()) {
        return Ok(());
    }
    eprintln!("installing wasm-bindgen-cli {want} (about 4 minutes, once)");
    let locked = exec(cargo().args([
        "install",
        "wasm-bindgen-cli",
        "--version",
        &want,
        "--locked",
        "--force",
    ]));
    if locked.is_err() {
        // Its lockfile can name a yanked or unavailable crate; resolve afresh then.
        exec(cargo().args(["install", "wasm-bindgen-cli", "--version", &want, "--force"]))?;
    }
    Ok(())
}

/// `npm ci` when node_modules is missing or older than the lockfile.
fn npm_ci(dir: &Path) -> Result {
    let lock = dir.join("package-lock.json");
    let marker = dir.join("node_modules/.package-lock.json");
    let fresh = match (
        std::fs::metadata(&lock).and_then(|m| m.modified()),
        std::fs::metadata(&marker).and_then(|m| m.modified()),
    ) {
        (Ok(l), Ok(m)) => m >= l,
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    exec(
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(dir),
    )
}

fn wasm_opt_check() -> Result {
    let bin = root().join("tools/node_modules/.bin/wasm-opt");
    let version = output(Command::new(&bin).arg("--version")).unwrap_or_default();
    if version.contains(&format!("version {BINARYEN_VERSION}")) {
        Ok(())
    } else {
        Err(format!(
            "{} is not binaryen {BINARYEN_VERSION} (got `{}`)",
            bin.display(),
            version.trim()
        ))
    }
}

struct SystemPackage {
    deb: &'static str,
    present: fn() -> bool,
}

fn chromium_present() -> bool {
    Path::new(&chromium_path()).exists()
}

pub fn chromium_path() -> String {
    std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into())
}

fn fonts_present() -> bool {
    Path::new("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc").exists()
        || output(Command::new("fc-list").arg(":lang=zh")).is_some_and(|s| !s.trim().is_empty())
}

const SYSTEM_PACKAGES: &[SystemPackage] = &[
    SystemPackage {
        deb: "chromium",
        present: chromium_present,
    },
    SystemPackage {
        deb: "chromium-driver",
        present: || Path::new("/usr/bin/chromedriver").exists(),
    },
    SystemPackage {
        deb: "fonts-noto-cjk",
        present: fonts_present,
    },
    SystemPackage {
        deb: "postgresql",
        present: || crate::postgres::bin_dir().is_some(),
    },
];

/// Debian's packages for the browser tests and PostgreSQL: installed when we are root on
/// Debian, otherwise named so the user can install them.
fn system_packages() -> Result {
    let missing: Vec<&str> = SYSTEM_PACKAGES
        .iter()
        .filter(|p| !(p.present)())
        .map(|p| p.deb)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let debian = Path::new("/etc/debian_version").exists();
    if debian && util::is_root() {
        exec(Command::new("apt-get").arg("update").arg("-qq"))?;
        exec(
            Command::new("apt-get")
                .args(["install", "-y", "-qq", "--no-install-recommends"])
                .args(&missing)
                .env("DEBIAN_FRONTEND", "noninteractive"),
        )?;
        return Ok(());
    }
    let advice = format!("sudo apt-get install {}", missing.join(" "));
    if util::is_ci() {
        Err(format!(
            "missing system packages: {} (run `{advice}`)",
            missing.join(", ")
        ))
    } else {
        eprintln!(
            "warning: missing {}; install them with `{advice}`",
            missing.join(", ")
        );
        Ok(())
    }
}
