//! Clips: a project's variants, each a timeline (SPEC §2a), not a file.

use rusqlite::{params, Connection, Row};
use serde::Serialize;
use ts_rs::TS;

use super::history::{self, Stack};
use super::{new_id, Library, LibraryError, NOW_SQL};
use crate::timeline::Timeline;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Clip {
    pub id: String,
    pub project_id: String,
    /// 1-based position among the project's variants.
    pub variant_index: u32,
    pub name: String,
    pub timeline: Timeline,
    pub selected: bool,
    pub created_at: String,
    pub updated_at: String,
    /// What Undo would take back (its label), if anything.
    pub undo: Option<String>,
    /// What Redo would put back, if anything.
    pub redo: Option<String>,
}

const COLUMNS: &str = "id, project_id, variant_index, name, timeline, selected, created_at, updated_at,
    (SELECT label FROM clip_history h WHERE h.clip_id = clips.id AND h.stack = 'undo' ORDER BY seq DESC LIMIT 1),
    (SELECT label FROM clip_history h WHERE h.clip_id = clips.id AND h.stack = 'redo' ORDER BY seq DESC LIMIT 1)";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Clip> {
    let text: String = row.get(4)?;
    let timeline = Timeline::from_json(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, Box::new(e))
    })?;
    Ok(Clip {
        id: row.get(0)?,
        project_id: row.get(1)?,
        variant_index: row.get(2)?,
        name: row.get(3)?,
        timeline,
        selected: row.get(5)?,
        created_at: row.get(6)?,
        updated_at: row.get(7)?,
        undo: row.get(8)?,
        redo: row.get(9)?,
    })
}

fn get(conn: &Connection, clip_id: &str) -> Result<Clip, LibraryError> {
    use rusqlite::OptionalExtension;
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM clips WHERE id = ?1"),
        [clip_id],
        from_row,
    )
    .optional()?
    .ok_or_else(|| LibraryError::NotFound {
        entity: "variant",
        id: clip_id.to_owned(),
    })
}

fn store(tx: &Connection, clip_id: &str, timeline_json: &str) -> Result<Clip, LibraryError> {
    tx.execute(
        &format!("UPDATE clips SET timeline = ?2, updated_at = {NOW_SQL} WHERE id = ?1"),
        params![clip_id, timeline_json],
    )?;
    get(tx, clip_id)
}

/// A new (unselected, draft) variant; returns its id.
fn insert(
    tx: &Connection,
    project_id: &str,
    index: u32,
    name: &str,
    timeline: &Timeline,
) -> Result<String, LibraryError> {
    let id = new_id();
    tx.execute(
        &format!(
            "INSERT INTO clips (id, project_id, variant_index, name, timeline, selected,
                status, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 0, 'draft', {NOW_SQL}, {NOW_SQL})"
        ),
        params![id, project_id, index, name, timeline.to_json()],
    )?;
    Ok(id)
}

/// Number a project's variants 1, 2, … in their order; returns how many there are.
fn renumber(tx: &Connection, project_id: &str) -> Result<usize, LibraryError> {
    let clips = list(tx, project_id)?;
    for (i, clip) in clips.iter().enumerate() {
        tx.execute(
            "UPDATE clips SET variant_index = ?2 WHERE id = ?1",
            params![clip.id, i as u32 + 1],
        )?;
    }
    Ok(clips.len())
}

fn list(conn: &Connection, project_id: &str) -> Result<Vec<Clip>, LibraryError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM clips WHERE project_id = ?1 ORDER BY variant_index"
    ))?;
    let rows = stmt.query_map([project_id], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

impl Library {
    /// A project's variants, in order.
    pub fn clips(&self, project_id: &str) -> Result<Vec<Clip>, LibraryError> {
        self.read(|conn| {
            super::projects::get(conn, project_id)?;
            list(conn, project_id)
        })
    }

    pub fn clip(&self, clip_id: &str) -> Result<Clip, LibraryError> {
        self.read(|conn| get(conn, clip_id))
    }

    /// Replace a variant's timeline (an edit the user can undo, named "Change").
    pub fn set_clip_timeline(
        &self,
        clip_id: &str,
        timeline: &Timeline,
    ) -> Result<Clip, LibraryError> {
        self.edit_clip_timeline(clip_id, timeline, "Change")
    }

    /// Replace a variant's timeline as the edit `label`: the timeline before it goes on the undo
    /// stack (with the edit, in one transaction) and what could be redone is dropped. An edit that
    /// changes nothing is not recorded.
    pub fn edit_clip_timeline(
        &self,
        clip_id: &str,
        timeline: &Timeline,
        label: &str,
    ) -> Result<Clip, LibraryError> {
        self.write(|tx| {
            let before = get(tx, clip_id)?;
            if before.timeline == *timeline {
                return Ok(before);
            }
            history::push(tx, clip_id, Stack::Undo, label, &before.timeline.to_json())?;
            history::clear(tx, clip_id, Stack::Redo)?;
            store(tx, clip_id, &timeline.to_json())
        })
    }

    /// Take back the variant's last edit (nothing happens when there is none).
    pub fn undo_clip(&self, clip_id: &str) -> Result<Clip, LibraryError> {
        self.step_history(clip_id, Stack::Undo, Stack::Redo)
    }

    /// Put back the edit last taken back (nothing happens when there is none).
    pub fn redo_clip(&self, clip_id: &str) -> Result<Clip, LibraryError> {
        self.step_history(clip_id, Stack::Redo, Stack::Undo)
    }

    fn step_history(&self, clip_id: &str, from: Stack, to: Stack) -> Result<Clip, LibraryError> {
        self.write(|tx| {
            let current = get(tx, clip_id)?;
            let Some((label, timeline)) = history::pop(tx, clip_id, from)? else {
                return Ok(current);
            };
            // A stored timeline is checked like any other before it replaces the current one.
            Timeline::from_json(&timeline).map_err(|e| LibraryError::Corrupt {
                report: format!("an undo step of variant {clip_id} does not read: {e}"),
            })?;
            history::push(tx, clip_id, to, &label, &current.timeline.to_json())?;
            store(tx, clip_id, &timeline)
        })
    }

    /// A variant's exports, newest first, with what they were made with and measured as.
    pub fn exports(&self, clip_id: &str) -> Result<Vec<ExportRecord>, LibraryError> {
        self.read(|conn| {
            let mut statement = conn.prepare(
                "SELECT id, path, preset_name, encoder, size_bytes, duration_s, width, height, fps,
                        loudness_lufs, true_peak_dbtp, created_at
                 FROM exports WHERE clip_id = ?1 AND status = 'verified'
                 ORDER BY created_at DESC",
            )?;
            let rows = statement.query_map([clip_id], |r| {
                let path: String = r.get::<_, Option<String>>(1)?.unwrap_or_default();
                Ok(ExportRecord {
                    id: r.get(0)?,
                    file_present: std::path::Path::new(&path).is_file(),
                    path,
                    preset: r.get(2)?,
                    encoder: r.get(3)?,
                    size_bytes: r.get::<_, Option<i64>>(4)?.unwrap_or(0).max(0) as u64,
                    duration_s: r.get(5)?,
                    width: r.get(6)?,
                    height: r.get(7)?,
                    fps: r.get(8)?,
                    integrated_lufs: r.get(9)?,
                    true_peak_dbtp: r.get(10)?,
                    created_at: r.get(11)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Record a checked export of a variant.
    pub fn record_export(
        &self,
        clip_id: &str,
        report: &crate::render::ExportReport,
    ) -> Result<(), LibraryError> {
        self.write(|tx| {
            tx.execute(
                &format!(
                    "INSERT INTO exports (id, clip_id, path, size_bytes, duration_s, loudness_lufs,
                        true_peak_dbtp, status, created_at, completed_at, preset_name, encoder,
                        width, height, fps, gain_db)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'verified', {NOW_SQL}, {NOW_SQL}, ?8, ?9,
                        ?10, ?11, ?12, ?13)"
                ),
                params![
                    new_id(),
                    clip_id,
                    report.path,
                    report.size_bytes as i64,
                    report.duration_s,
                    report.integrated_lufs,
                    report.true_peak_dbtp,
                    report.preset,
                    report.encoder,
                    report.width,
                    report.height,
                    report.fps,
                    report.gain_db
                ],
            )?;
            tx.execute(
                &format!("UPDATE clips SET status = 'exported', final_path = ?2, updated_at = {NOW_SQL} WHERE id = ?1"),
                params![clip_id, report.path],
            )?;
            Ok(())
        })
    }

    /// Mark a variant as kept (selected) or not; selected variants survive regeneration.
    pub fn select_clip(&self, clip_id: &str, selected: bool) -> Result<Clip, LibraryError> {
        self.write(|tx| {
            let changed = tx.execute(
                &format!("UPDATE clips SET selected = ?2, updated_at = {NOW_SQL} WHERE id = ?1"),
                params![clip_id, selected],
            )?;
            if changed == 0 {
                return Err(LibraryError::NotFound {
                    entity: "variant",
                    id: clip_id.to_owned(),
                });
            }
            get(tx, clip_id)
        })
    }

    /// Give a variant a new name (1–80 characters).
    pub fn rename_clip(&self, clip_id: &str, name: &str) -> Result<Clip, LibraryError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 80 {
            return Err(LibraryError::Invalid(
                "a variant's name must be 1 to 80 characters".into(),
            ));
        }
        self.write(|tx| {
            get(tx, clip_id)?;
            tx.execute(
                &format!("UPDATE clips SET name = ?2, updated_at = {NOW_SQL} WHERE id = ?1"),
                params![clip_id, name],
            )?;
            get(tx, clip_id)
        })
    }

    /// A copy of a variant after the project's last one (to try something without losing it).
    /// Its undo history starts empty.
    pub fn duplicate_clip(&self, clip_id: &str) -> Result<Clip, LibraryError> {
        self.write(|tx| {
            let original = get(tx, clip_id)?;
            let index: u32 = tx.query_row(
                "SELECT COALESCE(MAX(variant_index), 0) + 1 FROM clips WHERE project_id = ?1",
                [&original.project_id],
                |r| r.get(0),
            )?;
            let name: String = format!("{} copy", original.name).chars().take(80).collect();
            let id = insert(tx, &original.project_id, index, &name, &original.timeline)?;
            get(tx, &id)
        })
    }

    /// Delete a variant (its undo history and export records with it; exported files stay) and
    /// number the project's others from 1 again.
    pub fn delete_clip(&self, clip_id: &str) -> Result<(), LibraryError> {
        self.write(|tx| {
            let clip = get(tx, clip_id)?;
            tx.execute("DELETE FROM clips WHERE id = ?1", [clip_id])?;
            renumber(tx, &clip.project_id)?;
            Ok(())
        })
    }

    /// Replace a project's variants with `timelines`, keeping the ones the creator selected
    /// (they come first, the new ones after), in one transaction.
    pub fn replace_variants(
        &self,
        project_id: &str,
        timelines: &[Timeline],
    ) -> Result<Vec<Clip>, LibraryError> {
        self.write(|tx| {
            super::projects::get(tx, project_id)?;
            tx.execute(
                "DELETE FROM clips WHERE project_id = ?1 AND selected = 0",
                [project_id],
            )?;
            let kept = renumber(tx, project_id)?;
            for (i, timeline) in timelines.iter().enumerate() {
                let index = (kept + i) as u32 + 1;
                insert(tx, project_id, index, &format!("Variant {index}"), timeline)?;
            }
            list(tx, project_id)
        })
    }
}

/// One verified export of a variant. Fields an older version did not record are absent.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ExportRecord {
    pub id: String,
    pub path: String,
    /// Whether the file is still where it was written.
    pub file_present: bool,
    pub preset: Option<String>,
    pub encoder: Option<String>,
    #[ts(type = "number")]
    pub size_bytes: u64,
    pub duration_s: Option<f64>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub fps: Option<f64>,
    pub integrated_lufs: Option<f64>,
    pub true_peak_dbtp: Option<f64>,
    pub created_at: String,
}
