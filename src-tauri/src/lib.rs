//! Edit Factory desktop shell: Tauri commands and window set-up over the engine. No business
//! logic lives here.

mod commands;
mod state;

use std::sync::Arc;

use edit_factory::jobs::progress::JobListener;
use edit_factory::jobs::Job;
use edit_factory::{app_dirs, logging};
use tauri::{Emitter, Manager};

pub fn run() {
    let log = logging::init(
        app_dirs::log_dir().ok().as_deref(),
        "edit-factory-app",
        "info",
    );
    let _log_guard = match log {
        Ok(guard) => Some(guard),
        Err(e) => {
            eprintln!("warning: logging to file is off: {e}");
            None
        }
    };
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            let handle = app.handle().clone();
            let on_job: JobListener = Arc::new(move |job: &Job| {
                if let Err(e) = handle.emit(commands::JOB_EVENT, job) {
                    tracing::warn!("could not send a job update to the window: {e}");
                }
            });
            let state = state::AppState::open(on_job)?;
            tracing::info!(library = %state.library.dir().display(), "Edit Factory started");
            app.manage(state);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::profiles_list,
            commands::profile_create,
            commands::profile_select,
            commands::projects_list,
            commands::project_create,
            commands::project_rename,
            commands::project_delete,
            commands::sources_list,
            commands::import_start,
            commands::verify_start,
            commands::jobs_list,
            commands::job_cancel,
            commands::job_retry,
        ])
        .build(tauri::generate_context!())
        .map(|app| {
            app.run(|handle, event| {
                if let tauri::RunEvent::Exit = event {
                    handle.state::<state::AppState>().shutdown();
                }
            })
        });
    if let Err(e) = result {
        tracing::error!("the app stopped with an error: {e}");
        eprintln!("error: Edit Factory could not start: {e}");
        std::process::exit(1);
    }
}
