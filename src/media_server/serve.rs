//! Serving one library file: opened without following links, checked to still be the file the
//! library imported, typed from what the probe found (never from its name), with Range support.

use std::fs::File;
use std::path::Path;

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio_util::io::ReaderStream;

use crate::library::sources::Source;

/// The type to send for a source, from its probed container: only media types, so a browser never
/// runs a file as a page or a script whatever its name says.
pub(super) fn media_type(source: &Source) -> &'static str {
    let video = source.has_video;
    match source.container.as_deref() {
        Some("mp4" | "mov" | "m4a") if video => "video/mp4",
        Some("mp4" | "mov" | "m4a") => "audio/mp4",
        Some("webm") if video => "video/webm",
        Some("webm") => "audio/webm",
        Some("matroska") if video => "video/x-matroska",
        Some("matroska") => "audio/x-matroska",
        Some("ogg") if video => "video/ogg",
        Some("ogg") => "audio/ogg",
        Some("wav") => "audio/wav",
        Some("mp3") => "audio/mpeg",
        Some("flac") => "audio/flac",
        Some("mpegts") => "video/mp2t",
        Some("avi") => "video/x-msvideo",
        _ if video => "video/mp4",
        _ => "application/octet-stream",
    }
}

/// Why a stored file is not served.
pub(super) enum Refusal {
    /// Gone, or unreadable now.
    Missing,
    /// Something else is at the path now (replaced, edited, or swapped for a link).
    Changed(&'static str),
}

/// Open the source's file as imported: no links (import stored the real path, so a link there now
/// was put in its place), and the same size and modification time, or, when only the time moved,
/// the same content.
pub(super) fn open_checked(source: &Source) -> Result<File, Refusal> {
    let path = Path::new(&source.path);
    let link = std::fs::symlink_metadata(path).map_err(|_| Refusal::Missing)?;
    if link.file_type().is_symlink() {
        return Err(Refusal::Changed("the file was replaced by a link"));
    }
    let file = open_no_follow(path).map_err(|_| Refusal::Missing)?;
    let meta = file.metadata().map_err(|_| Refusal::Missing)?;
    source.unchanged(&meta).map_err(Refusal::Changed)?;
    Ok(file)
}

pub(super) fn open_no_follow(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Closes the gap between the link check above and the open.
        options.custom_flags(libc::O_NOFOLLOW);
    }
    options.open(path)
}

/// Answer a GET for `file` (`len` bytes): the whole file, or the one range asked for.
pub(super) async fn respond(
    file: File,
    len: u64,
    content_type: &'static str,
    request_headers: &HeaderMap,
) -> Response {
    let range = request_headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(|text| http_range_header::parse_range_header(text).and_then(|r| r.validate(len)));
    let (status, start, end) = match range {
        None => (StatusCode::OK, 0, len.saturating_sub(1)),
        Some(Ok(ranges)) if ranges.len() == 1 => (
            StatusCode::PARTIAL_CONTENT,
            *ranges[0].start(),
            *ranges[0].end(),
        ),
        // Several ranges at once are rare for media; the whole file is a valid answer.
        Some(Ok(_)) => (StatusCode::OK, 0, len.saturating_sub(1)),
        Some(Err(_)) => {
            let mut response = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
            if let Ok(value) = HeaderValue::from_str(&format!("bytes */{len}")) {
                response.headers_mut().insert(header::CONTENT_RANGE, value);
            }
            return response;
        }
    };
    let count = if len == 0 { 0 } else { end - start + 1 };
    let mut file = tokio::fs::File::from_std(file);
    if let Err(e) = file.seek(std::io::SeekFrom::Start(start)).await {
        tracing::error!("media server could not seek: {e}");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let body = Body::from_stream(ReaderStream::new(file.take(count)));
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Ok(value) = HeaderValue::from_str(&count.to_string()) {
        headers.insert(header::CONTENT_LENGTH, value);
    }
    if status == StatusCode::PARTIAL_CONTENT {
        if let Ok(value) = HeaderValue::from_str(&format!("bytes {start}-{end}/{len}")) {
            headers.insert(header::CONTENT_RANGE, value);
        }
    }
    response
}
