//! The command list (`command_list.rs`) made into what the app runs: the
//! invoke handler, the gate's rule for each command, and (in tests) the
//! UI's typed command map. The list is the only place a command is named;
//! `build.rs` reads the same file for the window's capability.

#[allow(unused_imports)]
use merchant_core::api::{
    AddStaffRequest, AuditQueryRequest, BackUpRequest, BackupStateView, BundleRequest, BundleView, CancelChargeRequest,
    CaptureSaleRequest, ChargeSaleRequest, ConfigureGatewayRequest, ConfirmPinRequest, CreateOwnerRequest,
    DateRangeRequest, EmailReceiptRequest, ExportView, GatewaySetupRequest, GatewaySetupView, GetStatusRequest,
    GetZReportRequest, HandBackCardRequest, ImportView, KeysRequest, KeysView, ListSalesRequest, ListZReportsRequest,
    OpenPeriodRequest, OwnerRequest, ReceiptRequest, ReceiptView, RecoveryKitView, RefundSaleRequest, RefundView,
    ReportView, ResetPinRequest, ResolveInDoubtRequest, ResolveView, RestoreBackupRequest, RestoredView, SaleView,
    SaveRecoverySheetRequest, SessionView, SetGatewayKeyRequest, SetLanguageRequest, SetRecipientsRequest, ShopDayView,
    SignInRequest, SignOutRequest, StaffChangeRequest, StatusView, SwitchModeRequest, VoidSaleRequest, ZReportView,
    ZSummary,
};
#[allow(unused_imports)]
use merchant_core::audit::{AuditEntry, Verification};
use merchant_core::auth::Permission;
#[allow(unused_imports)]
use merchant_core::auth::StaffEntry;
#[allow(unused_imports)]
use merchant_core::gateway::ReaderInfo;
#[allow(unused_imports)]
use merchant_core::monitor::Alert;
#[allow(unused_imports)]
use merchant_core::reports::reconcile::Reconciliation;
#[allow(unused_imports)]
use merchant_core::shop::ShopDetails;
#[allow(unused_imports)]
use merchant_core::terminal::Limits;

/// The counter window's label (`tauri.conf.json`).
pub const COUNTER_WINDOW: &str = "main";
/// The card window's label (`card_window.rs`).
pub const CARD_WINDOW: &str = "card";

/// One command as the list gives it.
pub struct Command {
    pub name: &'static str,
    /// `None`: open to anyone (sign-in, status).
    pub needs: Option<Permission>,
    /// The one window that may call it.
    pub window: &'static str,
    /// The request and response types as written in the list.
    #[cfg(test)]
    pub types: (&'static str, &'static str),
    /// The request and response as TypeScript.
    #[cfg(test)]
    pub ts: fn(&ts_rs::Config) -> (String, String),
}

macro_rules! commands {
    (@needs open) => { None };
    (@needs card_window) => { None };
    (@needs $p:ident) => { Some(Permission::$p) };
    (@window card_window) => { CARD_WINDOW };
    (@window $p:ident) => { COUNTER_WINDOW };
    ($($name:ident : $req:ty => $resp:ty, $needs:ident;)*) => {
        /// Every command, in the list's order.
        pub const COMMANDS: &[Command] = &[$(Command {
            name: stringify!($name),
            needs: commands!(@needs $needs),
            window: commands!(@window $needs),
            #[cfg(test)]
            types: (stringify!($req), stringify!($resp)),
            #[cfg(test)]
            ts: |cfg| (<$req as ts_rs::TS>::name(cfg), <$resp as ts_rs::TS>::name(cfg)),
        }),*];

        /// The invoke handler for every command.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$(crate::commands::$name),*]
        }
    };
}

include!("command_list.rs");

#[cfg(test)]
mod tests {
    use super::COMMANDS;

    fn normalise(s: &str) -> String {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace("< ", "<")
            .replace(" >", ">")
    }

    /// Each handler takes the request and returns the response the list
    /// says (the UI's types come from the list, so they must agree).
    #[test]
    fn every_handler_has_the_signature_the_list_gives() {
        let source = normalise(include_str!("commands.rs"));
        for c in COMMANDS {
            let (req, resp) = (normalise(c.types.0), normalise(c.types.1));
            let start = source
                .find(&format!("fn {}(", c.name))
                .unwrap_or_else(|| panic!("{} has no handler in commands.rs", c.name));
            let sig = &source[start..source[start..].find('{').map_or(source.len(), |e| start + e)];
            assert!(
                sig.contains(&format!("request: {req}")),
                "{}: the handler does not take {req}: {sig}",
                c.name
            );
            let answer = if resp == "()" { "()".to_string() } else { resp.clone() };
            assert!(
                sig.contains(&format!("-> Result<{answer}, ErrorReport>")) || sig.contains(&format!("-> {answer} ")),
                "{}: the handler does not answer {answer}: {sig}",
                c.name
            );
        }
    }

    /// The UI's typed command map, generated from the list. Regenerates with
    /// `UPDATE_BINDINGS=1 cargo test -p merchant-terminal commands_ts`
    /// (refused under CI).
    #[test]
    fn commands_ts_matches_the_list() {
        let cfg = ts_rs::Config::default();
        let mut types = std::collections::BTreeSet::new();
        let mut lines = Vec::new();
        for c in COMMANDS {
            let (req, resp) = (c.ts)(&cfg);
            for t in [&req, &resp] {
                for word in t.split(|ch: char| !ch.is_ascii_alphanumeric() && ch != '_') {
                    if word.starts_with(|ch: char| ch.is_ascii_uppercase()) && word != "Array" {
                        types.insert(word.to_string());
                    }
                }
            }
            lines.push(format!("  {}: {{ request: {req}; response: {resp} }};", c.name));
        }
        let imports: Vec<String> = types
            .iter()
            .map(|t| format!("import type {{ {t} }} from \"./{t}\";"))
            .collect();
        let text = format!(
            "// Generated from src-tauri/src/command_list.rs by a test of the desktop shell; do not edit.\n{}\n\n/** Every IPC command: the request it takes and the response it gives. */\nexport type Commands = {{\n{}\n}};\n",
            imports.join("\n"),
            lines.join("\n")
        );
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings/commands.ts");
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "UPDATE_BINDINGS is refused under CI"
            );
            if let Err(e) = std::fs::write(&path, &text) {
                panic!("writing {}: {e}", path.display());
            }
        }
        assert_eq!(
            std::fs::read_to_string(&path).ok().as_deref(),
            Some(text.as_str()),
            "ui/src/bindings/commands.ts is out of date: UPDATE_BINDINGS=1 cargo test -p merchant-terminal commands_ts"
        );
    }
}
