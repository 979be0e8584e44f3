//! A throwaway PostgreSQL cluster for the test run: Debian's server binaries, `initdb` in a
//! temporary directory, loopback only, stopped (and deleted) when the run ends.

use std::path::PathBuf;
use std::process::Command;

use crate::util::{self, Result};

/// Where Debian keeps the server binaries (`/usr/lib/postgresql/<version>/bin`), newest first.
pub fn bin_dir() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|p| p.join("initdb").exists() && p.join("pg_ctl").exists())
        .collect();
    versions.sort();
    versions.pop()
}

pub struct Cluster {
    dir: PathBuf,
    bin: PathBuf,
    as_postgres: bool,
    pub url: String,
}

impl Cluster {
    pub fn start() -> Result<Cluster> {
        let bin =
            bin_dir().ok_or("PostgreSQL server binaries not found (apt-get install postgresql)")?;
        let dir = util::temp_dir("onetrip-pg")?;
        // initdb refuses to run as root: run the cluster as the `postgres` user then.
        let as_postgres = util::is_root();
        if as_postgres {
            util::exec(
                Command::new("chown")
                    .args(["-R", "postgres:postgres"])
                    .arg(&dir),
            )?;
        }
        let port = util::free_port()?;
        let cluster = Cluster {
            url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
            dir,
            bin,
            as_postgres,
        };
        let data = cluster.dir.join("db");
        cluster.pg(&[
            "initdb",
            "-D",
            &data.display().to_string(),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
        ])?;
        let opts = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200",
            cluster.dir.display()
        );
        let log = cluster.dir.join("log").display().to_string();
        cluster.pg(&[
            "pg_ctl",
            "-D",
            &data.display().to_string(),
            "-o",
            &opts,
            "-l",
            &log,
            "-w",
            "start",
        ])?;
        Ok(cluster)
    }

    /// A shell command that restarts the server (fast shutdown, then start with the same
    /// options), for the fault test that restarts PostgreSQL under a running server.
    pub fn restart_command(&self) -> String {
        let pg_ctl = self.bin.join("pg_ctl");
        let data = self.dir.join("db");
        let log = self.dir.join("log");
        let sudo = if self.as_postgres {
            "runuser -u postgres -- "
        } else {
            ""
        };
        format!(
            "{sudo}{} -D {} -l {} -m fast -w restart >/dev/null",
            pg_ctl.display(),
            data.display(),
            log.display()
        )
    }

    fn pg(&self, args: &[&str]) -> Result {
        let program = self.bin.join(args[0]);
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        cmd.args(&args[1..]).current_dir(&self.dir);
        let out = cmd
            .output()
            .map_err(|e| format!("{}: {e}", program.display()))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{} failed: {}{}",
                args[0],
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.dir.join("db").display().to_string();
        let _ = self.pg(&["pg_ctl", "-D", &data, "-m", "immediate", "-w", "stop"]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
