//! Merchant Terminal's desktop shell.
//!
//! Deliberately thin: it opens the window, holds the core's `Counter` in
//! Tauri state and exposes the commands listed in `command_list.rs` (see `commands`), each
//! a short adapter into `merchant-core`. No business rule lives here.
#![forbid(unsafe_code)]
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod card_window;
mod commands;
mod gate;
mod registry;
mod state;

use merchant_core::config::Home;
use merchant_core::instance::{self, Claim};

/// Runs every command through the gate (see `gate`) first.
fn gated(
    handler: impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static,
) -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    move |invoke| {
        use tauri::Manager;
        let verdict = match invoke.message.webview().try_state::<state::AppState>() {
            Some(state) => {
                let webview = invoke.message.webview();
                let page = webview.url().ok();
                gate::admit(&state, webview.label(), page.as_ref(), invoke.message.command())
            }
            None => Ok(()),
        };
        match verdict {
            Ok(()) => handler(invoke),
            Err(report) => {
                invoke.resolver.reject(report);
                true
            }
        }
    }
}

fn main() {
    let home = Home::resolve(None);
    let _logs = home
        .as_ref()
        .ok()
        .map(|h| merchant_core::logging::init(h.root(), "app", true));

    // One window per data folder: a second launch brings the first forward
    // and ends here, or shows why it cannot open the folder.
    let (window_lock, home) = match home.as_ref().map(instance::claim) {
        Ok(Ok(Claim::BroughtForward)) => return,
        Ok(Ok(Claim::Claimed(lock))) => (Some(lock), home),
        Ok(Err(refused)) => (None, Err(refused)),
        Err(_) => (None, home),
    };

    let started = std::time::Instant::now();
    let app = tauri::Builder::default()
        // Start-up time in the log, for support and for the start-up benchmark.
        .on_page_load(move |_, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Finished {
                tracing::info!(since_start_ms = started.elapsed().as_millis() as u64, "page loaded");
            }
        })
        // The card window's page (see card_window.rs).
        .register_uri_scheme_protocol(merchant_core::card_entry::PAGE_SCHEME, |ctx, request| {
            use tauri::Manager;
            let app = ctx.app_handle();
            app.state::<card_window::CardDesk>().serve(app, request.uri().path())
        })
        .manage(card_window::CardDesk::default())
        .setup(move |app| {
            use tauri::Manager;
            let state = tauri::async_runtime::block_on(state::AppState::start(home.clone()));
            // The daily backup, if the owner chose a folder and it is due:
            // beside the window, which does not wait for it.
            if let Ok(terminal) = state.terminal() {
                std::thread::spawn(move || match terminal.backup_if_due() {
                    Ok(Some(made)) => tracing::info!(files = made.files, bytes = made.bytes, "daily backup written"),
                    Ok(None) => {}
                    Err(e) => {
                        tracing::warn!(code = ?merchant_core::api::ErrorReport::from(e).code, "the daily backup failed")
                    }
                });
            }
            app.manage(state);
            if let Some(mut lock) = window_lock {
                let handle = app.handle().clone();
                lock.on_come_forward(move || {
                    if let Some(window) = handle.get_webview_window("main") {
                        let _ = window.unminimize();
                        let _ = window.show();
                        let _ = window.set_focus();
                    }
                });
                app.manage(lock);
            }
            Ok(())
        })
        .invoke_handler(gated(registry::handler()))
        .build(tauri::generate_context!("../tauri.conf.json"));
    match app {
        Ok(app) => app.run(|handle, event| {
            use tauri::Manager;
            if let tauri::RunEvent::Exit = event {
                if let Some(state) = handle.try_state::<state::AppState>() {
                    state.close();
                }
            }
        }),
        Err(e) => {
            tracing::error!(error = %e, "the window could not be started");
            std::process::exit(1);
        }
    }
}
