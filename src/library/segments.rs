//! Segments: moments of a source a creator marked by hand (W3), with keywords, notes and a
//! favourite flag; a segment library filtered by keyword, source, favourite and length; and the
//! ordered pool of segments assigned to a project.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{audit, new_id, Library, LibraryError, NOW_SQL};

/// Keywords offered as chips (W3); any other word is allowed too.
pub const KEYWORD_PRESETS: &[&str] = &[
    "intro",
    "product",
    "demo",
    "close-up",
    "transition",
    "outro",
    "talking",
];

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Segment {
    pub id: String,
    pub source_id: String,
    pub file_name: String,
    pub start_s: f64,
    pub end_s: f64,
    pub keywords: Vec<String>,
    pub notes: String,
    pub favorite: bool,
    pub created_at: String,
    pub updated_at: String,
}

/// What to change in a segment; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct SegmentEdit {
    pub start_s: Option<f64>,
    pub end_s: Option<f64>,
    pub keywords: Option<Vec<String>>,
    pub notes: Option<String>,
    pub favorite: Option<bool>,
}

/// Which segments to list.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct SegmentFilter {
    pub profile_id: Option<String>,
    pub source_id: Option<String>,
    pub keyword: Option<String>,
    pub favorite_only: bool,
    pub min_duration_s: Option<f64>,
    pub max_duration_s: Option<f64>,
}

const SELECT: &str = "SELECT g.id, g.source_id, s.path, g.start_s, g.end_s, g.keywords, g.notes,
    g.favorite, g.created_at, g.updated_at
    FROM segments g JOIN sources s ON s.id = g.source_id";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Segment> {
    let path: String = row.get(2)?;
    let keywords: String = row.get(5)?;
    Ok(Segment {
        id: row.get(0)?,
        source_id: row.get(1)?,
        file_name: std::path::Path::new(&path)
            .file_name()
            .map_or(path.clone(), |n| n.to_string_lossy().into_owned()),
        start_s: row.get(3)?,
        end_s: row.get(4)?,
        keywords: serde_json::from_str(&keywords).unwrap_or_default(),
        notes: row.get(6)?,
        favorite: row.get(7)?,
        created_at: row.get(8)?,
        updated_at: row.get(9)?,
    })
}

fn get(conn: &Connection, id: &str) -> Result<Segment, LibraryError> {
    conn.query_row(&format!("{SELECT} WHERE g.id = ?1"), [id], from_row)
        .optional()?
        .ok_or_else(|| LibraryError::NotFound {
            entity: "segment",
            id: id.to_owned(),
        })
}

/// Keywords as stored: trimmed, lower case, no control characters, each once.
fn clean_keywords(keywords: &[String]) -> Result<Vec<String>, LibraryError> {
    let mut out: Vec<String> = Vec::new();
    for k in keywords {
        let k = k.trim().to_lowercase();
        if k.is_empty() {
            continue;
        }
        if k.chars().count() > 40 || k.chars().any(char::is_control) {
            return Err(LibraryError::Invalid(format!(
                "keyword {k:?} must have at most 40 characters and no control characters"
            )));
        }
        if !out.contains(&k) {
            out.push(k);
        }
    }
    Ok(out)
}

fn check_range(
    conn: &Connection,
    source_id: &str,
    start_s: f64,
    end_s: f64,
) -> Result<(), LibraryError> {
    let duration: f64 = conn
        .query_row(
            "SELECT duration_s FROM sources WHERE id = ?1",
            [source_id],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| LibraryError::NotFound {
            entity: "source",
            id: source_id.to_owned(),
        })?;
    if !(start_s >= 0.0 && end_s > start_s && end_s <= duration + 0.001) {
        return Err(LibraryError::Invalid(format!(
            "a segment must start before it ends, inside the source (0 to {duration:.2} s), not {start_s:.2}–{end_s:.2} s"
        )));
    }
    Ok(())
}

impl Library {
    pub fn create_segment(
        &self,
        source_id: &str,
        start_s: f64,
        end_s: f64,
        keywords: &[String],
        notes: &str,
        favorite: bool,
    ) -> Result<Segment, LibraryError> {
        let keywords = clean_keywords(keywords)?;
        let id = new_id();
        self.write(|tx| {
            check_range(tx, source_id, start_s, end_s)?;
            tx.execute(
                &format!(
                    "INSERT INTO segments (id, source_id, start_s, end_s, origin, keywords, notes,
                        favorite, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, 'manual', ?5, ?6, ?7, {NOW_SQL}, {NOW_SQL})"
                ),
                params![
                    id,
                    source_id,
                    start_s,
                    end_s,
                    serde_json::to_string(&keywords).unwrap_or_else(|_| "[]".into()),
                    notes.trim(),
                    favorite
                ],
            )?;
            get(tx, &id)
        })
    }

    pub fn segment(&self, id: &str) -> Result<Segment, LibraryError> {
        self.read(|conn| get(conn, id))
    }

    pub fn edit_segment(&self, id: &str, edit: &SegmentEdit) -> Result<Segment, LibraryError> {
        let keywords = edit.keywords.as_deref().map(clean_keywords).transpose()?;
        self.write(|tx| {
            let before = get(tx, id)?;
            let (start_s, end_s) = (
                edit.start_s.unwrap_or(before.start_s),
                edit.end_s.unwrap_or(before.end_s),
            );
            check_range(tx, &before.source_id, start_s, end_s)?;
            tx.execute(
                &format!(
                    "UPDATE segments SET start_s = ?2, end_s = ?3, keywords = ?4, notes = ?5,
                        favorite = ?6, updated_at = {NOW_SQL} WHERE id = ?1"
                ),
                params![
                    id,
                    start_s,
                    end_s,
                    serde_json::to_string(&keywords.unwrap_or(before.keywords))
                        .unwrap_or_else(|_| "[]".into()),
                    edit.notes
                        .as_deref()
                        .map_or(before.notes, |n| n.trim().to_owned()),
                    edit.favorite.unwrap_or(before.favorite)
                ],
            )?;
            get(tx, id)
        })
    }

    pub fn delete_segment(&self, id: &str) -> Result<(), LibraryError> {
        self.write(|tx| {
            let before = get(tx, id)?;
            tx.execute("DELETE FROM segments WHERE id = ?1", [id])?;
            audit(
                tx,
                "user",
                "delete",
                &format!("segment:{id}"),
                &format!(
                    "{} {:.2}-{:.2}",
                    before.file_name, before.start_s, before.end_s
                ),
            )?;
            Ok(())
        })
    }

    /// The segment library, newest first.
    pub fn segments(&self, filter: &SegmentFilter) -> Result<Vec<Segment>, LibraryError> {
        let keyword = filter.keyword.as_deref().map(|k| k.trim().to_lowercase());
        self.read(|conn| {
            let mut stmt = conn.prepare(&format!(
                "{SELECT} WHERE g.origin = 'manual'
                   AND (?1 IS NULL OR s.profile_id = ?1)
                   AND (?2 IS NULL OR g.source_id = ?2)
                   AND (?3 IS NULL OR EXISTS (SELECT 1 FROM json_each(g.keywords) WHERE value = ?3))
                   AND (?4 = 0 OR g.favorite = 1)
                   AND (?5 IS NULL OR g.end_s - g.start_s >= ?5)
                   AND (?6 IS NULL OR g.end_s - g.start_s <= ?6)
                 ORDER BY g.created_at DESC"
            ))?;
            let rows = stmt.query_map(
                params![
                    filter.profile_id,
                    filter.source_id,
                    keyword,
                    filter.favorite_only,
                    filter.min_duration_s,
                    filter.max_duration_s
                ],
                from_row,
            )?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Make `segment_ids`, in this order, the project's assigned segments.
    pub fn assign_segments(
        &self,
        project_id: &str,
        segment_ids: &[String],
    ) -> Result<Vec<Segment>, LibraryError> {
        self.write(|tx| {
            super::projects::get(tx, project_id)?;
            tx.execute(
                "DELETE FROM project_segments WHERE project_id = ?1",
                [project_id],
            )?;
            for (position, id) in segment_ids.iter().enumerate() {
                get(tx, id)?;
                tx.execute(
                    "INSERT OR IGNORE INTO project_segments (project_id, segment_id, position)
                     VALUES (?1, ?2, ?3)",
                    params![project_id, id, position as i64],
                )?;
            }
            project_segments(tx, project_id)
        })
    }

    /// The segments assigned to a project, in order.
    pub fn project_segments(&self, project_id: &str) -> Result<Vec<Segment>, LibraryError> {
        self.read(|conn| project_segments(conn, project_id))
    }

    /// Manual segments a project's variants may use: those assigned to it and those on its sources.
    pub fn segments_for_variants(&self, project_id: &str) -> Result<Vec<Segment>, LibraryError> {
        self.read(|conn| {
            let mut stmt = conn.prepare(&format!(
                "{SELECT} WHERE g.origin = 'manual' AND (
                    g.id IN (SELECT segment_id FROM project_segments WHERE project_id = ?1)
                    OR g.source_id IN (SELECT source_id FROM project_sources WHERE project_id = ?1))
                 ORDER BY g.start_s"
            ))?;
            let rows = stmt.query_map([project_id], from_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}

fn project_segments(conn: &Connection, project_id: &str) -> Result<Vec<Segment>, LibraryError> {
    let mut stmt = conn.prepare(&format!(
        "{SELECT} JOIN project_segments ps ON ps.segment_id = g.id
         WHERE ps.project_id = ?1 ORDER BY ps.position"
    ))?;
    let rows = stmt.query_map([project_id], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}
