//! A small pool of read connections. WAL lets any number of readers work while one writer writes,
//! so lists and lookups never queue behind an import, a save or another process's transaction.
//! (A pool crate such as r2d2 would tie the rusqlite version to its own; this is all we need.)

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::Connection;

use super::LibraryError;

/// Readers wait this long for a checkpoint or a schema change to finish.
const READER_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub(super) struct ReadPool {
    path: PathBuf,
    read_only: bool,
    idle: Mutex<Vec<Connection>>,
    max_idle: usize,
}

impl ReadPool {
    pub(super) fn new(path: &Path, read_only: bool, max_idle: usize) -> Self {
        Self {
            path: path.to_path_buf(),
            read_only,
            idle: Mutex::new(Vec::new()),
            max_idle,
        }
    }

    /// Run `f` on an idle connection (or a new one), then keep the connection for the next reader.
    pub(super) fn with<T>(&self, f: impl FnOnce(&Connection) -> T) -> Result<T, LibraryError> {
        let taken = self.lock().pop();
        let conn = match taken {
            Some(conn) => conn,
            None => self.connect()?,
        };
        let value = f(&conn);
        let mut idle = self.lock();
        if idle.len() < self.max_idle {
            idle.push(conn);
        }
        Ok(value)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Connection>> {
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn connect(&self) -> Result<Connection, LibraryError> {
        let open_err = |source| LibraryError::Open {
            path: self.path.display().to_string(),
            source,
        };
        let conn = if self.read_only {
            // Nobody here can create the journal's shared-memory file beside a library in a
            // folder we cannot write, so SQLite is told the file will not change under us.
            let uri = url::Url::from_file_path(&self.path)
                .map(|mut u| {
                    u.set_query(Some("mode=ro&immutable=1"));
                    u.to_string()
                })
                .map_err(|()| LibraryError::NotWritable {
                    dir: self.path.display().to_string(),
                })?;
            Connection::open_with_flags(uri, super::open_flags(true)).map_err(open_err)?
        } else {
            Connection::open_with_flags(&self.path, super::open_flags(false)).map_err(open_err)?
        };
        conn.busy_timeout(READER_BUSY_TIMEOUT).map_err(open_err)?;
        // A reader that tried to write would be a bug: make SQLite refuse it.
        conn.pragma_update(None, "query_only", "ON")
            .map_err(open_err)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(open_err)?;
        Ok(conn)
    }
}
