//! The speech models on this machine: ggml Whisper files in the models directory. Lists them,
//! imports a file the user picks, and downloads a chosen model with resume, size and SHA-256
//! checks. Nothing is installed until it has been checked whole.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::ggml::{self, ModelShape};
use super::SpeechError;
use crate::jobs::CancelToken;
use crate::text::printable_path;

/// Where the catalogue's models are fetched from unless the user configures another address.
pub const DEFAULT_BASE_URL: &str = "https://huggingface.co/ggerganov/whisper.cpp/resolve/main";

const PREFIX: &str = "ggml-";
const SUFFIX: &str = ".bin";
const DOWNLOADING: &str = ".download";

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct InstalledModel {
    pub name: String,
    /// The file, as text (for showing; the store finds models by name).
    pub path: String,
    #[ts(type = "number")]
    pub size_bytes: u64,
    pub shape: ModelShape,
}

/// A model the app offers to download.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CatalogueModel {
    pub name: &'static str,
    pub size_mb: u32,
    pub english_only: bool,
    pub recommended: bool,
    /// Why one would pick it.
    pub note: &'static str,
}

/// The standard whisper.cpp models worth offering on a laptop. Base and small are recommended:
/// tiny mishears names and numbers, medium and large are several times slower on a CPU for a
/// small gain in short-form speech.
pub const CATALOGUE: &[CatalogueModel] = &[
    CatalogueModel {
        name: "tiny.en",
        size_mb: 75,
        english_only: true,
        recommended: false,
        note: "fastest; drafts only, mishears names and numbers",
    },
    CatalogueModel {
        name: "base.en",
        size_mb: 142,
        english_only: true,
        recommended: true,
        note: "recommended for English on most laptops: fast, good captions",
    },
    CatalogueModel {
        name: "base",
        size_mb: 142,
        english_only: false,
        recommended: true,
        note: "recommended for other languages on most laptops",
    },
    CatalogueModel {
        name: "small.en",
        size_mb: 466,
        english_only: true,
        recommended: true,
        note: "recommended for English when accuracy matters; about 3× slower than base",
    },
    CatalogueModel {
        name: "small",
        size_mb: 466,
        english_only: false,
        recommended: true,
        note: "recommended for other languages when accuracy matters",
    },
    CatalogueModel {
        name: "medium",
        size_mb: 1463,
        english_only: false,
        recommended: false,
        note: "slow on a CPU; for difficult audio",
    },
    CatalogueModel {
        name: "large-v3-turbo",
        size_mb: 1549,
        english_only: false,
        recommended: false,
        note: "most accurate; needs a fast machine",
    },
];

/// What to download.
#[derive(Debug, Clone)]
pub struct DownloadRequest {
    pub name: String,
    pub url: String,
    /// Expected SHA-256 (hex); when absent, the one the server declares (Hugging Face's
    /// `X-Linked-Etag`) is used, and with neither the download is refused.
    pub sha256: Option<String>,
    /// Expected size in bytes, when known.
    pub size: Option<u64>,
}

impl DownloadRequest {
    /// A catalogue model from `base_url` (the default host when `None`).
    pub fn catalogue(name: &str, base_url: Option<&str>) -> Self {
        let base = base_url.unwrap_or(DEFAULT_BASE_URL).trim_end_matches('/');
        Self {
            name: name.to_owned(),
            url: format!("{base}/{PREFIX}{name}{SUFFIX}"),
            sha256: None,
            size: None,
        }
    }
}

/// Where catalogue models are downloaded from: the address the user set, or the default host.
pub fn download_source(library: &crate::library::Library) -> Result<String, SpeechError> {
    Ok(library
        .setting(crate::library::settings::MODELS_BASE_URL)?
        .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned()))
}

/// Download catalogue models from `address` (a folder holding `ggml-{name}.bin` files, such as a
/// company mirror), or from the default host again with `None`. Returns the address now used.
pub fn set_download_source(
    library: &crate::library::Library,
    address: Option<&str>,
) -> Result<String, SpeechError> {
    let key = crate::library::settings::MODELS_BASE_URL;
    let Some(text) = address.map(str::trim).filter(|t| !t.is_empty()) else {
        library.clear_setting(key)?;
        return download_source(library);
    };
    let refuse = |reason: &str| SpeechError::Address {
        text: crate::text::printable(text),
        reason: reason.to_owned(),
    };
    let url = url::Url::parse(text).map_err(|e| refuse(&e.to_string()))?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(refuse("only http and https addresses are downloaded from"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(refuse("it names no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        // It would be kept in the library in the clear; the error does not repeat it either.
        let mut shown = url.clone();
        let _ = shown.set_username("");
        let _ = shown.set_password(None);
        return Err(SpeechError::Address {
            text: shown.to_string(),
            reason: "it carries a user name or password".into(),
        });
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(refuse(
            "model names are added after it, so it cannot carry ? or #",
        ));
    }
    let address = url.as_str().trim_end_matches('/').to_owned();
    library.set_setting(key, &address)?;
    Ok(address)
}

pub struct ModelStore {
    dir: PathBuf,
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

impl ModelStore {
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{PREFIX}{name}{SUFFIX}"))
    }

    fn write_error(&self, path: &Path) -> impl FnOnce(std::io::Error) -> SpeechError {
        let path = printable_path(path);
        move |source| SpeechError::Write { path, source }
    }

    /// Installed models, by name. Files that are not models are left alone and not listed.
    pub fn list(&self) -> Result<Vec<InstalledModel>, SpeechError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(SpeechError::Read {
                    path: printable_path(&self.dir),
                    source,
                })
            }
        };
        let mut models = Vec::new();
        for entry in entries.flatten() {
            let file_name = entry.file_name().to_string_lossy().into_owned();
            let Some(name) = file_name
                .strip_prefix(PREFIX)
                .and_then(|n| n.strip_suffix(SUFFIX))
            else {
                continue;
            };
            match self.describe(name, &entry.path()) {
                Ok(model) => models.push(model),
                Err(e) => tracing::warn!("skipping {file_name} in the models folder: {e}"),
            }
        }
        models.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(models)
    }

    fn describe(&self, name: &str, path: &Path) -> Result<InstalledModel, SpeechError> {
        let shape = ggml::shape(path)?;
        let size_bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        Ok(InstalledModel {
            name: name.to_owned(),
            path: printable_path(path),
            size_bytes,
            shape,
        })
    }

    /// The installed model called `name`, with its file.
    pub fn find(&self, name: &str) -> Result<(InstalledModel, PathBuf), SpeechError> {
        let unknown = || SpeechError::UnknownModel {
            name: name.to_owned(),
        };
        if !valid_name(name) {
            return Err(unknown());
        }
        let path = self.file(name);
        if !path.is_file() {
            return Err(unknown());
        }
        Ok((self.describe(name, &path)?, path))
    }

    /// The model to use when none is named: the most accurate of the recommended sizes that is
    /// installed, else any installed model.
    pub fn preferred(&self) -> Result<(InstalledModel, PathBuf), SpeechError> {
        let installed = self.list()?;
        let rank = |m: &InstalledModel| match m.name.as_str() {
            "small.en" => 0,
            "small" => 1,
            "base.en" => 2,
            "base" => 3,
            "tiny.en" => 4,
            "tiny" => 5,
            _ => 6,
        };
        let best = installed
            .iter()
            .min_by_key(|m| rank(m))
            .ok_or(SpeechError::NoModel)?;
        self.find(&best.name)
    }

    /// Copy a model file the user picked into the store, under `name` (its file name without
    /// `ggml-` and `.bin` when not given). The file is checked first; the copy is crash-safe.
    pub fn import(&self, source: &Path, name: Option<&str>) -> Result<InstalledModel, SpeechError> {
        ggml::shape(source)?;
        let derived = source
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = name
            .map(str::to_owned)
            .unwrap_or_else(|| derived.strip_prefix(PREFIX).unwrap_or(&derived).to_owned());
        if !valid_name(&name) {
            return Err(SpeechError::NotAModel {
                path: printable_path(source),
                reason: format!("{name:?} cannot be a model name (use letters, digits, . - _)"),
            });
        }
        std::fs::create_dir_all(&self.dir).map_err(self.write_error(&self.dir))?;
        let dest = self.file(&name);
        let out = crate::fsutil::AtomicOutput::new(&dest);
        std::fs::copy(source, out.partial_path()).map_err(self.write_error(&dest))?;
        out.commit().map_err(self.write_error(&dest))?;
        self.describe(&name, &dest)
    }

    /// Remove an installed model.
    pub fn remove(&self, name: &str) -> Result<(), SpeechError> {
        let (_, path) = self.find(name)?;
        std::fs::remove_file(&path).map_err(self.write_error(&path))
    }

    /// Download a model. An interrupted download resumes where it stopped (the partial file is
    /// kept next to the models); a wrong size or checksum removes it. `progress` gets bytes done
    /// and the total when known.
    pub fn download(
        &self,
        request: &DownloadRequest,
        cancel: &CancelToken,
        mut progress: impl FnMut(u64, Option<u64>),
    ) -> Result<InstalledModel, SpeechError> {
        let name = request.name.as_str();
        let failed = |detail: String| SpeechError::Download {
            name: name.to_owned(),
            detail,
        };
        if !valid_name(name) {
            return Err(failed(format!("{name:?} is not a model name")));
        }
        std::fs::create_dir_all(&self.dir).map_err(self.write_error(&self.dir))?;
        let dest = self.file(name);
        let partial = dest.with_file_name(format!("{PREFIX}{name}{SUFFIX}{DOWNLOADING}"));
        let have = std::fs::metadata(&partial).map_or(0, |m| m.len());

        let client = reqwest::blocking::Client::builder()
            .connect_timeout(Duration::from_secs(20))
            // Each read waits at most this long (blocking client): a stalled transfer fails
            // instead of hanging, and the partial file resumes next time.
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| failed(e.to_string()))?;
        let mut asked = client.get(&request.url);
        if have > 0 {
            asked = asked.header(reqwest::header::RANGE, format!("bytes={have}-"));
        }
        let mut response = asked.send().map_err(|e| failed(plain_network_error(e)))?;
        let status = response.status();
        let resumed = status == reqwest::StatusCode::PARTIAL_CONTENT;
        if status == reqwest::StatusCode::RANGE_NOT_SATISFIABLE {
            // The partial file is longer than the file offered: start again next time.
            std::fs::remove_file(&partial).map_err(self.write_error(&partial))?;
            return Err(failed(
                "the partial download did not match the file offered; it was removed".into(),
            ));
        }
        if !status.is_success() {
            return Err(failed(format!("the server answered {status}")));
        }
        let headers = response.headers();
        let total = if resumed {
            headers
                .get(reqwest::header::CONTENT_RANGE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit('/').next())
                .and_then(|v| v.parse::<u64>().ok())
        } else {
            response.content_length()
        }
        .or(request.size);
        let declared = headers
            .get("x-linked-etag")
            .or_else(|| headers.get(reqwest::header::ETAG))
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.trim_start_matches("W/")
                    .trim_matches('"')
                    .to_ascii_lowercase()
            })
            .filter(|v| v.len() == 64 && v.chars().all(|c| c.is_ascii_hexdigit()));
        let Some(expected_sha) = request
            .sha256
            .as_ref()
            .map(|s| s.trim().to_ascii_lowercase())
            .or(declared)
        else {
            return Err(failed(
                "the server does not say what the file's SHA-256 is, so it could not be checked; give the checksum".into(),
            ));
        };
        if let (Some(expected), Some(total)) = (request.size, total) {
            if expected != total {
                return Err(SpeechError::Size {
                    name: name.to_owned(),
                    expected,
                    found: total,
                });
            }
        }

        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(resumed)
            .write(true)
            .truncate(!resumed)
            .open(&partial)
            .map_err(self.write_error(&partial))?;
        let mut done = if resumed { have } else { 0 };
        progress(done, total);
        let mut buffer = vec![0u8; 256 * 1024];
        loop {
            if cancel.is_cancelled() {
                return Err(SpeechError::Cancelled);
            }
            let read = response.read(&mut buffer).map_err(|e| {
                failed(format!(
                    "the connection broke after {done} bytes ({e}); download again to resume"
                ))
            })?;
            if read == 0 {
                break;
            }
            file.write_all(&buffer[..read])
                .map_err(self.write_error(&partial))?;
            done += read as u64;
            progress(done, total);
        }
        file.sync_all().map_err(self.write_error(&partial))?;
        drop(file);
        if let Some(total) = total {
            if done < total {
                return Err(failed(format!(
                    "the connection ended after {done} of {total} bytes; download again to resume"
                )));
            }
        }
        let expected_size = request.size.or(total);
        if let Some(expected) = expected_size {
            if done != expected {
                std::fs::remove_file(&partial).map_err(self.write_error(&partial))?;
                return Err(SpeechError::Size {
                    name: name.to_owned(),
                    expected,
                    found: done,
                });
            }
        }
        let found_sha = sha256_of(&partial)?;
        if found_sha != expected_sha {
            std::fs::remove_file(&partial).map_err(self.write_error(&partial))?;
            return Err(SpeechError::Checksum {
                name: name.to_owned(),
                expected: expected_sha,
                found: found_sha,
            });
        }
        if let Err(e) = ggml::shape(&partial) {
            std::fs::remove_file(&partial).map_err(self.write_error(&partial))?;
            return Err(e);
        }
        std::fs::rename(&partial, &dest).map_err(self.write_error(&dest))?;
        self.describe(name, &dest)
    }
}

/// The SHA-256 of a file, hex.
pub fn sha256_of(path: &Path) -> Result<String, SpeechError> {
    let mut file = std::fs::File::open(path).map_err(|source| SpeechError::Read {
        path: printable_path(path),
        source,
    })?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).map_err(|source| SpeechError::Read {
        path: printable_path(path),
        source,
    })?;
    Ok(hex::encode(hasher.finalize()))
}

/// A network error in words, without the URL's query (which could carry a token).
fn plain_network_error(e: reqwest::Error) -> String {
    if e.is_connect() {
        "could not connect to the server".into()
    } else if e.is_timeout() {
        "the server did not answer in time".into()
    } else {
        e.without_url().to_string()
    }
}
