//! Files a job produces: written under a temporary name next to the destination and renamed only
//! when complete; removed if the job fails or is cancelled (dropped without `commit`).

use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct AtomicOutput {
    dest: PathBuf,
    partial: PathBuf,
    committed: bool,
}

impl AtomicOutput {
    /// Reserve `dest`; write to [`AtomicOutput::partial_path`].
    pub fn new(dest: &Path) -> Self {
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".to_owned());
        let partial = dest.with_file_name(format!(".{name}.{}.partial", std::process::id()));
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

    /// Move the finished file into place.
    pub fn commit(mut self) -> std::io::Result<PathBuf> {
        std::fs::rename(&self.partial, &self.dest)?;
        self.committed = true;
        Ok(self.dest.clone())
    }
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

#[cfg(test)]
mod tests {
    use super::AtomicOutput;

    #[test]
    fn uncommitted_outputs_are_removed_and_committed_ones_appear() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("clip.mp4");
        {
            let out = AtomicOutput::new(&dest);
            std::fs::write(out.partial_path(), b"half").unwrap();
            assert!(!dest.exists());
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let out = AtomicOutput::new(&dest);
        std::fs::write(out.partial_path(), b"whole").unwrap();
        out.commit().unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"whole");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
