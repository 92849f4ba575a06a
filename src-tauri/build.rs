// The app's config is the repository root's `tauri.conf.json`; `src-tauri/tauri.conf.json` is a
// symlink to it, so cargo and the Tauri CLI (which looks for the config in the crate's folder)
// read the same file and resolve its relative paths from the same place. Listing the commands
// generates one `allow-<command>` permission each, so the capability file grants them explicitly
// (least privilege); a unit test keeps `command_names.in` equal to the commands declared.
fn main() {
    let commands: &[&str] = &include!("command_names.in");
    println!("cargo:rerun-if-changed=command_names.in");
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(commands));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {e:#}");
    }
}
