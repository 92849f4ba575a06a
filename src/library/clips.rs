//! Clips: a project's variants, each a timeline (SPEC §2a), not a file.

use rusqlite::{params, Connection, Row};
use serde::Serialize;
use ts_rs::TS;

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
}

const COLUMNS: &str =
    "id, project_id, variant_index, name, timeline, selected, created_at, updated_at";

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

    /// Replace a variant's timeline.
    pub fn set_clip_timeline(
        &self,
        clip_id: &str,
        timeline: &Timeline,
    ) -> Result<Clip, LibraryError> {
        self.write(|tx| {
            get(tx, clip_id)?;
            tx.execute(
                &format!("UPDATE clips SET timeline = ?2, updated_at = {NOW_SQL} WHERE id = ?1"),
                params![clip_id, timeline.to_json()],
            )?;
            get(tx, clip_id)
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
                        true_peak_dbtp, status, created_at, completed_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'verified', {NOW_SQL}, {NOW_SQL})"
                ),
                params![
                    new_id(),
                    clip_id,
                    report.path,
                    report.size_bytes as i64,
                    report.duration_s,
                    report.integrated_lufs,
                    report.true_peak_dbtp
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
            let kept = list(tx, project_id)?;
            for (i, clip) in kept.iter().enumerate() {
                tx.execute(
                    "UPDATE clips SET variant_index = ?2 WHERE id = ?1",
                    params![clip.id, i as u32 + 1],
                )?;
            }
            for (i, timeline) in timelines.iter().enumerate() {
                let index = (kept.len() + i) as u32 + 1;
                tx.execute(
                    &format!(
                        "INSERT INTO clips (id, project_id, variant_index, name, timeline, selected,
                            status, created_at, updated_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, 0, 'draft', {NOW_SQL}, {NOW_SQL})"
                    ),
                    params![
                        new_id(),
                        project_id,
                        index,
                        format!("Variant {index}"),
                        timeline.to_json()
                    ],
                )?;
            }
            list(tx, project_id)
        })
    }
}
