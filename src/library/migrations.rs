//! Versioned schema migrations (rusqlite_migration, tracked in `PRAGMA user_version`).

use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

use super::LibraryError;

fn migrations() -> Migrations<'static> {
    Migrations::new(vec![M::up(include_str!("migrations/001_init.sql"))])
}

pub(super) fn apply(conn: &mut Connection) -> Result<(), LibraryError> {
    migrations().to_latest(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        assert!(super::migrations().validate().is_ok());
    }
}
