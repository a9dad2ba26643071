//! WebKit settings for what this window is: one local page with its own
//! assets, no browsing. WebKitGTK's defaults are a web browser's (a
//! back/forward page cache, memory caches sized for many sites, GPU
//! compositing), each of which costs resident memory in the web process for
//! nothing here. GPU compositing stays on unless asked (see `compositing_off`). Linux only: the other platforms' engines are left as they are.

/// Applies the settings to the main window's web view (on the main thread,
/// as soon as the event loop runs).
pub fn tune(app: &tauri::App) {
    #[cfg(target_os = "linux")]
    {
        use tauri::Manager;
        let Some(window) = app.get_webview_window("main") else { return };
        if let Err(e) = window.with_webview(linux::tune) {
            tracing::warn!("could not apply the web view's memory settings: {e}");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = app;
}

#[cfg(target_os = "linux")]
mod linux {
    use webkit2gtk::{CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebViewExt};

    /// `WAGNER_WEBKIT_COMPOSITING=0` turns WebKit's GPU compositing off
    /// (about 105 MB less in the web process, BENCHMARKS.md). Not the
    /// default: with it off, the E2E photo-entry test
    /// (`a_photo_attached_to_an_entry_goes_with_its_meal_on_today`) hung in
    /// one run of two, as it did with `WEBKIT_DISABLE_COMPOSITING_MODE=1`.
    fn compositing_off() -> bool {
        std::env::var_os("WAGNER_WEBKIT_COMPOSITING").is_some_and(|v| v == "0")
    }

    pub fn tune(webview: tauri::webview::PlatformWebview) {
        let view = webview.inner();
        if let Some(context) = view.context() {
            // The smallest memory and page caches: the page is never left, and
            // its assets come from the binary.
            context.set_cache_model(CacheModel::DocumentViewer);
        }
        if let Some(settings) = WebViewExt::settings(&view) {
            // No back/forward cache of whole pages (there is one page).
            settings.set_enable_page_cache(false);
            // Nothing here plays media or draws with WebGL (charts are 2D canvases).
            settings.set_enable_webgl(false);
            settings.set_enable_media(false);
            if compositing_off() {
                // GPU compositing keeps GL surfaces and a compositor thread in
                // the web process (about 105 MB under Mesa's software GL).
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
        }
    }
}
