//! Where Edit Factory keeps its files by default (OS conventions via `directories`).

use std::path::PathBuf;

use directories::ProjectDirs;

/// Environment variable that overrides the library directory (same as `--library`).
pub const LIBRARY_ENV: &str = "EDIT_FACTORY_LIBRARY";

#[derive(Debug, thiserror::Error)]
#[error("could not determine the home directory for application data; pass --library DIR or set {LIBRARY_ENV}")]
pub struct NoHomeDir;

fn project_dirs() -> Result<ProjectDirs, NoHomeDir> {
    ProjectDirs::from("app", "EditFactory", "edit-factory").ok_or(NoHomeDir)
}

/// The library directory: an explicit choice, else `EDIT_FACTORY_LIBRARY`, else the OS app-data dir.
pub fn library_dir(explicit: Option<PathBuf>) -> Result<PathBuf, NoHomeDir> {
    if let Some(dir) = explicit {
        return Ok(dir);
    }
    if let Some(dir) = std::env::var_os(LIBRARY_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    Ok(project_dirs()?.data_dir().join("library"))
}

/// Where the machine-wide CPU budget's slot files live: one directory for every Edit Factory
/// process of this user, whatever library each has open.
pub fn cpu_budget_dir() -> Result<PathBuf, NoHomeDir> {
    if let Some(dir) = std::env::var_os(CPU_BUDGET_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    let dirs = project_dirs()?;
    Ok(dirs
        .runtime_dir()
        .unwrap_or_else(|| dirs.cache_dir())
        .join("cpu-slots"))
}

/// Environment variable that moves the CPU budget directory (tests give each run its own).
pub const CPU_BUDGET_ENV: &str = "EDIT_FACTORY_CPU_BUDGET_DIR";

/// The directory for rotating log files.
pub fn log_dir() -> Result<PathBuf, NoHomeDir> {
    let dirs = project_dirs()?;
    Ok(dirs
        .state_dir()
        .unwrap_or_else(|| dirs.data_local_dir())
        .join("logs"))
}

/// Environment variable that moves the speech models directory.
pub const MODELS_ENV: &str = "EDIT_FACTORY_MODELS_DIR";

/// Where speech models (ggml Whisper files) live: `EDIT_FACTORY_MODELS_DIR`, else the OS app-data
/// dir's `models`.
pub fn models_dir() -> Result<PathBuf, NoHomeDir> {
    if let Some(dir) = std::env::var_os(MODELS_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    Ok(project_dirs()?.data_dir().join("models"))
}
