//! Reusable pieces of the page. One file per component, each styled by `style/<name>.css`.

pub mod catalog_status;
pub mod feedback;
pub mod layout;
pub mod matter_item;
pub mod title;
