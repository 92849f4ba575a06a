#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("could not create the library directory {dir}: {source}")]
    CreateDir { dir: String, source: std::io::Error },
    #[error("could not open the library database {path}: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
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
}

impl LibraryError {
    /// What the user can do about it, shown under the message in the CLI and the UI.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Self::CreateDir { .. } | Self::Open { .. } => {
                Some("check that the library directory exists and is writable, or choose another with --library")
            }
            Self::Corrupt { .. } => Some("restore the library from a backup; the file was left untouched"),
            Self::Database(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy =>
            {
                Some("another Edit Factory process is writing to this library; try again in a moment")
            }
            Self::NotFound { .. } | Self::InvalidId { .. } => {
                Some("list the existing ones with `edit-factory project list` or `source list`")
            }
            _ => None,
        }
    }
}
