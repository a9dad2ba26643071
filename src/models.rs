//! Where the app's model files (the embedding model with its ONNX Runtime
//! library, the offline speech model) are looked for. One list for every
//! model, so a package, `scripts/setup.sh` and a user's own folder all work
//! the same way for each.

use std::path::{Path, PathBuf};

/// A folder holding the model folders; when set, the only place looked in.
pub const MODELS_ENV: &str = "WAGNER_MODELS_DIR";

/// `$WAGNER_MODELS_DIR` when set and not empty.
pub fn env_dir() -> Option<PathBuf> {
    std::env::var_os(MODELS_ENV).filter(|d| !d.is_empty()).map(PathBuf::from)
}

/// The folders that may hold model folders, in order: `$WAGNER_MODELS_DIR`
/// alone when set; otherwise beside the executable (`models/`, and the
/// resource folders of the .deb/AppImage (`../lib/<product>/models`) and of
/// macOS bundles), then the platform data folder
/// (`~/.local/share/wagner-coach/models` on Linux), where setup.sh installs them.
pub fn roots() -> Vec<PathBuf> {
    if let Some(dir) = env_dir() {
        return vec![dir];
    }
    let mut roots = Vec::new();
    if let Some(exe_dir) = std::env::current_exe().ok().and_then(|e| e.parent().map(Path::to_path_buf)) {
        roots.push(exe_dir.join("models"));
        roots.push(exe_dir.join("../lib/Wagner Coach/models"));
        roots.push(exe_dir.join("../lib/wagner-coach/models"));
        roots.push(exe_dir.join("../Resources/models"));
        roots.push(exe_dir.join("resources/models"));
    }
    if let Some(dirs) = directories::ProjectDirs::from("app", "Wagner Coach", "wagner-coach") {
        roots.push(dirs.data_dir().join("models"));
    }
    roots
}
