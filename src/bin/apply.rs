//! 一表登记: the application flow, a second app served under `/apply/` (see `apply.html`).

fn main() {
    onetrip::apply::start();
}
