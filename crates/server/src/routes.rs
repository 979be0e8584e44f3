//! The API's handlers, one module per resource. Each is registered with its OpenAPI entry in
//! `api_router`, so an endpoint cannot exist undocumented.

pub mod applications;
pub mod bank;
pub mod bookings;
pub mod catalog;
pub mod checklists;
pub mod counter;
pub mod drafts;
pub mod feedback;
pub mod files;
pub mod health;
pub mod idempotency;
pub mod ids;
pub mod progress;
pub mod staff;
pub mod supplements;
#[cfg(feature = "test-clock")]
pub mod test_clock;
pub mod views;
