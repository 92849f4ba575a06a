//! What the app holds while it runs, handed to commands as Tauri managed state. Cloning it is
//! cheap (one `Arc`), so every command moves its own handle onto the blocking pool.

use std::sync::{Arc, Mutex};

use edit_factory::app_dirs;
use edit_factory::jobs::handlers;
use edit_factory::jobs::progress::JobListener;
use edit_factory::jobs::worker::BackgroundWorkers;
use edit_factory::jobs::{JobQueue, WorkerConfig, WorkerPool};
use edit_factory::library::Library;
use edit_factory::media_server::MediaServer;
use edit_factory::user_error::UserError;

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub library: Arc<Library>,
    pub queue: JobQueue,
    pub media: MediaServer,
    /// The H.264 encoders that proved to work, x264 first: probed in the background from start-up
    /// (each hardware trial encode can take a moment), so the window never waits for it.
    encoders: Arc<std::sync::OnceLock<Vec<edit_factory::render::encoders::Encoder>>>,
    /// Runs queued jobs in the background for as long as the app is open.
    workers: Mutex<Option<BackgroundWorkers>>,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

fn probe_encoders_in_background(
) -> Arc<std::sync::OnceLock<Vec<edit_factory::render::encoders::Encoder>>> {
    let found = Arc::new(std::sync::OnceLock::new());
    let slot = found.clone();
    let spawned = std::thread::Builder::new()
        .name("encoder-probe".into())
        .spawn(move || {
            let _ = slot.set(edit_factory::render::encoders::probe());
        });
    if let Err(e) = spawned {
        // Without the thread, probe here: slower start-up, same answer.
        tracing::warn!(error = %e, "could not start the encoder probe thread");
        let _ = found.set(edit_factory::render::encoders::probe());
    }
    found
}

impl AppState {
    /// The encoders that work here (waits for the start-up probe if it is still running; commands
    /// run on the blocking pool, never the window's thread).
    pub fn encoders(&self) -> &[edit_factory::render::encoders::Encoder] {
        self.encoders.wait()
    }

    /// Open the library (`EDIT_FACTORY_LIBRARY` or the OS app-data dir) and start the media
    /// server. Workers start later ([`AppState::start_workers`]), once the window can hear them.
    pub fn open() -> Result<Self, UserError> {
        let dir = app_dirs::library_dir(None)?;
        let library = Arc::new(Library::open(&dir)?);
        let media = MediaServer::start(library.clone())?;
        Ok(Self(Arc::new(Inner {
            queue: JobQueue::new(library.clone()),
            library,
            media,
            encoders: probe_encoders_in_background(),
            workers: Mutex::new(None),
        })))
    }

    /// Recover interrupted jobs and run queued ones in the background; `on_job` hears of every
    /// change the workers make. A read-only library runs no jobs.
    pub fn start_workers(&self, on_job: JobListener) -> Result<(), UserError> {
        if self.library.access() == edit_factory::library::Access::ReadOnly {
            return Ok(());
        }
        let workers = WorkerPool::new(
            self.queue.clone(),
            handlers::registry(),
            WorkerConfig::from_env(),
        )
        .with_listener(on_job)
        .spawn()?;
        *self.workers.lock().unwrap_or_else(|p| p.into_inner()) = Some(workers);
        Ok(())
    }

    /// Stop the workers (running jobs are recovered on the next start if they were cut short).
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
