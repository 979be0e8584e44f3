//! 一套材料 and 补正: the materials step of the application flow, an app of its own served for
//! `/apply/materials` and `/apply/supplement/{number}` (see `materials.html`).

fn main() {
    onetrip::apply::start_materials();
}
