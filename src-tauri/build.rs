// The app's config is the repository root's `tauri.conf.json`; `src-tauri/tauri.conf.json` is a
// symlink to it, so cargo and the Tauri CLI (which looks for the config in the crate's folder)
// read the same file and resolve its relative paths from the same place. Listing the commands generates one `allow-<command>` permission each, so the capability file
// grants them explicitly (least privilege).
fn main() {
    let attributes =
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(&[
            "app_info",
            "profiles_list",
            "profile_create",
            "profile_select",
            "projects_list",
            "project_create",
            "project_rename",
            "project_delete",
            "sources_list",
            "import_start",
            "verify_start",
            "jobs_list",
            "job_cancel",
            "job_retry",
        ]));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {e:#}");
    }
}
