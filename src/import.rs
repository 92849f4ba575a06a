//! Importing footage into a project: files and folders (recursively), read in place.
//!
//! Each file is fingerprinted, probed and given a thumbnail before anything is written; a file
//! that fails is reported with a plain reason and leaves the library untouched. Importing the same
//! files again never creates duplicate sources, so an interrupted import can simply be re-run.

mod listing;

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use listing::{collect_files, Listing};

use crate::fsutil::AtomicOutput;
use crate::jobs::CancelToken;
use crate::library::sources::{Source, SourceFile, SourceStatus};
use crate::library::{Library, LibraryError};
use crate::media::{self, fingerprint::fingerprint, thumbnail, MediaError};
use crate::text::printable_path;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Library(#[from] LibraryError),
    #[error(transparent)]
    Media(#[from] MediaError),
    #[error("{path}: cannot be read: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: the file name is not valid UTF-8 text, which the library cannot store")]
    NameNotUtf8 { path: String },
    #[error("could not save the thumbnail {path}: {source}")]
    Thumbnail {
        path: String,
        source: std::io::Error,
    },
}

impl ImportError {
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Self::Library(e) => e.hint(),
            Self::Media(e) => e.hint(),
            Self::Io { .. } => Some("check the path and the file's permissions"),
            Self::NameNotUtf8 { .. } => {
                Some("rename the file (for example with `convmv`), then import it again")
            }
            Self::Thumbnail { .. } => {
                Some("check that the library directory is writable and not full")
            }
        }
    }
}

/// What happened to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ImportOutcome {
    /// A new source.
    Added,
    /// Already in the library, unchanged; now also in this project.
    AlreadyPresent,
    /// The same content was found at a new path (the file was moved); the source follows it.
    Relocated,
    /// The file at a known path changed; its facts were refreshed.
    Refreshed,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportedFile {
    pub outcome: ImportOutcome,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportFailure {
    /// The path as text (control characters escaped).
    pub path: String,
    pub message: String,
    pub hint: Option<String>,
}

/// Something met in a folder that was deliberately not imported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportSkip {
    pub path: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportReport {
    pub imported: Vec<ImportedFile>,
    pub failed: Vec<ImportFailure>,
    /// Files inside imported folders that are not media (by extension) and were passed over.
    pub skipped_non_media: u32,
    /// Named pipes, devices, sockets and links out of the chosen folders, with the reason.
    pub skipped: Vec<ImportSkip>,
    /// The import was stopped (cancelled) before every file was looked at.
    pub stopped: bool,
}

/// Import `paths` into a project. `on_file` is called before each file with (index, total, path)
/// and may stop the import (`ControlFlow::Break`): files done so far stay imported, each complete.
/// `cancel` also reaches into the folder listing and into every media pipeline.
pub fn import_paths(
    library: &Library,
    project_id: &str,
    paths: &[PathBuf],
    cancel: &CancelToken,
    mut on_file: impl FnMut(usize, usize, &Path) -> ControlFlow<()>,
) -> Result<ImportReport, ImportError> {
    let project = library.project(project_id)?;
    let listing = collect_files(paths, cancel);
    let mut report = ImportReport {
        skipped_non_media: listing.skipped_non_media,
        skipped: listing.skipped,
        failed: listing.failed,
        stopped: listing.stopped,
        ..ImportReport::default()
    };
    if report.stopped {
        return Ok(report);
    }
    let total = listing.files.len();
    for (index, file) in listing.files.iter().enumerate() {
        if on_file(index, total, file).is_break() || cancel.is_cancelled() {
            report.stopped = true;
            break;
        }
        match import_file(library, &project.profile_id, project_id, file, cancel) {
            Ok(imported) => {
                tracing::info!(path = %printable_path(file), outcome = ?imported.outcome, "imported");
                report.imported.push(imported);
            }
            Err(ImportError::Media(MediaError::Cancelled)) => {
                report.stopped = true;
                break;
            }
            Err(ImportError::Library(e)) => return Err(ImportError::Library(e)),
            Err(e) => {
                tracing::warn!(path = %printable_path(file), "import failed: {e}");
                if let ImportError::Media(m) = &e {
                    if let Some(detail) = m.detail() {
                        tracing::debug!(path = %printable_path(file), "detail: {detail}");
                    }
                }
                report.failed.push(ImportFailure {
                    path: printable_path(file),
                    message: e.to_string(),
                    hint: e.hint().map(str::to_owned),
                });
            }
        }
    }
    Ok(report)
}

/// Import one file into a project.
pub fn import_file(
    library: &Library,
    profile_id: &str,
    project_id: &str,
    path: &Path,
    cancel: &CancelToken,
) -> Result<ImportedFile, ImportError> {
    let shown = printable_path(path);
    let io_err = |source| ImportError::Io {
        path: shown.clone(),
        source,
    };
    let path = path.canonicalize().map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => ImportError::Media(MediaError::NotFound {
            path: shown.clone(),
        }),
        _ => io_err(source),
    })?;
    let Some(path_text) = path.to_str().map(str::to_owned) else {
        return Err(ImportError::NameNotUtf8 { path: shown });
    };
    // Checked before anything opens it: reading a named pipe would wait forever.
    let meta = media::probe::regular_file(&path)?;
    let mtime_ns = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i64);

    let known = library.source_by_path(profile_id, &path_text)?;
    if let Some(source) = &known {
        if source.size_bytes == meta.len()
            && source.mtime_ns == mtime_ns
            && source.status == SourceStatus::Ok
        {
            library.link_source(project_id, &source.id)?;
            return Ok(ImportedFile {
                outcome: ImportOutcome::AlreadyPresent,
                source: library.source(&source.id)?,
            });
        }
    }
    let content_hash = fingerprint(&path).map_err(io_err)?;
    if let Some(source) = &known {
        if source.content_hash == content_hash && source.status == SourceStatus::Ok {
            // Touched but not changed: same content, newer mtime.
            library.link_source(project_id, &source.id)?;
            return Ok(ImportedFile {
                outcome: ImportOutcome::AlreadyPresent,
                source: library.source(&source.id)?,
            });
        }
    }
    let moved_from = match &known {
        Some(_) => None,
        None => library
            .sources_by_hash(profile_id, &content_hash)?
            .into_iter()
            .find(|s| !Path::new(&s.path).exists()),
    };

    let mut info = media::probe(&path, cancel)?;
    info.path = path_text;
    let (id, outcome) = match (&known, &moved_from) {
        (Some(s), _) => (s.id.clone(), ImportOutcome::Refreshed),
        (None, Some(s)) => (s.id.clone(), ImportOutcome::Relocated),
        (None, None) => (crate::library::new_id(), ImportOutcome::Added),
    };
    // The probe already proved the file decodes; a file whose still cannot be made (e.g. a
    // handful of frames all before the edit list's start) is still usable footage.
    let thumbnail = if info.has_video {
        match write_thumbnail(library, &id, &path, info.duration_s, cancel) {
            Ok(name) => Some(name),
            Err(ImportError::Media(MediaError::Cancelled)) => {
                return Err(ImportError::Media(MediaError::Cancelled))
            }
            Err(ImportError::Media(e)) => {
                tracing::warn!(path = %shown, "imported without a thumbnail: {e}");
                None
            }
            Err(e) => return Err(e),
        }
    } else {
        None
    };
    let file = SourceFile {
        info: &info,
        content_hash: &content_hash,
        mtime_ns,
        thumbnail: thumbnail.as_deref(),
    };
    match library.store_source(&id, profile_id, project_id, &file) {
        // Another process stored this path first: its source (and id) wins; `outcome` still says
        // what this import did.
        Ok(source) => Ok(ImportedFile { outcome, source }),
        Err(e) => {
            if let (Some(name), ImportOutcome::Added) = (&thumbnail, outcome) {
                // Nothing refers to the new thumbnail; a failure to remove it only leaves a stray
                // file, which the next start-up sweep removes.
                if let Err(rm) = std::fs::remove_file(library.thumbnails_dir().join(name)) {
                    tracing::warn!("could not remove unused thumbnail {name}: {rm}");
                }
            }
            Err(e.into())
        }
    }
}

/// Write `<id>.jpg` in the library's thumbnail dir crash-safely; returns the file name.
fn write_thumbnail(
    library: &Library,
    id: &str,
    path: &Path,
    duration_s: f64,
    cancel: &CancelToken,
) -> Result<String, ImportError> {
    let jpeg = thumbnail::grab_jpeg(
        path,
        thumbnail::thumbnail_time(duration_s),
        thumbnail::THUMBNAIL_WIDTH,
        cancel,
    )?;
    let name = format!("{id}.jpg");
    let dest = library.thumbnails_dir().join(&name);
    let out = AtomicOutput::new(&dest);
    out.write_all(&jpeg)
        .and_then(|()| out.commit())
        .map_err(|source| ImportError::Thumbnail {
            path: dest.display().to_string(),
            source,
        })?;
    Ok(name)
}
