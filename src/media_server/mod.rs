//! The loopback media server: library media to the webview over `http://127.0.0.1`.
//!
//! WebKitGTK cannot play video from `asset://` (SPEC §8), so the app serves its library here:
//! bound to 127.0.0.1 only, a random per-session secret in every URL, items addressed by library
//! id (never by path), with HTTP Range support for seeking. A file is served only while it is still
//! the one imported (409 otherwise), with the media type its probe found and headers that keep a
//! browser from ever treating it as a page.

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::sync::Arc;
use std::thread::JoinHandle;

mod serve;

use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use rand::RngCore;
use tokio::sync::oneshot;

use crate::library::{parse_id, Library, LibraryError};

#[derive(Debug, thiserror::Error)]
pub enum MediaServerError {
    #[error("could not open a loopback port for the media server: {0}")]
    Bind(std::io::Error),
    #[error("could not start the media server's runtime: {0}")]
    Runtime(std::io::Error),
}

/// What the server can hand out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    /// The source file itself (video or audio), with Range support.
    Media,
    /// The source's JPEG thumbnail.
    Thumbnail,
    /// Its filmstrip once a job has made it (`media::filmstrip`), or the part made so far.
    Filmstrip,
    /// The peaks of its sound (`media::waveform`), once the analysis or a job has drawn them.
    Waveform,
    /// The same through the denoiser the export's "reduce background noise" runs.
    DenoisedWaveform,
    /// Its small preview copy, once a job has made it (`media::proxy`), with Range support.
    Proxy,
}

impl MediaKind {
    fn from_segment(text: &str) -> Option<Self> {
        match text {
            "media" => Some(Self::Media),
            "thumbnail" => Some(Self::Thumbnail),
            "filmstrip" => Some(Self::Filmstrip),
            "waveform" => Some(Self::Waveform),
            "waveform-denoised" => Some(Self::DenoisedWaveform),
            "proxy" => Some(Self::Proxy),
            _ => None,
        }
    }

    fn segment(self) -> &'static str {
        match self {
            Self::Media => "media",
            Self::Thumbnail => "thumbnail",
            Self::Filmstrip => "filmstrip",
            Self::Waveform => "waveform",
            Self::DenoisedWaveform => "waveform-denoised",
            Self::Proxy => "proxy",
        }
    }
}

pub struct MediaServer {
    addr: SocketAddr,
    secret: String,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

struct ServerState {
    library: Arc<Library>,
    secret: String,
}

impl MediaServer {
    /// Start serving `library` on a free loopback port, on a thread of its own.
    pub fn start(library: Arc<Library>) -> Result<Self, MediaServerError> {
        let listener =
            TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(MediaServerError::Bind)?;
        listener
            .set_nonblocking(true)
            .map_err(MediaServerError::Bind)?;
        let addr = listener.local_addr().map_err(MediaServerError::Bind)?;
        let secret = new_secret();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
            .map_err(MediaServerError::Runtime)?;
        let state = Arc::new(ServerState {
            library,
            secret: secret.clone(),
        });
        let app = Router::new()
            .route("/{secret}/sources/{id}/{kind}", get(serve_source))
            .fallback(|| async { StatusCode::NOT_FOUND })
            .with_state(state);
        let (shutdown, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("media-server".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let listener = match tokio::net::TcpListener::from_std(listener) {
                        Ok(l) => l,
                        Err(e) => {
                            tracing::error!("media server could not listen: {e}");
                            return;
                        }
                    };
                    let served = axum::serve(listener, app)
                        .with_graceful_shutdown(async {
                            // A dropped sender also means "stop".
                            let _ = stopped.await;
                        })
                        .await;
                    if let Err(e) = served {
                        tracing::error!("media server stopped with an error: {e}");
                    }
                });
            })
            .map_err(MediaServerError::Runtime)?;
        tracing::info!(%addr, "media server listening");
        Ok(Self {
            addr,
            secret,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/SECRET`: every URL the server answers starts with this.
    pub fn base_url(&self) -> String {
        format!("http://{}/{}", self.addr, self.secret)
    }

    pub fn source_url(&self, source_id: &str, kind: MediaKind) -> String {
        format!("{}/sources/{source_id}/{}", self.base_url(), kind.segment())
    }
}

impl Drop for MediaServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            // The server may already have stopped on its own; then there is nobody to tell.
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                tracing::error!("media server thread panicked");
            }
        }
    }
}

fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Compare secrets in time independent of where they differ.
fn secret_matches(given: &str, expected: &str) -> bool {
    given.len() == expected.len()
        && given
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

async fn serve_source(
    State(state): State<Arc<ServerState>>,
    Path((secret, id, kind)): Path<(String, String, String)>,
    request: Request,
) -> Response {
    if !secret_matches(&secret, &state.secret) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let (Ok(id), Some(kind)) = (parse_id(&id), MediaKind::from_segment(&kind)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let library = state.library.clone();
    let opened = tokio::task::spawn_blocking(move || open(&library, &id, kind)).await;
    let (file, len, content_type, cache) = match opened {
        Ok(Ok(found)) => found,
        Ok(Err((status, reason))) => return (status, reason).into_response(),
        Err(e) => {
            tracing::error!("media server lookup task failed: {e}");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let request_origin = request.headers().get(header::ORIGIN).cloned();
    let mut response = serve::respond(file, len, content_type, request.headers()).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Were a file ever opened as a page, it could run nothing and reach nothing.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    // The app's own page may read what it asked for (the window fetches waveforms); no other
    // origin may, and the secret is needed anyway.
    if let Some(origin) = app_origin(request_origin.as_ref()) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
    headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    response
}

/// The origins the app's window loads from: Tauri's custom scheme on Linux and macOS, and its
/// http(s) form on Windows.
const APP_ORIGINS: &[&str] = &[
    "tauri://localhost",
    "http://tauri.localhost",
    "https://tauri.localhost",
];

fn app_origin(origin: Option<&HeaderValue>) -> Option<HeaderValue> {
    origin
        .filter(|o| {
            APP_ORIGINS
                .iter()
                .any(|allowed| o.as_bytes() == allowed.as_bytes())
        })
        .cloned()
}

type Opened = (std::fs::File, u64, &'static str, &'static str);

/// An HTTP status and the reason given with it.
type Refused = (StatusCode, &'static str);

const NOT_FOUND: Refused = (StatusCode::NOT_FOUND, "");
const FAILED: Refused = (StatusCode::INTERNAL_SERVER_ERROR, "");

/// Find and open what `id` names.
fn open(library: &Library, id: &str, kind: MediaKind) -> Result<Opened, Refused> {
    let source = match library.source(id) {
        Ok(source) => source,
        Err(LibraryError::NotFound { .. }) => return Err(NOT_FOUND),
        Err(e) => {
            tracing::error!("media server lookup failed: {e}");
            return Err(FAILED);
        }
    };
    match kind {
        MediaKind::Media => match serve::open_checked(&source) {
            Ok(file) => Ok((
                file,
                source.size_bytes,
                serve::media_type(&source),
                "private, no-cache",
            )),
            Err(serve::Refusal::Missing) => Err(NOT_FOUND),
            Err(serve::Refusal::Changed(reason)) => {
                tracing::warn!(source = %source.id, "not serving: {reason}");
                Err((StatusCode::CONFLICT, reason))
            }
        },
        MediaKind::Thumbnail => {
            let path = match library.source_thumbnail_path(id) {
                Ok(Some(path)) => path,
                Ok(None) => return Err(NOT_FOUND),
                Err(e) => {
                    tracing::error!("media server lookup failed: {e}");
                    return Err(FAILED);
                }
            };
            let file = serve::open_no_follow(&path).map_err(|_| NOT_FOUND)?;
            let len = file.metadata().map_err(|_| NOT_FOUND)?.len();
            // A thumbnail's name is its source's id and it is rewritten only on re-import.
            Ok((file, len, "image/jpeg", "private, max-age=60"))
        }
        MediaKind::Filmstrip => {
            if !source.has_video {
                return Err(NOT_FOUND);
            }
            // Made by a job (the editor asks for it), never inside a request: a long file's takes
            // as long as decoding it.
            if let Ok((file, len)) = open_kept(&library.filmstrip_path(&source.content_hash)) {
                // Kept per content: a changed file is a new content hash, hence a new strip.
                return Ok((file, len, "image/jpeg", "private, max-age=86400"));
            }
            // While the job runs: the tiles made so far, the rest transparent.
            let (file, len) = open_kept(&library.partial_filmstrip_path(&source.content_hash))?;
            Ok((file, len, "image/png", "no-store"))
        }
        MediaKind::Proxy => {
            // Made by a job, never inside a request: it takes as long as a render.
            let (file, len) = open_kept(&library.proxy_path(&source.content_hash))?;
            Ok((file, len, "video/mp4", "private, max-age=86400"))
        }
        MediaKind::Waveform | MediaKind::DenoisedWaveform => {
            if !source.has_audio {
                return Err(NOT_FOUND);
            }
            let denoised = kind == MediaKind::DenoisedWaveform;
            // Drawn by the analysis or by a Waveform job, never inside a request.
            let path = library.waveform_path(&source.content_hash, denoised);
            let (file, len) = open_kept(&path)?;
            Ok((
                file,
                len,
                "application/octet-stream",
                "private, max-age=86400",
            ))
        }
    }
}

fn open_kept(path: &std::path::Path) -> Result<(std::fs::File, u64), Refused> {
    let file = serve::open_no_follow(path).map_err(|_| NOT_FOUND)?;
    let len = file.metadata().map_err(|_| NOT_FOUND)?.len();
    Ok((file, len))
}

#[cfg(test)]
mod tests {
    use super::secret_matches;

    #[test]
    fn secrets_compare_whole() {
        assert!(secret_matches("abc", "abc"));
        assert!(!secret_matches("abd", "abc"));
        assert!(!secret_matches("ab", "abc"));
    }
}
