#[allow(clippy::expect_used)] // a build script reports failure by panicking
fn main() {
    // The config lives at the repository root, next to the core; plain
    // tauri_build::build() would look for src-tauri/tauri.conf.json.
    tauri_build::try_build(tauri_build::Attributes::new().config_path("../tauri.conf.json"))
        .expect("tauri build script failed");
}
