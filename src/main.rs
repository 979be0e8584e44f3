//! Entry point: only mounts the app (see `app.rs`).

fn main() {
    onetrip::start();
}
