//! What the app holds while it runs, handed to commands as Tauri managed state.

use std::sync::{Arc, Mutex};

use edit_factory::app_dirs;
use edit_factory::jobs::progress::JobListener;
use edit_factory::jobs::worker::BackgroundWorkers;
use edit_factory::jobs::{kinds, WorkerConfig, WorkerPool};
use edit_factory::library::Library;
use edit_factory::media_server::MediaServer;
use edit_factory::user_error::UserError;

pub struct AppState {
    pub library: Arc<Library>,
    pub media: MediaServer,
    /// Runs queued jobs in the background for as long as the app is open.
    workers: Mutex<Option<BackgroundWorkers>>,
}

impl AppState {
    /// Open the library (`EDIT_FACTORY_LIBRARY` or the OS app-data dir), start the media server and
    /// the job workers (`on_job` hears of every job change they make).
    pub fn open(on_job: JobListener) -> Result<Self, UserError> {
        let dir = app_dirs::library_dir(None)?;
        let library = Arc::new(Library::open(&dir)?);
        let media = MediaServer::start(library.clone())?;
        let workers = WorkerPool::new(library.clone(), kinds::registry(), WorkerConfig::from_env())
            .with_listener(on_job)
            .spawn()?;
        Ok(Self {
            library,
            media,
            workers: Mutex::new(Some(workers)),
        })
    }

    /// Stop the workers (running jobs finish their current step's check and are recovered on the
    /// next start if they were cut short).
    pub fn shutdown(&self) {
        if let Some(mut workers) = self
            .workers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
        {
            workers.stop();
        }
    }
}
