// The command list's names and windows only: the build script sees the
// list's tokens, not the core's types.
macro_rules! commands {
    (@window card_window) => { "card" };
    (@window $p:ident) => { "main" };
    ($($name:ident : $req:ty => $resp:ty, $needs:ident;)*) => {
        const COMMANDS: &[(&str, &str)] = &[$((stringify!($name), commands!(@window $needs))),*];
    };
}
include!("src/command_list.rs");

/// Each window's capability: the commands of the list it may call, nothing
/// else. Written when the list changes; under CI a stale file fails the
/// build instead, so what is checked in is what runs.
fn write_capability(identifier: &str, window: &str, description: &str) {
    let permissions: Vec<String> = COMMANDS
        .iter()
        .filter(|(_, w)| *w == window)
        .map(|(c, _)| format!("    \"allow-{}\"", c.replace('_', "-")))
        .collect();
    let json = format!(
        "{{\n  \"identifier\": \"{identifier}\",\n  \"description\": \"{description} Written by build.rs from src/command_list.rs.\",\n  \"windows\": [\"{window}\"],\n  \"permissions\": [\n{}\n  ]\n}}\n",
        permissions.join(",\n")
    );
    let path = std::path::PathBuf::from(format!("capabilities/{identifier}.json"));
    if std::fs::read_to_string(&path).ok().as_deref() == Some(json.as_str()) {
        return;
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!(
            "{} does not match src/command_list.rs: build once outside CI and commit it",
            path.display()
        );
    }
    if let Err(e) = std::fs::write(&path, json) {
        panic!("writing {}: {e}", path.display());
    }
}

fn main() {
    // generate_context! embeds ui/dist and the icon but cannot ask Cargo to
    // watch them; without these lines a UI rebuild would not reach the app.
    println!("cargo:rerun-if-changed=../ui/dist");
    println!("cargo:rerun-if-changed=../icons");
    println!("cargo:rerun-if-changed=../tauri.conf.json");
    // Declaring the app's commands makes Tauri generate one permission per
    // command; the window gets only those its capability file lists. Both
    // come from the one command list (src/command_list.rs).
    println!("cargo:rerun-if-changed=src/command_list.rs");
    write_capability(
        "counter",
        "main",
        "The counter window: sign in, take payments and refunds, owner's reports, the support bundle. Nothing else; every command also checks the signed-in role in the core.",
    );
    write_capability(
        "card",
        "card",
        "The card window of a phone order: it hands back the payment method the gateway made from the typed card, and can do nothing else.",
    );
    // tauri-build keeps the names for the whole build.
    let names: &'static [&'static str] = Vec::leak(COMMANDS.iter().map(|(c, _)| *c).collect());
    let manifest = tauri_build::AppManifest::new().commands(names);
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(manifest);
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {e:#}");
    }
}
