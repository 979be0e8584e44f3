//! `cargo xtask <command>`: the project's automation, in Rust so that it runs wherever cargo
//! does. `cargo xtask help` lists the commands.

mod api_fuzz;
mod bench;
mod build;
mod fuzz;
mod postgres;
mod scale;
mod serve;
mod setup;
mod summary;
mod test;
mod util;

use std::process::ExitCode;

const HELP: &str = "\
cargo xtask <command>

  setup            install what is missing: wasm32 target, trunk, wasm-bindgen-cli,
                   wasm-opt (npm binaryen), the e2e npm packages
  build            build the app for release into dist/ (and the .br/.gz variants)
  serve [flags]    setup, build, then run the server on http://127.0.0.1:8080
                   flags are passed to the server (e.g. --addr 0.0.0.0:8080);
                   ONETRIP_ADDR, DATABASE_URL, PUBLIC_BASE_URL work as well
  test             everything CI runs: fmt, clippy (native and wasm32), Rust tests
                   (SQLite and PostgreSQL), the release build and its size budget,
                   and the Playwright suite against the real server
  sizes            the size budgets and the wasm baseline of the dist/ already built
                   (UPDATE_WASM_BASELINE=1 records the baseline from it)
  bench [front|server]
                   every measurement of issue 9 (about an hour), ending with one table of
                   figures against targets; `front` only the bundles, search, the browser
                   bench and Lighthouse on the seven pages (about ten minutes); `server`
                   only the release server's throughput, memory, kill -9 and PostgreSQL
                   restarts (about 25 minutes)
  scale            two servers sharing one PostgreSQL and one S3 store (s3s-fs):
                   documents, idempotency, sessions and progress across them
  api-fuzz         schemathesis (all checks, fixed seed) against the debug server, and
                   every write sent cross-site; fails on any finding
";

/// The checks the test command makes on a release build, on the one in dist/.
fn sizes() -> util::Result {
    let dist = util::root().join("dist");
    eprint!("{}", build::check_budget(&dist)?);
    eprint!("{}", build::check_wasm_baseline(&dist)?);
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (cmd, rest) = match args.split_first() {
        Some((c, r)) => (c.as_str(), r),
        None => ("help", &[][..]),
    };
    let result = match cmd {
        "setup" => setup::run(setup::Need::Build),
        "build" => setup::run(setup::Need::Build).and_then(|_| build::app().map(|_| ())),
        "serve" => serve::run(rest),
        "test" => return test::run(),
        "bench" => match rest.first().map(String::as_str) {
            None => bench::run(bench::Part::All),
            Some("front") => bench::run(bench::Part::Front),
            Some("server") => bench::run(bench::Part::Server),
            Some(other) => Err(format!("unknown part of the bench `{other}`\n\n{HELP}")),
        },
        "scale" => scale::run(),
        "api-fuzz" => api_fuzz::run(),
        "sizes" => sizes(),
        "help" | "--help" | "-h" => {
            print!("{HELP}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}
