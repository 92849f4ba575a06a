//! Edit Factory desktop shell: Tauri commands and window set-up over the engine. No business
//! logic lives here.

mod commands;
mod state;

use edit_factory::{app_dirs, logging};

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
            let state = state::AppState::open()?;
            tracing::info!(library = %state.library.dir().display(), "Edit Factory started");
            tauri::Manager::manage(app, state);
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
            commands::import_paths,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        tracing::error!("the app stopped with an error: {e}");
        eprintln!("error: Edit Factory could not start: {e}");
        std::process::exit(1);
    }
}
