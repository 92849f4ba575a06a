//! Versioned schema migrations (rusqlite_migration, tracked in `PRAGMA user_version`).

use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

use super::LibraryError;

const STEPS: &[&str] = &[
    include_str!("migrations/001_init.sql"),
    include_str!("migrations/002_jobs_by_project.sql"),
    include_str!("migrations/003_analysis.sql"),
    include_str!("migrations/004_export_details.sql"),
    include_str!("migrations/005_speech.sql"),
    include_str!("migrations/006_clip_history.sql"),
    include_str!("migrations/007_realigned_word_times.sql"),
];

fn migrations() -> Migrations<'static> {
    Migrations::new(STEPS.iter().map(|sql| M::up(sql)).collect())
}

/// The schema version this build writes.
pub fn latest_version() -> i64 {
    STEPS.len() as i64
}

fn user_version(conn: &Connection) -> Result<i64, LibraryError> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

/// Bring the schema up to date; a library from a newer version is refused in plain words and left
/// untouched.
pub(super) fn apply(conn: &mut Connection) -> Result<(), LibraryError> {
    let found = user_version(conn)?;
    if found > latest_version() {
        return Err(LibraryError::TooNew {
            found,
            supported: latest_version(),
        });
    }
    migrations().to_latest(conn)?;
    Ok(())
}

/// For a read-only library: the schema must already be this version's.
pub(super) fn check_current(conn: &Connection) -> Result<(), LibraryError> {
    let found = user_version(conn)?;
    match found.cmp(&latest_version()) {
        std::cmp::Ordering::Equal => Ok(()),
        std::cmp::Ordering::Greater => Err(LibraryError::TooNew {
            found,
            supported: latest_version(),
        }),
        std::cmp::Ordering::Less => Err(LibraryError::NeedsUpgrade {
            found,
            supported: latest_version(),
        }),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        assert!(super::migrations().validate().is_ok());
    }
}
