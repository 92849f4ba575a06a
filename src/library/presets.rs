//! User export presets, saved in the library beside the built-ins (which live in code and cannot
//! be changed). A user preset is library-wide, not per profile: a creator's "my TikTok" follows
//! them between workspaces.

use rusqlite::params;

use super::{new_id, Library, LibraryError, NOW_SQL};
use crate::render::preset::{self, Preset};

impl Library {
    /// The built-in presets, then the user's, by name.
    pub fn presets(&self) -> Result<Vec<Preset>, LibraryError> {
        let mut all = preset::builtins();
        all.extend(self.user_presets()?);
        Ok(all)
    }

    pub fn user_presets(&self) -> Result<Vec<Preset>, LibraryError> {
        self.read(|conn| {
            let mut statement = conn.prepare(
                "SELECT name, video_settings FROM presets WHERE builtin = 0 ORDER BY name",
            )?;
            let rows = statement
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            let mut presets = Vec::new();
            for row in rows {
                let (name, json) = row?;
                match serde_json::from_str::<Preset>(&json) {
                    Ok(preset) => presets.push(preset),
                    // One unreadable row (written by a newer version) must not hide the others.
                    Err(e) => tracing::warn!(name, error = %e, "a saved preset could not be read"),
                }
            }
            Ok(presets)
        })
    }

    /// The preset called `name`, built-in or the user's.
    pub fn preset(&self, name: &str) -> Result<Option<Preset>, LibraryError> {
        Ok(self.presets()?.into_iter().find(|p| p.name == name))
    }

    /// Save a new user preset; its settings are checked first and its name must be free.
    pub fn add_preset(&self, preset: &Preset) -> Result<(), LibraryError> {
        let problems = preset.problems();
        if !problems.is_empty() {
            return Err(LibraryError::Invalid(format!(
                "the preset cannot be saved: {}",
                problems.join("; ")
            )));
        }
        if preset::builtin(&preset.name).is_some() {
            return Err(LibraryError::Invalid(format!(
                "{:?} is a built-in preset; give yours another name",
                preset.name
            )));
        }
        let json =
            serde_json::to_string(preset).map_err(|e| LibraryError::Invalid(e.to_string()))?;
        self.write(|tx| {
            let taken: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM presets WHERE name = ?1)",
                [&preset.name],
                |r| r.get(0),
            )?;
            if taken {
                return Err(LibraryError::Invalid(format!(
                    "a preset named {:?} exists already; remove it first to replace it",
                    preset.name
                )));
            }
            tx.execute(
                &format!(
                    "INSERT INTO presets (id, profile_id, name, width, height, fps_num, fps_den,
                        video_settings, audio_settings, loudness_lufs, true_peak_dbtp, builtin,
                        created_at)
                     VALUES (?1, NULL, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, {NOW_SQL})"
                ),
                params![
                    new_id(),
                    preset.name,
                    preset.width,
                    preset.height,
                    preset.fps_num,
                    preset.fps_den,
                    json,
                    serde_json::json!({ "kbps": preset.audio_kbps }).to_string(),
                    preset.loudness_lufs,
                    preset.true_peak_dbtp
                ],
            )?;
            super::audit(tx, "user", "preset", &preset.name, "added")?;
            Ok(())
        })
    }

    /// Remove a user preset. Past exports keep their numbers; they only lose the link to it.
    pub fn remove_preset(&self, name: &str) -> Result<(), LibraryError> {
        if preset::builtin(name).is_some() {
            return Err(LibraryError::Invalid(format!(
                "{name:?} is a built-in preset and cannot be removed"
            )));
        }
        self.write(|tx| {
            let removed = tx.execute(
                "DELETE FROM presets WHERE name = ?1 AND builtin = 0",
                [name],
            )?;
            if removed == 0 {
                return Err(LibraryError::NotFound {
                    entity: "preset",
                    id: name.to_owned(),
                });
            }
            super::audit(tx, "user", "preset", name, "removed")?;
            Ok(())
        })
    }
}
