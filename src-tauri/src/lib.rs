//! Edit Factory desktop shell: Tauri commands and window set-up over the engine. No business
//! logic lives here.

#[cfg(test)]
mod bindings;
mod commands;
mod state;
mod webview_rendering;

use std::sync::Arc;

use edit_factory::jobs::progress::JobListener;
use edit_factory::jobs::JobSummary;
use edit_factory::{app_dirs, logging};
use tauri::{Emitter, Manager};

/// The window's content security policy: everything from the app itself, media and pictures only
/// from this session's media server, no inline styles or scripts.
fn content_security_policy(media_origin: &str) -> String {
    [
        "default-src 'self'".to_owned(),
        "script-src 'self'".to_owned(),
        "style-src 'self'".to_owned(),
        format!("img-src 'self' data: {media_origin}"),
        format!("media-src 'self' {media_origin}"),
        format!("connect-src ipc: http://ipc.localhost {media_origin}"),
        "font-src 'self'".to_owned(),
        "object-src 'none'".to_owned(),
        "base-uri 'none'".to_owned(),
        "form-action 'none'".to_owned(),
    ]
    .join("; ")
}

pub fn run() {
    // Before any thread or the web view: it sets an environment variable WebKit reads.
    let rendering = webview_rendering::choose();
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
    let state = match state::AppState::open() {
        Ok(state) => state,
        Err(e) => {
            tracing::error!("Edit Factory could not start: {e}");
            eprintln!("error: Edit Factory could not start: {e}");
            if let Some(hint) = &e.hint {
                eprintln!("hint: {hint}");
            }
            std::process::exit(1);
        }
    };
    let mut context = tauri::generate_context!();
    let media_origin = format!("http://{}", state.media.addr());
    context.config_mut().app.security.csp = Some(tauri::utils::config::Csp::Policy(
        content_security_policy(&media_origin),
    ));
    tracing::info!(library = %state.library.dir().display(), ?rendering, "Edit Factory starting");
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .setup(|app| {
            let handle = app.handle().clone();
            let on_job: JobListener = Arc::new(move |job: &JobSummary| {
                if let Err(e) = handle.emit(commands::JOB_UPDATED, job) {
                    tracing::warn!("could not send a job update to the window: {e}");
                }
            });
            app.state::<state::AppState>().start_workers(on_job)?;
            Ok(())
        })
        .invoke_handler(commands::handler())
        .build(context)
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

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    fn bindings_dir() -> PathBuf {
        PathBuf::from(std::env::var("TS_RS_EXPORT_DIR").expect("set by .cargo/config.toml"))
    }

    /// Writes `ui/src/bindings/commands.ts`; `make bindings` runs it with ts-rs's own exports.
    #[test]
    fn export_bindings_commands() {
        let text = super::bindings::render(&super::commands::specs(), &super::commands::events());
        let dir = bindings_dir();
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("commands.ts"), text).unwrap();
    }

    /// The permission list (build.rs) and the window's capability name exactly the commands.
    #[test]
    fn every_command_is_permitted_and_nothing_else() {
        let mut declared: Vec<&str> = super::commands::specs().iter().map(|c| c.name).collect();
        declared.sort_unstable();
        let mut listed: Vec<&str> = include!("../command_names.in").to_vec();
        listed.sort_unstable();
        assert_eq!(declared, listed, "src-tauri/command_names.in");
        let capability: serde_json::Value =
            serde_json::from_str(include_str!("../capabilities/default.json")).unwrap();
        let mut allowed: Vec<String> = capability["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| {
                p.as_str()?
                    .strip_prefix("allow-")
                    .map(|c| c.replace('-', "_"))
            })
            .collect();
        allowed.sort_unstable();
        assert_eq!(allowed, listed, "capabilities/default.json");
    }

    #[test]
    fn the_policy_names_only_this_sessions_media_server() {
        let csp = super::content_security_policy("http://127.0.0.1:4321");
        assert!(csp.contains("media-src 'self' http://127.0.0.1:4321;"));
        assert!(!csp.contains("unsafe-inline") && !csp.contains("127.0.0.1:*"));
    }
}
