// The command list's names only: the build script sees the list's tokens,
// not the core's types.
macro_rules! commands {
    ($($name:ident : $req:ty => $resp:ty, $needs:ident;)*) => {
        const COMMANDS: &[&str] = &[$(stringify!($name)),*];
    };
}
include!("src/command_list.rs");

/// The counter window's capability: every command of the list, nothing
/// else. Written when the list changes; under CI a stale file fails the
/// build instead, so what is checked in is what runs.
fn write_capability() {
    let permissions: Vec<String> = COMMANDS
        .iter()
        .map(|c| format!("    \"allow-{}\"", c.replace('_', "-")))
        .collect();
    let json = format!(
        "{{\n  \"identifier\": \"counter\",\n  \"description\": \"The counter window: sign in, take payments and refunds, owner's reports, the support bundle. Nothing else; every command also checks the signed-in role in the core. Written by build.rs from src/command_list.rs.\",\n  \"windows\": [\"main\"],\n  \"permissions\": [\n{}\n  ]\n}}\n",
        permissions.join(",\n")
    );
    let path = std::path::Path::new("capabilities/counter.json");
    if std::fs::read_to_string(path).ok().as_deref() == Some(json.as_str()) {
        return;
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("capabilities/counter.json does not match src/command_list.rs: build once outside CI and commit it");
    }
    if let Err(e) = std::fs::write(path, json) {
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
    write_capability();
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(manifest);
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {e:#}");
    }
}
