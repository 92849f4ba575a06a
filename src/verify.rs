//! Checking that a project's sources are still where they were and unchanged.

use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::library::sources::{Source, SourceStatus};
use crate::library::{Library, LibraryError};
use crate::media::fingerprint::fingerprint;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VerifyReport {
    pub checked: u32,
    pub ok: u32,
    pub missing: Vec<String>,
    pub changed: Vec<String>,
}

/// Re-fingerprint one source and record what was found.
pub fn verify_source(library: &Library, source: &Source) -> Result<SourceStatus, LibraryError> {
    let path = Path::new(&source.path);
    let status = if !path.is_file() {
        SourceStatus::Missing
    } else {
        match fingerprint(path) {
            Ok(hash) if hash == source.content_hash => SourceStatus::Ok,
            Ok(_) => SourceStatus::Changed,
            // Unreadable now (permissions, unmounted drive): as good as missing for editing.
            Err(e) => {
                tracing::warn!(path = %source.path, "cannot read source: {e}");
                SourceStatus::Missing
            }
        }
    };
    library.set_source_status(&source.id, status)?;
    Ok(status)
}
