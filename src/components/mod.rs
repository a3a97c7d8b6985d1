//! The views, one per file. They read and write the shared state in
//! [`state::Sessions`] and talk to providers only through `client`.

pub mod app;
pub mod app_token;
pub mod login_form;
pub mod session_card;
pub mod state;
pub mod uploads;

pub use app::App;
