//! Edit Factory engine: the library (SQLite), media probing, decoding and thumbnails, import,
//! durable jobs, the loopback media server, and logging. No Tauri dependency: the desktop shell and
//! the `edit-factory` CLI are thin layers over these calls.

pub mod analysis;
pub mod app_dirs;
pub mod captions;
pub mod editor;
pub mod fsutil;
pub mod import;
pub mod jobs;
pub mod library;
pub mod logging;
pub mod media;
pub mod media_server;
pub mod render;
pub mod speech;
pub mod text;
pub mod timeline;
pub mod user_error;
pub mod verify;
