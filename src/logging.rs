//! Tracing to stderr and to a daily-rotated log file.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter, Layer};

/// Environment variable with a `tracing` filter (e.g. `debug`, `edit_factory=trace`).
pub const LOG_ENV: &str = "EDIT_FACTORY_LOG";

/// How many rotated daily log files are kept.
const KEPT_LOG_FILES: usize = 14;

#[derive(Debug, thiserror::Error)]
pub enum LoggingError {
    #[error("could not create the log directory {dir}: {source}")]
    CreateDir { dir: String, source: std::io::Error },
    #[error("could not open the log file in {dir}: {source}")]
    Appender {
        dir: String,
        source: tracing_appender::rolling::InitError,
    },
    #[error("invalid log filter {filter:?}: {source}")]
    Filter {
        filter: String,
        source: tracing_subscriber::filter::ParseError,
    },
}

/// Keeps the background log writer alive; logs are flushed when it is dropped.
pub struct LogGuard {
    _file: Option<WorkerGuard>,
}

/// Install the global subscriber. `stderr_level` is the default filter for stderr (the file always
/// gets `info` and up unless `EDIT_FACTORY_LOG` says otherwise). `file_prefix` names the log file.
pub fn init(
    log_dir: Option<&Path>,
    file_prefix: &str,
    stderr_level: &str,
) -> Result<LogGuard, LoggingError> {
    let env_filter = std::env::var(LOG_ENV).ok().filter(|v| !v.is_empty());
    let parse = |text: &str| {
        EnvFilter::try_new(text).map_err(|source| LoggingError::Filter {
            filter: text.to_owned(),
            source,
        })
    };
    let stderr_filter = parse(env_filter.as_deref().unwrap_or(stderr_level))?;
    let stderr_layer = fmt::layer()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_filter(stderr_filter);

    let mut file_guard = None;
    let file_layer = match log_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|source| LoggingError::CreateDir {
                dir: dir.display().to_string(),
                source,
            })?;
            let appender = RollingFileAppender::builder()
                .rotation(Rotation::DAILY)
                .filename_prefix(file_prefix)
                .filename_suffix("log")
                .max_log_files(KEPT_LOG_FILES)
                .build(dir)
                .map_err(|source| LoggingError::Appender {
                    dir: dir.display().to_string(),
                    source,
                })?;
            let (writer, guard) = tracing_appender::non_blocking(appender);
            file_guard = Some(guard);
            Some(
                fmt::layer()
                    .with_writer(writer)
                    .with_ansi(false)
                    .with_filter(parse(env_filter.as_deref().unwrap_or("info"))?),
            )
        }
        None => None,
    };

    // A second init (tests, embedding) keeps the first subscriber; that is not an error.
    let _ = tracing_subscriber::registry()
        .with(stderr_layer)
        .with(file_layer)
        .try_init();
    route_glib_messages();
    Ok(LogGuard { _file: file_guard })
}

/// GLib and GStreamer print their warnings straight to stderr (a damaged MKV makes the demuxer
/// warn before the error we report); send them to the log instead, so a creator reads one
/// `error:` line and the detail stays in the log file.
fn route_glib_messages() {
    use gstreamer::glib;
    glib::log_set_default_handler(|domain, level, message| {
        let domain = domain.unwrap_or("glib");
        match level {
            glib::LogLevel::Error | glib::LogLevel::Critical => {
                tracing::error!(target: "glib", %domain, "{message}")
            }
            glib::LogLevel::Warning => tracing::warn!(target: "glib", %domain, "{message}"),
            glib::LogLevel::Message | glib::LogLevel::Info => {
                tracing::info!(target: "glib", %domain, "{message}")
            }
            glib::LogLevel::Debug => tracing::debug!(target: "glib", %domain, "{message}"),
        }
    });
}
