//! The library: one SQLite file per library directory, plus the thumbnails beside it.
//!
//! [`Library`] opens and owns the connection; it is passed explicitly to whoever needs it.

mod error;
mod migrations;
pub mod profiles;
pub mod projects;
pub mod sources;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::Connection;

pub use error::LibraryError;

/// File name of the SQLite database inside a library directory.
pub const DB_FILE: &str = "library.sqlite";
const THUMBNAIL_DIR: &str = "thumbnails";
/// How long a writer waits for another process's write lock before reporting "busy".
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// SQL expression for "now" in the library's time format (UTC, RFC 3339, milliseconds).
pub(crate) const NOW_SQL: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

pub struct Library {
    dir: PathBuf,
    conn: Mutex<Connection>,
}

impl Library {
    /// Open (creating if needed) the library in `dir` and bring its schema up to date.
    pub fn open(dir: &Path) -> Result<Self, LibraryError> {
        std::fs::create_dir_all(dir.join(THUMBNAIL_DIR)).map_err(|source| {
            LibraryError::CreateDir {
                dir: dir.display().to_string(),
                source,
            }
        })?;
        let dir = dir
            .canonicalize()
            .map_err(|source| LibraryError::CreateDir {
                dir: dir.display().to_string(),
                source,
            })?;
        let db_path = dir.join(DB_FILE);
        let mut conn = Connection::open(&db_path).map_err(|source| LibraryError::Open {
            path: db_path.display().to_string(),
            source,
        })?;
        configure(&conn).map_err(|source| LibraryError::Open {
            path: db_path.display().to_string(),
            source,
        })?;
        migrations::apply(&mut conn)?;
        tracing::debug!(path = %db_path.display(), "library opened");
        let library = Self {
            dir,
            conn: Mutex::new(conn),
        };
        // No job may stay "running" after its process died: the app and the CLI both recover here.
        let registry = crate::jobs::kinds::registry();
        library
            .jobs()
            .recover(|kind| registry.is_resumable(kind))
            .map_err(|e| {
                LibraryError::Invalid(format!("could not recover interrupted jobs: {e}"))
            })?;
        Ok(library)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.join(DB_FILE)
    }

    pub fn thumbnails_dir(&self) -> PathBuf {
        self.dir.join(THUMBNAIL_DIR)
    }

    /// The connection, for one unit of work. A panic in another holder does not corrupt SQLite
    /// (transactions roll back on drop), so a poisoned lock is still usable.
    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// `PRAGMA integrity_check`; `Ok(())` when the database reports "ok".
    pub fn integrity_check(&self) -> Result<(), LibraryError> {
        let report: String = self
            .conn()
            .query_row("PRAGMA integrity_check", [], |row| row.get(0))?;
        if report == "ok" {
            Ok(())
        } else {
            Err(LibraryError::Corrupt { report })
        }
    }
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

/// A new time-ordered unique id.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Parse an id given by a user or the UI; only canonical UUID text is accepted, so an id can never
/// be mistaken for a path or a pattern.
pub fn parse_id(text: &str) -> Result<String, LibraryError> {
    match uuid::Uuid::parse_str(text) {
        Ok(id) if id.hyphenated().to_string() == text.to_ascii_lowercase() => Ok(id.to_string()),
        _ => Err(LibraryError::InvalidId {
            text: text.chars().take(64).collect(),
        }),
    }
}
