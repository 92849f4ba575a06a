//! Sources: footage files read in place, with their probe facts and thumbnail.

use std::path::PathBuf;

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Library, LibraryError, NOW_SQL};
use crate::media::MediaInfo;

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Source {
    pub id: String,
    pub profile_id: String,
    pub path: String,
    pub file_name: String,
    pub content_hash: String,
    #[ts(type = "number")]
    pub size_bytes: u64,
    #[ts(type = "number")]
    pub mtime_ns: i64,
    pub duration_s: f64,
    /// Seconds between the tiles of its filmstrip (`media::filmstrip::interval_s`).
    pub filmstrip_interval_s: f64,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub display_width: Option<u32>,
    pub display_height: Option<u32>,
    pub rotation: u32,
    pub fps: Option<f64>,
    pub fps_num: Option<i32>,
    pub fps_den: Option<i32>,
    pub is_vfr: bool,
    pub is_portrait: bool,
    pub container: Option<String>,
    pub video_codec: Option<String>,
    pub audio_codec: Option<String>,
    pub has_video: bool,
    pub has_audio: bool,
    pub audio_sample_rate: Option<u32>,
    pub audio_channels: Option<u32>,
    pub has_thumbnail: bool,
    pub status: SourceStatus,
    pub created_at: String,
}

/// Whether a source's file is still as imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum SourceStatus {
    Ok,
    /// The file is gone (or unreadable) at its path.
    Missing,
    /// The file at its path has other content than was imported.
    Changed,
}

impl Source {
    /// Whether the file described by `meta` (found at this source's path) is still the one that
    /// was imported: the same size, and the same modification time or else the same content. The
    /// reason it is not, otherwise.
    pub fn unchanged(&self, meta: &std::fs::Metadata) -> Result<(), &'static str> {
        if !meta.is_file() {
            return Err("the path no longer holds a regular file");
        }
        if meta.len() != self.size_bytes {
            return Err("the file changed size since it was imported");
        }
        let mtime_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as i64);
        if mtime_ns != self.mtime_ns
            && crate::media::fingerprint::fingerprint(std::path::Path::new(&self.path))
                .ok()
                .as_deref()
                != Some(&self.content_hash)
        {
            return Err("the file's content changed since it was imported");
        }
        Ok(())
    }
}

impl SourceStatus {
    fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Missing => "missing",
            Self::Changed => "changed",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "missing" => Self::Missing,
            "changed" => Self::Changed,
            _ => Self::Ok,
        }
    }
}

/// The facts of a file as stored for a source.
pub struct SourceFile<'a> {
    pub info: &'a MediaInfo,
    pub content_hash: &'a str,
    pub mtime_ns: i64,
    pub thumbnail: Option<&'a str>,
}

const SELECT: &str = "SELECT id, profile_id, path, content_hash, size_bytes, mtime_ns, duration_s,
    width, height, rotation, fps_num, fps_den, is_vfr, container, video_codec, audio_codec,
    has_video, has_audio, audio_rate, audio_channels, thumbnail, status, created_at FROM sources";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Source> {
    let path: String = row.get(2)?;
    let width: Option<u32> = row.get(7)?;
    let height: Option<u32> = row.get(8)?;
    let rotation: u32 = row.get(9)?;
    let fps_num: Option<i32> = row.get(10)?;
    let fps_den: Option<i32> = row.get(11)?;
    let (display_width, display_height) = if rotation % 180 == 90 {
        (height, width)
    } else {
        (width, height)
    };
    let thumbnail: Option<String> = row.get(20)?;
    let duration_s: f64 = row.get(6)?;
    Ok(Source {
        id: row.get(0)?,
        profile_id: row.get(1)?,
        file_name: std::path::Path::new(&path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.clone()),
        path,
        content_hash: row.get(3)?,
        size_bytes: row.get(4)?,
        mtime_ns: row.get(5)?,
        duration_s,
        filmstrip_interval_s: crate::media::filmstrip::interval_s(duration_s),
        width,
        height,
        display_width,
        display_height,
        rotation,
        fps: match (fps_num, fps_den) {
            (Some(n), Some(d)) if d > 0 => Some(n as f64 / d as f64),
            _ => None,
        },
        fps_num,
        fps_den,
        is_vfr: row.get(12)?,
        is_portrait: matches!((display_width, display_height), (Some(w), Some(h)) if h > w),
        container: row.get(13)?,
        video_codec: row.get(14)?,
        audio_codec: row.get(15)?,
        has_video: row.get(16)?,
        has_audio: row.get(17)?,
        audio_sample_rate: row.get(18)?,
        audio_channels: row.get(19)?,
        has_thumbnail: thumbnail.is_some(),
        status: SourceStatus::parse(&row.get::<_, String>(21)?),
        created_at: row.get(22)?,
    })
}

fn get(conn: &Connection, id: &str) -> Result<Source, LibraryError> {
    conn.query_row(&format!("{SELECT} WHERE id = ?1"), [id], from_row)
        .optional()?
        .ok_or_else(|| LibraryError::NotFound {
            entity: "source",
            id: id.to_owned(),
        })
}

impl Library {
    pub fn source(&self, id: &str) -> Result<Source, LibraryError> {
        self.read(|conn| get(conn, id))
    }

    pub fn source_by_path(
        &self,
        profile_id: &str,
        path: &str,
    ) -> Result<Option<Source>, LibraryError> {
        self.read(|conn| {
            Ok(conn
                .query_row(
                    &format!("{SELECT} WHERE profile_id = ?1 AND path = ?2"),
                    params![profile_id, path],
                    from_row,
                )
                .optional()?)
        })
    }

    pub fn sources_by_hash(
        &self,
        profile_id: &str,
        hash: &str,
    ) -> Result<Vec<Source>, LibraryError> {
        self.read(|conn| {
            let mut stmt = conn.prepare(&format!(
                "{SELECT} WHERE profile_id = ?1 AND content_hash = ?2"
            ))?;
            let rows = stmt.query_map(params![profile_id, hash], from_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// A project's sources in the order they were added.
    pub fn project_sources(&self, project_id: &str) -> Result<Vec<Source>, LibraryError> {
        self.read(|conn| {
            super::projects::get(conn, project_id)?;
            let mut stmt = conn.prepare(&format!(
                "{SELECT} JOIN project_sources ps ON ps.source_id = sources.id
                 WHERE ps.project_id = ?1 ORDER BY ps.added_at, sources.path"
            ))?;
            let rows = stmt.query_map([project_id], from_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Store a source's file facts and link it to a project, in one transaction. A file at a path
    /// the profile already knows updates that source (whoever stored it first: two processes may
    /// import the same folder at once); a known id at a new path (the file was moved) follows the
    /// file. Either way the source keeps its id, so what refers to it stays valid. Returns the
    /// source as stored.
    pub fn store_source(
        &self,
        id: &str,
        profile_id: &str,
        project_id: &str,
        file: &SourceFile<'_>,
    ) -> Result<Source, LibraryError> {
        let info = file.info;
        self.write(|tx| {
            let stored_id: String = tx.query_row(
                &format!(
                    "INSERT INTO sources (id, profile_id, path, content_hash, size_bytes, mtime_ns,
                        duration_s, width, height, rotation, fps_num, fps_den, is_vfr, container,
                        video_codec, audio_codec, has_video, has_audio, audio_rate, audio_channels,
                        thumbnail, status, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                        ?17, ?18, ?19, ?20, ?21, 'ok', {NOW_SQL}, {NOW_SQL})
                     ON CONFLICT (profile_id, path) DO UPDATE SET {UPDATE_FACTS}
                     ON CONFLICT (id) DO UPDATE SET path = excluded.path, {UPDATE_FACTS}
                     RETURNING id"
                ),
                params![
                    id,
                    profile_id,
                    info.path,
                    file.content_hash,
                    info.size_bytes,
                    file.mtime_ns,
                    info.duration_s,
                    info.width,
                    info.height,
                    info.rotation,
                    info.fps_num,
                    info.fps_den,
                    info.is_vfr,
                    info.container,
                    info.video_codec,
                    info.audio_codec,
                    info.has_video,
                    info.has_audio,
                    info.audio_sample_rate,
                    info.audio_channels,
                    file.thumbnail,
                ],
                |r| r.get(0),
            )?;
            link(tx, project_id, &stored_id)?;
            get(tx, &stored_id)
        })
    }

    pub fn set_source_status(&self, id: &str, status: SourceStatus) -> Result<(), LibraryError> {
        self.write(|tx| {
            let changed = tx.execute(
                &format!("UPDATE sources SET status = ?2, updated_at = {NOW_SQL} WHERE id = ?1"),
                params![id, status.as_str()],
            )?;
            if changed == 0 {
                return Err(LibraryError::NotFound {
                    entity: "source",
                    id: id.to_owned(),
                });
            }
            Ok(())
        })
    }

    /// Add an existing source to a project (no-op when it is already there).
    pub fn link_source(&self, project_id: &str, source_id: &str) -> Result<(), LibraryError> {
        self.write(|tx| link(tx, project_id, source_id))
    }

    /// The thumbnail file of a source, if it has one.
    pub fn source_thumbnail_path(&self, id: &str) -> Result<Option<PathBuf>, LibraryError> {
        let name: Option<String> = self.read(|conn| {
            conn.query_row("SELECT thumbnail FROM sources WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or_else(|| LibraryError::NotFound {
                entity: "source",
                id: id.to_owned(),
            })
        })?;
        Ok(name.map(|n| self.thumbnails_dir().join(n)))
    }

    /// Where the filmstrip of content `content_hash` is kept (made by a Filmstrip job).
    pub fn filmstrip_path(&self, content_hash: &str) -> PathBuf {
        self.thumbnails_dir()
            .join("filmstrips")
            .join(format!("{content_hash}.jpg"))
    }

    /// Where the part of that filmstrip made so far is kept while its job runs.
    pub fn partial_filmstrip_path(&self, content_hash: &str) -> PathBuf {
        self.thumbnails_dir()
            .join("filmstrips")
            .join(format!("{content_hash}.partial.png"))
    }

    /// A file of the library's cache for this content: `cache/{folder}/{hash}.{extension}`, the
    /// hash kept to letters and digits so it can never name another place.
    fn cache_file(&self, folder: &str, content_hash: &str, extension: &str) -> PathBuf {
        let name: String = content_hash
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        self.dir()
            .join("cache")
            .join(folder)
            .join(format!("{name}.{extension}"))
    }

    /// Where the editor's preview copy of this content is kept (`media::proxy`).
    pub fn proxy_path(&self, content_hash: &str) -> PathBuf {
        self.cache_file("proxies", content_hash, "mp4")
    }

    /// Where the picture-and-sound copy of this content is kept for files GES cannot open, in a
    /// QuickTime file (`mov`) or a Matroska one (`mkv`).
    pub fn conformed_path(&self, content_hash: &str, extension: &str) -> PathBuf {
        self.cache_file("conformed", content_hash, extension)
    }

    /// Where the waveform of this content is kept (see `media::waveform`), plain or denoised.
    pub fn waveform_path(&self, content_hash: &str, denoised: bool) -> PathBuf {
        let name = if denoised {
            format!("{content_hash}.denoised.efw")
        } else {
            format!("{content_hash}.efw")
        };
        self.thumbnails_dir().join("waveforms").join(name)
    }
}

/// The file facts an upsert refreshes.
const UPDATE_FACTS: &str = "content_hash = excluded.content_hash, size_bytes = excluded.size_bytes,
    mtime_ns = excluded.mtime_ns, duration_s = excluded.duration_s, width = excluded.width,
    height = excluded.height, rotation = excluded.rotation, fps_num = excluded.fps_num,
    fps_den = excluded.fps_den, is_vfr = excluded.is_vfr, container = excluded.container,
    video_codec = excluded.video_codec, audio_codec = excluded.audio_codec,
    has_video = excluded.has_video, has_audio = excluded.has_audio,
    audio_rate = excluded.audio_rate, audio_channels = excluded.audio_channels,
    thumbnail = COALESCE(excluded.thumbnail, thumbnail), status = 'ok',
    updated_at = excluded.updated_at";

fn link(
    conn: &rusqlite::Connection,
    project_id: &str,
    source_id: &str,
) -> Result<(), LibraryError> {
    conn.execute(
        &format!(
            "INSERT OR IGNORE INTO project_sources (project_id, source_id, added_at)
             VALUES (?1, ?2, {NOW_SQL})"
        ),
        params![project_id, source_id],
    )?;
    Ok(())
}
