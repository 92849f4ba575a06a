//! Small app-wide settings, by key.

use rusqlite::{params, OptionalExtension};

use super::{Library, LibraryError};

/// Whether imported footage is analysed right away (`true` unless set to `false`).
pub const ANALYZE_AFTER_IMPORT: &str = "analyze_after_import";
/// Where catalogue speech models are downloaded from (default: whisper.cpp's Hugging Face repository).
pub const MODELS_BASE_URL: &str = "models_base_url";

impl Library {
    pub fn setting(&self, key: &str) -> Result<Option<String>, LibraryError> {
        self.read(|conn| {
            Ok(conn
                .query_row(
                    "SELECT value FROM app_settings WHERE key = ?1",
                    [key],
                    |r| r.get(0),
                )
                .optional()?)
        })
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<(), LibraryError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO app_settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )?;
            super::audit(tx, "user", "setting", key, value)?;
            Ok(())
        })
    }

    /// Forget `key`'s value: its default applies again.
    pub fn clear_setting(&self, key: &str) -> Result<(), LibraryError> {
        self.write(|tx| {
            tx.execute("DELETE FROM app_settings WHERE key = ?1", [key])?;
            super::audit(tx, "user", "setting", key, "")?;
            Ok(())
        })
    }

    /// A yes/no setting (anything but `false` is yes), `default` when unset.
    pub fn flag(&self, key: &str, default: bool) -> Result<bool, LibraryError> {
        Ok(self.setting(key)?.map_or(default, |v| v != "false"))
    }
}
