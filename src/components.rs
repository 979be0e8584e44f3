//! Reusable pieces of the page. One file per component, each styled by `style/<name>.css`.

pub mod feedback;
pub mod layout;
pub mod loaded;
pub mod search_box;
pub mod server_view;
pub mod title;
