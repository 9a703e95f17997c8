fn main() {
    // generate_context! embeds ui/dist and the icon but cannot ask Cargo to
    // watch them; without these lines a UI rebuild would not reach the app.
    println!("cargo:rerun-if-changed=../ui/dist");
    println!("cargo:rerun-if-changed=../icons");
    println!("cargo:rerun-if-changed=../tauri.conf.json");
    // Declaring the app's commands makes Tauri generate one permission per
    // command; the window gets only those its capability file lists.
    let manifest = tauri_build::AppManifest::new().commands(&[
        "get_status",
        "create_owner",
        "sign_in",
        "sign_out",
        "charge_sale",
        "cancel_charge",
        "list_sales",
        "refund_sale",
        "resolve_in_doubt",
        "preview_bundle",
        "export_bundle",
        "get_day_report",
        "get_x_report",
        "close_day",
        "get_z_report",
        "list_z_reports",
        "export_csv",
        "reconcile_day",
        "import_missing",
        "capture_sale",
        "void_sale",
        "print_receipt",
        "email_receipt",
        "get_gateway_setup",
        "configure_gateway",
        "set_gateway_key",
        "remove_gateway_key",
        "list_readers",
        "switch_mode",
        "confirm_pin",
        "list_staff",
        "add_staff",
        "set_staff_active",
        "unlock_staff",
        "reset_staff_pin",
        "get_limits",
        "update_limits",
        "list_alerts",
        "list_audit",
        "verify_audit",
        "get_keys",
        "rotate_cache_key",
        "set_support_recipients",
    ]);
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(manifest);
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {e:#}");
    }
}
