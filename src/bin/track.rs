//! 办件进度 and 我的办件: the progress app, served under `/track/` (see `track.html`).

fn main() {
    onetrip::track::start();
}
