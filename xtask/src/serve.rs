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
    // Demo staff accounts (窗口, 督办, one per department) on a new database: printed once,
    // with their password (ONETRIP_DEMO_PASSWORD, or a random one).
    exec(
        cargo()
            .args(["run", "--quiet", "-p", "onetrip-server", "--", "seed"])
            .current_dir(root()),
    )?;
    // The server prints the URL once it listens.
    run_server(extra)
}
