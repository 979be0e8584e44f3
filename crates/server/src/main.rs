//! The `onetrip-server` binary: read the configuration, then hand over to the library.

/// mimalloc gives freed memory back to the system promptly: glibc's per-thread arenas kept
/// hundreds of MB of finished uploads' buffers (measured: 20 concurrent 10 MB uploads grew the
/// server by 479 MB with glibc; see docs/measurements.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if onetrip_server::admin::is_command(&args) {
        use clap::Parser;
        return onetrip_server::admin::run(onetrip_server::admin::Cli::parse()).await;
    }
    let config = onetrip_server::config::Config::from_args();
    onetrip_server::telemetry::init();
    onetrip_server::run(config).await
}
