//! Crash-safe files: everything Edit Factory writes (thumbnails, exports, caches, models) is
//! written under a temporary name next to its destination, flushed to disk, renamed into place and
//! the directory entry flushed too. A crash leaves either the old file or the whole new one, never
//! half of one; a failed or cancelled write leaves nothing (dropped without `commit`). The library
//! sweeps up partial files a crash left behind when it opens.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use rand::RngCore;

/// Every temporary file ends with this, so a start-up sweep can find them.
pub const PARTIAL_SUFFIX: &str = ".partial";

#[derive(Debug)]
pub struct AtomicOutput {
    dest: PathBuf,
    partial: PathBuf,
    committed: bool,
}

impl AtomicOutput {
    /// Reserve `dest`; write to [`AtomicOutput::partial_path`] (GStreamer sinks, encoders) or with
    /// [`AtomicOutput::write_all`].
    pub fn new(dest: &Path) -> Self {
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".to_owned());
        let partial = dest.with_file_name(format!(
            ".{name}.{}-{:08x}{PARTIAL_SUFFIX}",
            std::process::id(),
            rand::rng().next_u32()
        ));
        Self {
            dest: dest.to_path_buf(),
            partial,
            committed: false,
        }
    }

    pub fn partial_path(&self) -> &Path {
        &self.partial
    }

    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// Write all of `bytes` to the partial file.
    pub fn write_all(&self, bytes: &[u8]) -> std::io::Result<()> {
        let mut file = File::create(&self.partial)?;
        file.write_all(bytes)
    }

    /// Flush the finished file to disk, move it into place and flush the directory entry.
    pub fn commit(mut self) -> std::io::Result<PathBuf> {
        File::open(&self.partial)?.sync_all()?;
        std::fs::rename(&self.partial, &self.dest)?;
        self.committed = true;
        sync_dir(&self.dest);
        Ok(self.dest.clone())
    }
}

/// Flush a directory entry (after a rename) where the platform allows it; a failure only loses
/// durability of the rename, never data, so it is logged.
fn sync_dir(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        if let Err(e) = File::open(dir).and_then(|d| d.sync_all()) {
            tracing::debug!(dir = %dir.display(), "could not flush the directory: {e}");
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

impl Drop for AtomicOutput {
    fn drop(&mut self) {
        if !self.committed && self.partial.exists() {
            if let Err(e) = std::fs::remove_file(&self.partial) {
                tracing::warn!(
                    "could not remove partial output {}: {e}",
                    self.partial.display()
                );
            }
        }
    }
}

/// Write `bytes` to `dest` crash-safely, making its folder when it is missing.
pub fn write_atomic(dest: &Path, bytes: &[u8]) -> std::io::Result<PathBuf> {
    if let Some(dir) = dest.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let out = AtomicOutput::new(dest);
    out.write_all(bytes)?;
    out.commit()
}

#[cfg(test)]
mod tests {
    use super::{write_atomic, AtomicOutput, PARTIAL_SUFFIX};

    #[test]
    fn uncommitted_outputs_are_removed_and_committed_ones_appear() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("clip.mp4");
        {
            let out = AtomicOutput::new(&dest);
            assert!(out
                .partial_path()
                .to_string_lossy()
                .ends_with(PARTIAL_SUFFIX));
            out.write_all(b"half").unwrap();
            assert!(!dest.exists());
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        write_atomic(&dest, b"whole").unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"whole");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
