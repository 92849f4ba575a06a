//! The library: one SQLite file per library directory, plus the thumbnails beside it.
//!
//! [`Library`] opens the file and is passed explicitly to whoever needs it. Data access goes
//! through two doors: [`Library::read`] borrows one of a small pool of read connections (WAL lets
//! them read while a writer writes, so a window never waits behind an import), and
//! [`Library::write`] runs a closure inside one `BEGIN IMMEDIATE` transaction on the single writer
//! connection, so a change and its audit row, or a multi-table save, commit together or not at all.

pub mod clips;
mod error;
mod history;
mod migrations;
pub mod presets;
pub mod profiles;
pub mod projects;
mod read_pool;
pub mod segments;
pub mod settings;
pub mod sources;
mod sweep;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

pub use error::LibraryError;
use read_pool::ReadPool;

/// File name of the SQLite database inside a library directory.
pub const DB_FILE: &str = "library.sqlite";
const THUMBNAIL_DIR: &str = "thumbnails";
/// How long a writer waits for another process's write lock before reporting "busy".
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Read connections kept open for reuse (more are opened when many readers overlap).
const IDLE_READERS: usize = 4;

/// SQL expression for "now" in the library's time format (UTC, RFC 3339, milliseconds).
pub(crate) const NOW_SQL: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/// Whether the library can be changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    ReadWrite,
    /// The directory or the database file cannot be written (a backup, a read-only share): the
    /// library can be listed but not changed.
    ReadOnly,
}

pub struct Library {
    dir: PathBuf,
    access: Access,
    writer: Option<Mutex<Connection>>,
    readers: ReadPool,
}

impl Library {
    /// Open (creating if needed) the library in `dir` and bring its schema up to date. A library
    /// the user cannot write is opened read-only (see [`Library::access`]).
    pub fn open(dir: &Path) -> Result<Self, LibraryError> {
        let create_failed = std::fs::create_dir_all(dir.join(THUMBNAIL_DIR)).err();
        let canonical = dir
            .canonicalize()
            .map_err(|source| LibraryError::CreateDir {
                dir: dir.display().to_string(),
                source: create_failed.unwrap_or(source),
            })?;
        let db_path = canonical.join(DB_FILE);
        if is_writable(&canonical, &db_path) {
            Self::open_writable(canonical, &db_path)
        } else {
            Self::open_read_only(canonical, &db_path)
        }
    }

    fn open_writable(dir: PathBuf, db_path: &Path) -> Result<Self, LibraryError> {
        let open_err = |source| LibraryError::Open {
            path: db_path.display().to_string(),
            source,
        };
        let mut conn = Connection::open(db_path).map_err(open_err)?;
        configure_writer(&conn).map_err(open_err)?;
        migrations::apply(&mut conn)?;
        let library = Self {
            readers: ReadPool::new(db_path, false, IDLE_READERS),
            dir,
            access: Access::ReadWrite,
            writer: Some(Mutex::new(conn)),
        };
        sweep::remove_leftovers(&library);
        tracing::debug!(path = %db_path.display(), "library opened");
        Ok(library)
    }

    fn open_read_only(dir: PathBuf, db_path: &Path) -> Result<Self, LibraryError> {
        if !db_path.exists() {
            return Err(LibraryError::NotWritable {
                dir: dir.display().to_string(),
            });
        }
        let readers = ReadPool::new(db_path, true, IDLE_READERS);
        readers.with(migrations::check_current)??;
        tracing::warn!(path = %db_path.display(), "library opened read-only: it cannot be written");
        Ok(Self {
            dir,
            access: Access::ReadOnly,
            writer: None,
            readers,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn access(&self) -> Access {
        self.access
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.join(DB_FILE)
    }

    pub fn thumbnails_dir(&self) -> PathBuf {
        self.dir.join(THUMBNAIL_DIR)
    }

    /// Run `f` on a read connection. Never waits for a writer.
    pub fn read<T, E>(&self, f: impl FnOnce(&Connection) -> Result<T, E>) -> Result<T, E>
    where
        E: From<LibraryError>,
    {
        self.readers.with(f)?
    }

    /// Run `f` inside one immediate transaction on the writer connection: committed when `f`
    /// returns `Ok`, rolled back otherwise.
    pub fn write<T, E>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<LibraryError> + From<rusqlite::Error>,
    {
        let mut conn = self.writer()?;
        let tx = Transaction::new(&mut conn, TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// The writer connection. A panic in another holder does not corrupt SQLite (transactions roll
    /// back on drop), so a poisoned lock is still usable.
    fn writer(&self) -> Result<MutexGuard<'_, Connection>, LibraryError> {
        let writer = self.writer.as_ref().ok_or_else(|| LibraryError::ReadOnly {
            dir: self.dir.display().to_string(),
        })?;
        Ok(writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    /// `PRAGMA integrity_check`; `Ok(())` when the database reports "ok".
    pub fn integrity_check(&self) -> Result<(), LibraryError> {
        let report: String = self.read(|c| {
            Ok::<_, LibraryError>(c.query_row("PRAGMA integrity_check", [], |row| row.get(0))?)
        })?;
        if report == "ok" {
            Ok(())
        } else {
            Err(LibraryError::Corrupt { report })
        }
    }
}

/// Whether this process may change the library: the directory takes new files (SQLite's journal)
/// and the database file, if there is one, can be written.
fn is_writable(dir: &Path, db_path: &Path) -> bool {
    let probe = dir.join(format!(".write-check-{}", std::process::id()));
    let dir_ok = std::fs::File::create(&probe).is_ok() && std::fs::remove_file(&probe).is_ok();
    let file_ok = match std::fs::metadata(db_path) {
        Ok(meta) => {
            !meta.permissions().readonly()
                && std::fs::OpenOptions::new()
                    .append(true)
                    .open(db_path)
                    .is_ok()
        }
        Err(_) => true,
    };
    dir_ok && file_ok
}

fn configure_writer(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

pub(crate) fn open_flags(read_only: bool) -> OpenFlags {
    if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI
    }
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
            text: crate::text::printable(&text.chars().take(64).collect::<String>()),
        }),
    }
}

/// Append to the audit log (deletions, publishing and setting changes), inside the caller's
/// transaction so the change and its record commit together.
pub(crate) fn audit(
    tx: &Transaction<'_>,
    actor: &str,
    action: &str,
    entity: &str,
    summary: &str,
) -> rusqlite::Result<()> {
    tx.execute(
        &format!(
            "INSERT INTO audit_log (actor, action, entity, summary, created_at)
             VALUES (?1, ?2, ?3, ?4, {NOW_SQL})"
        ),
        rusqlite::params![
            actor,
            action,
            entity,
            serde_json::json!({ "summary": summary }).to_string()
        ],
    )?;
    Ok(())
}
