//! `cargo xtask <command>`: the project's automation, in Rust so that it runs wherever cargo
//! does. `cargo xtask help` lists the commands.

mod bench;
mod build;
mod postgres;
mod serve;
mod setup;
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
  bench            bundle sizes and a Lighthouse run of the home page (slow)
";

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
        "bench" => bench::run(),
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
