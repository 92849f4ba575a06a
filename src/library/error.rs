#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("could not create the library directory {dir}: {source}")]
    CreateDir { dir: String, source: std::io::Error },
    #[error("could not open the library database {path}: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    #[error("the library in {dir} cannot be written and holds no library yet")]
    NotWritable { dir: String },
    #[error(
        "the library in {dir} is open read-only (it cannot be written), so nothing can be changed"
    )]
    ReadOnly { dir: String },
    #[error("this library was made by a newer version of Edit Factory (library format {found}; this version knows up to {supported})")]
    TooNew { found: i64, supported: i64 },
    #[error("this library was made by an older version of Edit Factory and must be upgraded, which needs write access (library format {found}, current {supported})")]
    NeedsUpgrade { found: i64, supported: i64 },
    #[error("could not update the library schema: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("the library database is damaged: {report}")]
    Corrupt { report: String },
    #[error("library database error: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("{text:?} is not a valid id")]
    InvalidId { text: String },
    #[error("no {entity} with id {id}")]
    NotFound { entity: &'static str, id: String },
    #[error("{0}")]
    Invalid(String),
    #[error("a profile named {name:?} already exists")]
    DuplicateProfile { name: String },
    #[error("project {name:?} still has {active} job(s) queued or running")]
    ProjectHasJobs { name: String, active: u32 },
}

impl LibraryError {
    /// What the user can do about it, shown under the message in the CLI and the UI.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Self::CreateDir { .. } | Self::Open { .. } | Self::NotWritable { .. } => {
                Some("check that the library directory exists and is writable, or choose another with --library")
            }
            Self::ReadOnly { .. } | Self::NeedsUpgrade { .. } => Some(
                "copy the library directory somewhere you can write, or fix its permissions, then open it again",
            ),
            Self::TooNew { .. } => Some(
                "install the newest Edit Factory to open this library; this version leaves it untouched",
            ),
            Self::Corrupt { .. } => Some("restore the library from a backup; the file was left untouched"),
            Self::Database(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy =>
            {
                Some("another Edit Factory process is writing to this library; try again in a moment")
            }
            Self::NotFound { .. } | Self::InvalidId { .. } => {
                Some("list the existing ones with `edit-factory project list` or `source list`")
            }
            Self::ProjectHasJobs { .. } => Some(
                "cancel the project's jobs (or wait for them to finish), then delete it again",
            ),
            _ => None,
        }
    }

    /// Worth trying again in a moment (another process holds the write lock).
    pub fn is_busy(&self) -> bool {
        matches!(self, Self::Database(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::DatabaseBusy || e.code == rusqlite::ErrorCode::DatabaseLocked)
    }
}
