// The app's config lives at the repository root (one source of truth for cargo and the CLI).
// Listing the commands generates one `allow-<command>` permission each, so the capability file
// grants them explicitly (least privilege).
fn main() {
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(&[
            "app_info",
            "profiles_list",
            "profile_create",
            "profile_select",
            "projects_list",
            "project_create",
            "project_rename",
            "project_delete",
            "sources_list",
            "import_paths",
        ]));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {e:#}");
    }
}
