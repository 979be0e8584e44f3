//! 窗口预约: the booking app, served under `/book/` (see `book.html`).

fn main() {
    onetrip::book::start();
}
