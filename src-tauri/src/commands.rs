//! Tauri commands: argument checking and a call into the engine each. Ids from the UI are parsed
//! as UUIDs before use; file paths come only from the OS file dialog or drag-and-drop.

use std::path::PathBuf;

use edit_factory::jobs::{kinds, Job};
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

/// The event carrying a [`Job`] snapshot whenever this app's workers change a job.
pub const JOB_EVENT: &str = "job-updated";

/// Import files and folders the user picked in the OS dialog or dropped on the window: queued as
/// a durable import job that the background workers run (progress arrives as job events).
#[tauri::command]
pub fn import_start(
    state: State<'_, AppState>,
    project_id: String,
    paths: Vec<String>,
) -> CommandResult<Job> {
    let project_id = parse_id(&project_id)?;
    state.library.project(&project_id)?;
    let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
    Ok(state
        .library
        .jobs()
        .enqueue(&kinds::import_job(&project_id, &paths))?)
}

/// Re-check a project's source files (moved or changed) as a job.
#[tauri::command]
pub fn verify_start(state: State<'_, AppState>, project_id: String) -> CommandResult<Job> {
    let project_id = parse_id(&project_id)?;
    state.library.project(&project_id)?;
    Ok(state
        .library
        .jobs()
        .enqueue(&kinds::verify_job(&project_id))?)
}

/// Active jobs and the most recent finished ones (from any process using this library).
#[tauri::command]
pub fn jobs_list(state: State<'_, AppState>) -> CommandResult<Vec<Job>> {
    Ok(state.library.jobs().list(20)?)
}

#[tauri::command]
pub fn job_cancel(state: State<'_, AppState>, job_id: String) -> CommandResult<Job> {
    Ok(state.library.jobs().request_cancel(&parse_id(&job_id)?)?)
}

#[tauri::command]
pub fn job_retry(state: State<'_, AppState>, job_id: String) -> CommandResult<Job> {
    Ok(state.library.jobs().retry(&parse_id(&job_id)?)?)
}
