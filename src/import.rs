//! Importing footage into a project: files and folders (recursively), read in place.
//!
//! Each file is fingerprinted, probed and given a thumbnail before anything is written; a file
//! that fails is reported with a plain reason and leaves the library untouched. Importing the same
//! files again never creates duplicate sources, so an interrupted import can simply be re-run.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use walkdir::WalkDir;

use crate::library::sources::{Source, SourceFile};
use crate::library::{Library, LibraryError};
use crate::media::{self, fingerprint::fingerprint, thumbnail, MediaError};

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

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportFailure {
    pub path: String,
    pub message: String,
    pub hint: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportReport {
    pub imported: Vec<ImportedFile>,
    pub failed: Vec<ImportFailure>,
    /// Files inside imported folders that are not media (by extension) and were passed over.
    pub skipped_non_media: u32,
    /// The import was stopped (cancelled) before every file was looked at.
    pub stopped: bool,
}

/// Expand the user's selection into the files to import: files as given, folders recursively
/// (media extensions only, hidden entries skipped), in a stable order.
pub fn collect_files(paths: &[PathBuf]) -> (Vec<PathBuf>, u32, Vec<ImportFailure>) {
    let mut files = Vec::new();
    let mut skipped = 0;
    let mut failed = Vec::new();
    for path in paths {
        if path.is_dir() {
            let walker = WalkDir::new(path)
                .follow_links(true)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| {
                    e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')
                });
            for entry in walker {
                match entry {
                    Ok(e) if e.file_type().is_file() => {
                        if media::has_media_extension(e.path()) {
                            files.push(e.into_path());
                        } else {
                            skipped += 1;
                        }
                    }
                    Ok(_) => {}
                    Err(e) => failed.push(ImportFailure {
                        path: e.path().unwrap_or(path).display().to_string(),
                        message: format!("cannot be read: {e}"),
                        hint: Some("check the folder's permissions".into()),
                    }),
                }
            }
        } else {
            files.push(path.clone());
        }
    }
    (files, skipped, failed)
}

/// Import `paths` into a project. `on_file` is called before each file with (index, total, path)
/// and may stop the import (`ControlFlow::Break`): files done so far stay imported, each complete.
pub fn import_paths(
    library: &Library,
    project_id: &str,
    paths: &[PathBuf],
    mut on_file: impl FnMut(usize, usize, &Path) -> ControlFlow<()>,
) -> Result<ImportReport, ImportError> {
    let project = library.project(project_id)?;
    let (files, skipped_non_media, failed) = collect_files(paths);
    let mut report = ImportReport {
        skipped_non_media,
        failed,
        ..ImportReport::default()
    };
    let total = files.len();
    for (index, file) in files.iter().enumerate() {
        if on_file(index, total, file).is_break() {
            report.stopped = true;
            break;
        }
        match import_file(library, &project.profile_id, project_id, file) {
            Ok(imported) => {
                tracing::info!(path = %file.display(), outcome = ?imported.outcome, "imported");
                report.imported.push(imported);
            }
            Err(ImportError::Library(e)) => return Err(ImportError::Library(e)),
            Err(e) => {
                tracing::warn!(path = %file.display(), "import failed: {e}");
                report.failed.push(ImportFailure {
                    path: file.display().to_string(),
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
) -> Result<ImportedFile, ImportError> {
    let io_err = |source| ImportError::Io {
        path: path.display().to_string(),
        source,
    };
    let path = path.canonicalize().map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => ImportError::Media(MediaError::NotFound {
            path: path.display().to_string(),
        }),
        _ => io_err(source),
    })?;
    let path_text = path.display().to_string();
    let meta = std::fs::metadata(&path).map_err(io_err)?;
    let mtime_ns = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i64);

    let known = library.source_by_path(profile_id, &path_text)?;
    if let Some(source) = &known {
        if source.size_bytes == meta.len() && source.mtime_ns == mtime_ns && source.status == "ok" {
            library.link_source(project_id, &source.id)?;
            return Ok(ImportedFile {
                outcome: ImportOutcome::AlreadyPresent,
                source: library.source(&source.id)?,
            });
        }
    }
    let content_hash = if meta.len() == 0 {
        String::new()
    } else {
        fingerprint(&path).map_err(io_err)?
    };
    if let Some(source) = &known {
        if source.content_hash == content_hash && source.status == "ok" {
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

    let info = media::probe(&path)?;
    let (id, outcome) = match (&known, &moved_from) {
        (Some(s), _) => (s.id.clone(), ImportOutcome::Refreshed),
        (None, Some(s)) => (s.id.clone(), ImportOutcome::Relocated),
        (None, None) => (crate::library::new_id(), ImportOutcome::Added),
    };
    // The probe already proved the file decodes; a file whose still cannot be made (e.g. a
    // handful of frames all before the edit list's start) is still usable footage.
    let thumbnail = if info.has_video {
        match write_thumbnail(library, &id, &path, info.duration_s) {
            Ok(name) => Some(name),
            Err(ImportError::Media(e)) => {
                tracing::warn!(path = %path_text, "imported without a thumbnail: {e}");
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
        Ok(source) => Ok(ImportedFile { outcome, source }),
        Err(e) => {
            if let (Some(name), ImportOutcome::Added) = (&thumbnail, outcome) {
                // Nothing refers to the new thumbnail; a failure to remove it only leaves a stray file.
                if let Err(rm) = std::fs::remove_file(library.thumbnails_dir().join(name)) {
                    tracing::warn!("could not remove unused thumbnail {name}: {rm}");
                }
            }
            Err(e.into())
        }
    }
}

/// Write `<id>.jpg` in the library's thumbnail dir through a temporary name; returns the file name.
fn write_thumbnail(
    library: &Library,
    id: &str,
    path: &Path,
    duration_s: f64,
) -> Result<String, ImportError> {
    let jpeg = thumbnail::grab_jpeg(
        path,
        thumbnail::thumbnail_time(duration_s),
        thumbnail::THUMBNAIL_WIDTH,
    )?;
    let name = format!("{id}.jpg");
    let dest = library.thumbnails_dir().join(&name);
    let tmp = library.thumbnails_dir().join(format!(".{name}.partial"));
    let save_err = |source| ImportError::Thumbnail {
        path: dest.display().to_string(),
        source,
    };
    std::fs::write(&tmp, &jpeg).map_err(save_err)?;
    std::fs::rename(&tmp, &dest).map_err(|source| {
        // The rename error is what the user needs; a leftover partial file is only logged.
        if let Err(rm) = std::fs::remove_file(&tmp) {
            tracing::warn!("could not remove {}: {rm}", tmp.display());
        }
        save_err(source)
    })?;
    Ok(name)
}
