//! A stand-in for the model host that model downloads are tested against.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Arc;

/// A stand-in for the model host (Hugging Face's `resolve` endpoint): serves one file with
/// `Content-Length`, `Range` requests (206 + `Content-Range`) and the file's SHA-256 in
/// `X-Linked-Etag`. The first request can be cut off after `cut_after` bytes.
pub struct ModelHost {
    pub url: String,
    pub ranges: Arc<std::sync::Mutex<Vec<Option<u64>>>>,
}

pub fn model_host(body: Vec<u8>, sha256: String, cut_after: Option<usize>) -> ModelHost {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/ggml-test.bin", listener.local_addr().unwrap());
    let ranges = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = ranges.clone();
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut from = None;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("range: bytes=") {
                    from = value.trim().trim_end_matches('-').parse::<u64>().ok();
                }
            }
            seen.lock().unwrap().push(from);
            let start = from.unwrap_or(0) as usize;
            let header = if from.is_some() {
                format!(
                    "HTTP/1.1 206 Partial Content\r\nContent-Length: {}\r\nContent-Range: bytes {start}-{}/{}\r\nX-Linked-Etag: \"{sha256}\"\r\nConnection: close\r\n\r\n",
                    body.len() - start,
                    body.len() - 1,
                    body.len()
                )
            } else {
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nX-Linked-Etag: \"{sha256}\"\r\nConnection: close\r\n\r\n",
                    body.len()
                )
            };
            let _ = stream.write_all(header.as_bytes());
            let end = match cut_after {
                Some(cut) if n == 0 => cut,
                _ => body.len(),
            };
            let _ = stream.write_all(&body[start..end]);
            let _ = stream.flush();
        }
    });
    ModelHost { url, ranges }
}
