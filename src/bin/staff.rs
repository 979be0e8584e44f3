//! 工作人员端: the staff side, a third app served under `/staff/` (see `staff.html`).

fn main() {
    onetrip::staff::start();
}
