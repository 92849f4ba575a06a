//! Expanding the user's selection into the files to import. Folders are walked without ever
//! leaving them through a link, each real folder is visited once (link loops end), special files
//! (named pipes, devices, sockets) are listed as skipped and never opened, and the walk stops as
//! soon as the job is cancelled.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::{ImportFailure, ImportSkip};
use crate::jobs::CancelToken;
use crate::media;
use crate::text::printable_path;

#[derive(Debug, Default)]
pub struct Listing {
    pub files: Vec<PathBuf>,
    pub skipped_non_media: u32,
    pub skipped: Vec<ImportSkip>,
    pub failed: Vec<ImportFailure>,
    /// Cancelled while listing.
    pub stopped: bool,
}

/// Files as given, folders recursively (media extensions only, hidden entries skipped), in a
/// stable order.
pub fn collect_files(paths: &[PathBuf], cancel: &CancelToken) -> Listing {
    let mut listing = Listing::default();
    for path in paths {
        if cancel.is_cancelled() {
            listing.stopped = true;
            break;
        }
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => match path.canonicalize() {
                Ok(root) => walk(&root, cancel, &mut listing),
                Err(e) => listing.failed.push(unreadable(path, &e)),
            },
            // Files (and anything else) given one by one are looked at by the importer, which
            // refuses what is not a regular media file with the reason.
            _ => listing.files.push(path.clone()),
        }
    }
    listing
}

fn walk(root: &Path, cancel: &CancelToken, listing: &mut Listing) {
    let mut visited: HashSet<PathBuf> = HashSet::from([root.to_path_buf()]);
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        if cancel.is_cancelled() {
            listing.stopped = true;
            return;
        }
        let mut entries: Vec<_> = match std::fs::read_dir(&dir) {
            Ok(entries) => entries.filter_map(Result::ok).collect(),
            Err(e) => {
                listing.failed.push(unreadable(&dir, &e));
                continue;
            }
        };
        entries.sort_by_key(|e| e.file_name());
        let mut subdirs = Vec::new();
        for entry in entries {
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let path = entry.path();
            match classify(root, &path) {
                Entry::File if media::has_media_extension(&path) => listing.files.push(path),
                Entry::File => listing.skipped_non_media += 1,
                Entry::Dir(real) => {
                    if visited.insert(real) {
                        subdirs.push(path);
                    }
                }
                Entry::Skip(reason) => listing.skipped.push(ImportSkip {
                    path: printable_path(&path),
                    reason: reason.into(),
                }),
                Entry::Unreadable(e) => listing.failed.push(unreadable(&path, &e)),
            }
        }
        // Depth first, in name order.
        pending.extend(subdirs.into_iter().rev());
    }
}

enum Entry {
    File,
    /// A folder to walk, by its real path.
    Dir(PathBuf),
    Skip(&'static str),
    Unreadable(std::io::Error),
}

fn classify(root: &Path, path: &Path) -> Entry {
    let link = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta.file_type().is_symlink(),
        Err(e) => return Entry::Unreadable(e),
    };
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if link => {
            return if e.raw_os_error() == Some(40) || e.kind() == std::io::ErrorKind::NotFound {
                Entry::Skip("a link that leads nowhere (broken, or pointing to itself)")
            } else {
                Entry::Unreadable(e)
            }
        }
        Err(e) => return Entry::Unreadable(e),
    };
    if meta.is_dir() {
        return match path.canonicalize() {
            Ok(real) if real.starts_with(root) => Entry::Dir(real),
            Ok(_) => Entry::Skip("a link to a folder outside the chosen folder"),
            Err(e) => Entry::Unreadable(e),
        };
    }
    if meta.is_file() {
        return Entry::File;
    }
    Entry::Skip(special_kind(&meta))
}

fn special_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a named pipe, not a file";
        }
        if t.is_socket() {
            return "a socket, not a file";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device, not a file";
        }
    }
    let _ = meta;
    "not a regular file"
}

fn unreadable(path: &Path, e: &std::io::Error) -> ImportFailure {
    ImportFailure {
        path: printable_path(path),
        message: format!("{}: cannot be read: {e}", printable_path(path)),
        hint: Some("check the folder's permissions".into()),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::collect_files;
    use crate::jobs::CancelToken;

    #[test]
    fn links_out_of_the_folder_loops_and_pipes_are_skipped_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("footage");
        std::fs::create_dir_all(root.join("day1")).unwrap();
        std::fs::write(root.join("day1/a.mp4"), b"x").unwrap();
        std::fs::write(root.join("notes.txt"), b"x").unwrap();
        std::os::unix::fs::symlink("/", root.join("root.mp4")).unwrap();
        std::os::unix::fs::symlink("/usr", root.join("usr")).unwrap();
        std::os::unix::fs::symlink(root.join("loop.mp4"), root.join("loop.mp4")).unwrap();
        std::os::unix::fs::symlink(&root, root.join("day1/back")).unwrap();
        std::os::unix::fs::symlink(root.join("day1"), root.join("again")).unwrap();
        let status = std::process::Command::new("mkfifo")
            .arg(root.join("pipe.mp4"))
            .status()
            .unwrap();
        assert!(status.success());

        let listing = collect_files(std::slice::from_ref(&root), &CancelToken::new());
        assert_eq!(
            listing.files,
            vec![root.join("again/a.mp4")],
            "day1 once, by its first name"
        );
        assert_eq!(listing.skipped_non_media, 1);
        let mut reasons: Vec<(String, String)> = listing
            .skipped
            .iter()
            .map(|s| {
                (
                    s.path.rsplit('/').next().unwrap().to_owned(),
                    s.reason.clone(),
                )
            })
            .collect();
        reasons.sort();
        assert_eq!(reasons.len(), 4, "{reasons:?}");
        assert_eq!(reasons[0].0, "loop.mp4");
        assert_eq!(
            reasons[1],
            ("pipe.mp4".into(), "a named pipe, not a file".into())
        );
        assert_eq!(reasons[2].0, "root.mp4");
        assert_eq!(reasons[3].0, "usr");
        assert!(reasons[2].1.contains("outside the chosen folder"));
        assert!(listing.failed.is_empty());
    }

    #[test]
    fn a_cancelled_listing_stops() {
        let token = CancelToken::new();
        token.cancel();
        let listing = collect_files(&[std::path::PathBuf::from("/")], &token);
        assert!(listing.stopped);
        assert!(listing.files.is_empty());
    }
}
