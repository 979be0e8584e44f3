//! The `onetrip-server` binary: read the configuration, then hand over to the library.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = onetrip_server::config::Config::from_args();
    onetrip_server::telemetry::init();
    onetrip_server::run(config).await
}
