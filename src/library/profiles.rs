//! Profiles: one workspace per brand or store. Exactly one is the default.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use ts_rs::TS;

use super::{audit, new_id, Library, LibraryError, NOW_SQL};

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Profile {
    pub id: String,
    pub name: String,
    pub description: String,
    pub is_default: bool,
    pub created_at: String,
}

const COLUMNS: &str = "id, name, description, is_default, created_at";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Profile> {
    Ok(Profile {
        id: row.get(0)?,
        name: row.get(1)?,
        description: row.get(2)?,
        is_default: row.get(3)?,
        created_at: row.get(4)?,
    })
}

fn clean_name(name: &str) -> Result<String, LibraryError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(LibraryError::Invalid(
            "a profile name must have 1 to 100 characters, none of them control characters".into(),
        ));
    }
    Ok(name.to_owned())
}

pub(crate) fn get(conn: &Connection, id: &str) -> Result<Profile, LibraryError> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM profiles WHERE id = ?1"),
        [id],
        from_row,
    )
    .optional()?
    .ok_or_else(|| LibraryError::NotFound {
        entity: "profile",
        id: id.to_owned(),
    })
}

impl Library {
    pub fn profiles(&self) -> Result<Vec<Profile>, LibraryError> {
        self.read(|conn| {
            let mut stmt = conn.prepare(&format!(
                "SELECT {COLUMNS} FROM profiles ORDER BY is_default DESC, name COLLATE NOCASE"
            ))?;
            let rows = stmt.query_map([], from_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    pub fn profile(&self, id: &str) -> Result<Profile, LibraryError> {
        self.read(|conn| get(conn, id))
    }

    pub fn default_profile(&self) -> Result<Profile, LibraryError> {
        self.read(|conn| {
            conn.query_row(
                &format!("SELECT {COLUMNS} FROM profiles WHERE is_default = 1"),
                [],
                from_row,
            )
            .optional()?
            .ok_or_else(|| LibraryError::NotFound {
                entity: "default profile",
                id: String::new(),
            })
        })
    }

    pub fn create_profile(&self, name: &str, description: &str) -> Result<Profile, LibraryError> {
        let name = clean_name(name)?;
        let id = new_id();
        self.write(|tx| {
            let inserted = tx.execute(
                &format!(
                    "INSERT INTO profiles (id, name, description, is_default, created_at, updated_at)
                     VALUES (?1, ?2, ?3, 0, {NOW_SQL}, {NOW_SQL})"
                ),
                params![id, name, description.trim()],
            );
            match inserted {
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    return Err(LibraryError::DuplicateProfile { name: name.clone() });
                }
                other => other?,
            };
            audit(tx, "user", "create", &format!("profile:{id}"), &name)?;
            get(tx, &id)
        })
    }

    /// Make `id` the default profile (the one the CLI and a fresh app window use).
    pub fn set_default_profile(&self, id: &str) -> Result<Profile, LibraryError> {
        self.write(|tx| {
            let before = get(tx, id)?;
            tx.execute(
                "UPDATE profiles SET is_default = 0 WHERE is_default = 1",
                [],
            )?;
            tx.execute(
                &format!(
                    "UPDATE profiles SET is_default = 1, updated_at = {NOW_SQL} WHERE id = ?1"
                ),
                [id],
            )?;
            audit(
                tx,
                "user",
                "set_default",
                &format!("profile:{id}"),
                &before.name,
            )?;
            get(tx, id)
        })
    }
}
