//! What the app holds while it runs, handed to commands as Tauri managed state.

use std::sync::Arc;

use edit_factory::app_dirs;
use edit_factory::library::Library;
use edit_factory::media_server::MediaServer;
use edit_factory::user_error::UserError;

pub struct AppState {
    pub library: Arc<Library>,
    pub media: MediaServer,
}

impl AppState {
    /// Open the library (`EDIT_FACTORY_LIBRARY` or the OS app-data dir) and start the media server.
    pub fn open() -> Result<Self, UserError> {
        let dir = app_dirs::library_dir(None)?;
        let library = Arc::new(Library::open(&dir)?);
        let media = MediaServer::start(library.clone())?;
        Ok(Self { library, media })
    }
}
