//! Tauri commands: argument checking and a call into the engine each. Ids from the UI are parsed
//! as UUIDs before use; file paths come only from the OS file dialog or drag-and-drop.

use std::path::PathBuf;

use edit_factory::import::ImportReport;
use edit_factory::jobs::{kinds, JobStatus, WorkerConfig, WorkerPool};
use edit_factory::library::parse_id;
use edit_factory::library::profiles::Profile;
use edit_factory::library::projects::Project;
use edit_factory::library::sources::Source;
use edit_factory::user_error::UserError;
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::state::AppState;

type CommandResult<T> = Result<T, UserError>;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AppInfo {
    pub version: String,
    pub library_dir: String,
    /// Every media URL starts with this (loopback server with this session's secret).
    pub media_base_url: String,
}

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        library_dir: state.library.dir().display().to_string(),
        media_base_url: state.media.base_url(),
    }
}

#[tauri::command]
pub fn profiles_list(state: State<'_, AppState>) -> CommandResult<Vec<Profile>> {
    Ok(state.library.profiles()?)
}

#[tauri::command]
pub fn profile_create(state: State<'_, AppState>, name: String) -> CommandResult<Profile> {
    Ok(state.library.create_profile(&name, "")?)
}

/// Switch to a profile: it becomes the default, for this window and the CLI alike.
#[tauri::command]
pub fn profile_select(state: State<'_, AppState>, profile_id: String) -> CommandResult<Profile> {
    Ok(state.library.set_default_profile(&parse_id(&profile_id)?)?)
}

#[tauri::command]
pub fn projects_list(
    state: State<'_, AppState>,
    profile_id: String,
) -> CommandResult<Vec<Project>> {
    Ok(state.library.projects(&parse_id(&profile_id)?)?)
}

#[tauri::command]
pub fn project_create(
    state: State<'_, AppState>,
    profile_id: String,
    name: String,
    target_duration_s: Option<f64>,
) -> CommandResult<Project> {
    Ok(state
        .library
        .create_project(&parse_id(&profile_id)?, &name, target_duration_s)?)
}

#[tauri::command]
pub fn project_rename(
    state: State<'_, AppState>,
    project_id: String,
    name: String,
) -> CommandResult<Project> {
    Ok(state
        .library
        .rename_project(&parse_id(&project_id)?, &name)?)
}

#[tauri::command]
pub fn project_delete(state: State<'_, AppState>, project_id: String) -> CommandResult<()> {
    Ok(state.library.delete_project(&parse_id(&project_id)?)?)
}

#[tauri::command]
pub fn sources_list(state: State<'_, AppState>, project_id: String) -> CommandResult<Vec<Source>> {
    Ok(state.library.project_sources(&parse_id(&project_id)?)?)
}

/// Import files and folders the user picked in the OS dialog or dropped on the window, as a
/// durable import job (it shows in `edit-factory jobs list` and resumes after a crash). Runs off
/// the UI thread; per-file problems come back in the report, not as an error.
#[tauri::command]
pub async fn import_paths(
    state: State<'_, AppState>,
    project_id: String,
    paths: Vec<String>,
) -> CommandResult<ImportReport> {
    let project_id = parse_id(&project_id)?;
    let library = state.library.clone();
    let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
    let job = library
        .jobs()
        .enqueue(&kinds::import_job(&project_id, &paths))?;
    let ended = tauri::async_runtime::spawn_blocking(move || {
        let pool = WorkerPool::new(library.clone(), kinds::registry(), WorkerConfig::from_env());
        pool.run_until_idle(Some(std::slice::from_ref(&job.id)))?;
        library.jobs().get(&job.id)
    })
    .await
    .map_err(|e| UserError::new(format!("the import stopped unexpectedly: {e}"), None))??;
    match (ended.status, ended.result) {
        (JobStatus::Succeeded, Some(result)) => serde_json::from_value(result)
            .map_err(|e| UserError::new(format!("unexpected import result: {e}"), None)),
        (status, _) => Err(UserError::new(
            format!(
                "the import {status}: {}",
                ended.error_message.as_deref().unwrap_or("no detail")
            ),
            Some("see the log for details, then import again; files already imported are kept"),
        )),
    }
}
