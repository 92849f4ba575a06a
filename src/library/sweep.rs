//! Start-up clean-up of what a crash can leave in the library directory: partial files of writes
//! that never finished, and thumbnails no source refers to. Files younger than [`MIN_AGE`] are left
//! alone: another process using the same library may be writing them right now.

use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, SystemTime};

use super::{Library, LibraryError};
use crate::fsutil::PARTIAL_SUFFIX;

const MIN_AGE: Duration = Duration::from_secs(3600);

pub(super) fn remove_leftovers(library: &Library) {
    let referenced = match referenced_thumbnails(library) {
        Ok(names) => names,
        Err(e) => {
            tracing::warn!("start-up sweep skipped: {e}");
            return;
        }
    };
    let removed = sweep_dir(&library.thumbnails_dir(), |name| {
        name.ends_with(PARTIAL_SUFFIX) || !referenced.contains(name)
    });
    if removed > 0 {
        tracing::info!(
            removed,
            "removed leftover files from the thumbnail directory"
        );
    }
}

fn referenced_thumbnails(library: &Library) -> Result<HashSet<String>, LibraryError> {
    library.read(|conn| {
        let mut stmt = conn.prepare("SELECT thumbnail FROM sources WHERE thumbnail IS NOT NULL")?;
        let names = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<HashSet<_>, _>>()?;
        Ok(names)
    })
}

/// Remove the old regular files of `dir` that `unwanted` picks; returns how many went.
fn sweep_dir(dir: &Path, unwanted: impl Fn(&str) -> bool) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let now = SystemTime::now();
    let mut removed = 0;
    for entry in entries.flatten() {
        let Ok(meta) = entry.metadata() else { continue };
        let old = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age >= MIN_AGE);
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if meta.is_file() && old && unwanted(name) {
            match std::fs::remove_file(entry.path()) {
                Ok(()) => removed += 1,
                Err(e) => tracing::warn!(file = %entry.path().display(), "could not remove: {e}"),
            }
        }
    }
    removed
}
