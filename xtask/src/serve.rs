//! `cargo xtask serve`: install what is missing, build the app, run the server.

use crate::util::{Result, cargo, exec, root};

pub fn run_server(extra: &[String]) -> Result {
    let mut cmd = cargo();
    cmd.args(["run", "--quiet", "-p", "onetrip-server", "--"])
        .args(extra);
    if std::env::var_os("RUST_LOG").is_none() {
        cmd.env("RUST_LOG", "info");
    }
    exec(&mut cmd)
}

pub fn run(extra: &[String]) -> Result {
    crate::setup::run(crate::setup::Need::Build)?;
    crate::build::app()?;
    std::fs::create_dir_all(root().join("data")).map_err(|e| format!("data/: {e}"))?;
    // The server prints the URL once it listens.
    run_server(extra)
}
