//! The smallest Tauri 2 app: one window showing one static page. Built with
//! the same profile as the terminal, it is the baseline the start-up, memory
//! and binary-size benchmarks compare against.
#![forbid(unsafe_code)]

fn main() {
    if let Err(e) = tauri::Builder::default().run(tauri::generate_context!()) {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
