//! The smallest Tauri 2 app: one window showing one static page. Built with
//! the same profile as the terminal, it is the baseline the start-up, memory
//! and binary-size benchmarks compare against.
#![forbid(unsafe_code)]

fn main() {
    // The same start-up line the terminal logs, for the benchmark to read.
    let started = std::time::Instant::now();
    let app = tauri::Builder::default().on_page_load(move |_, payload| {
        if payload.event() == tauri::webview::PageLoadEvent::Finished {
            println!("page loaded since_start_ms={}", started.elapsed().as_millis());
        }
    });
    if let Err(e) = app.run(tauri::generate_context!()) {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
