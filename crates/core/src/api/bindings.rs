//! The IPC types as TypeScript: the generated bindings must match the
//! checked-in files, and no type may grow a card-number field.

use super::*;
use crate::auth::{Permission, Role};
use crate::config::Mode;
use crate::counter::CounterError;
use crate::gateway::training::SimulatedCard;
use crate::gateway::{CardSummary, RefundReason, RiskSignals};
use crate::locale::{Language, NumberStyle};
use crate::money::{Currency, MinorUnits, MoneyError};
use crate::store::{RefundStatus, SaleStatus};
use crate::vault::KeychainError;

/// Regenerates with `UPDATE_BINDINGS=1 cargo test -p merchant-core bindings`.
#[test]
fn typescript_bindings_match_the_checked_in_files() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings");
    let update = std::env::var_os("UPDATE_BINDINGS").is_some();
    // Under CI the files are checked, never rewritten to match.
    assert!(
        !(update && std::env::var("CI").as_deref() == Ok("true")),
        "UPDATE_BINDINGS is refused under CI"
    );
    let all = generated();
    // One file per name: two types of one name would overwrite each other.
    let mut names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    let twice: Vec<_> = names.windows(2).filter(|w| w[0] == w[1]).map(|w| w[0]).collect();
    assert!(twice.is_empty(), "two IPC types share a name: {twice:?}");
    let mut drift = Vec::new();
    for (name, text) in all {
        let path = dir.join(format!("{name}.ts"));
        if update {
            if let Err(e) = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, &text)) {
                panic!("writing {}: {e}", path.display());
            }
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            drift.push(name);
        }
    }
    assert!(
        drift.is_empty(),
        "TypeScript bindings are out of date for {drift:?}; run UPDATE_BINDINGS=1 cargo test -p merchant-core bindings"
    );
}

/// No schema and no IPC type may grow a field for a card number, a CVC
/// or track data: the terminal never has them, and a field would invite
/// them. (Brand, last 4 and expiry are allowed.)
#[test]
fn no_card_number_or_cvc_field_anywhere() {
    let forbidden = regex::Regex::new(
        r"(?i)\b(pan|card_?num(ber)?|account_?number|cvc|cvv2?|cvc2|security_?code|track_?[12]?_?data|magstripe)\b",
    )
    .expect("the pattern compiles");
    let schema = include_str!("../store/migrations.rs");
    for (name, text) in generated()
        .into_iter()
        .chain([("migrations".to_string(), schema.to_string())])
    {
        // Comments may talk about card numbers; fields may not exist.
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//") && !l.trim_start().starts_with("--"))
            .filter(|l| !l.trim_start().starts_with('*') && !l.trim_start().starts_with("/*"))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            !forbidden.is_match(&code),
            "{name} has a card-number field: {:?}",
            forbidden.find(&code)
        );
    }
}

/// The card window's one command carries a payment method id, a brand and
/// a last 4, and nothing else: not even an expiry, which the card window
/// has no business handing over (the gateway keeps it with the card).
#[test]
fn the_card_windows_command_carries_no_card_data() {
    use ts_rs::{Config, TS};
    let cfg = Config::default();
    let fields = |text: &str| -> Vec<String> {
        let re = regex::Regex::new(r"(\w+)\??: ").expect("the pattern compiles");
        re.captures_iter(text).map(|c| c[1].to_string()).collect()
    };
    let request = HandBackCardRequest::export_to_string(&cfg).expect("exports");
    let card = HandedBackCard::export_to_string(&cfg).expect("exports");
    assert_eq!(fields(&request), ["card"]);
    assert_eq!(fields(&card), ["payment_method", "brand", "last4"]);
    let forbidden = regex::Regex::new(r"(?i)(number|exp|cvc|cvv|pan\b|track)").expect("the pattern compiles");
    for text in [&request, &card] {
        assert!(!forbidden.is_match(&fields(text).join(" ")), "{text}");
    }
}

fn generated() -> Vec<(String, String)> {
    use ts_rs::{Config, TS};
    let cfg = Config::default();
    macro_rules! all {
        ($($t:ty),* $(,)?) => {
            vec![$((<$t as TS>::name(&cfg), <$t as TS>::export_to_string(&cfg).expect("exports"))),*]
        };
    }
    all![
        ChargeSaleRequest,
        BackupStateView,
        RecoveryKitView,
        RestoreBackupRequest,
        SaveRecoverySheetRequest,
        RestoredView,
        Step,
        BackUpRequest,
        HandBackCardRequest,
        HandedBackCard,
        CancelChargeRequest,
        KeysRequest,
        SetRecipientsRequest,
        KeysView,
        crate::store::KeyState,
        crate::store::Rotation,
        ListSalesRequest,
        GetStatusRequest,
        StatusView,
        SaleView,
        ErrorReport,
        crate::error::Said,
        crate::error::SaidArg,
        ErrorCode,
        SimulatedCardOption,
        CurrencyOption,
        Currency,
        Language,
        NumberStyle,
        Mode,
        SaleStatus,
        crate::gateway::FailureCode,
        SimulatedCard,
        CardSummary,
        crate::gateway::CardReceipt,
        crate::gateway::EntryMode,
        crate::gateway::CardholderVerification,
        MinorUnits,
        RefundSaleRequest,
        RefundView,
        RiskSignals,
        RefundStatus,
        RefundReason,
        SignInRequest,
        ApprovalRequest,
        ResolveInDoubtRequest,
        ResolveView,
        BundleRequest,
        BundleView,
        crate::export::Manifest,
        crate::export::ManifestEntry,
        CreateOwnerRequest,
        SignOutRequest,
        SessionView,
        Role,
        Permission,
        DateRangeRequest,
        OpenPeriodRequest,
        GetZReportRequest,
        ListZReportsRequest,
        ReportView,
        ZReportView,
        ShopDayView,
        crate::reports::shop::ShopDay,
        crate::reports::shop::ShopCurrency,
        crate::reports::shop::TillLine,
        crate::reports::shop::StaffLine,
        ZSummary,
        ExportView,
        ImportView,
        crate::reports::Figures,
        crate::reports::CurrencyFigures,
        crate::reports::Line,
        crate::reports::Period,
        crate::reports::closing::ZReport,
        crate::reports::closing::Discrepancy,
        crate::reports::closing::Change,
        crate::reports::reconcile::Reconciliation,
        crate::reports::reconcile::Mismatch,
        crate::reports::reconcile::MismatchKind,
        CaptureSaleRequest,
        VoidSaleRequest,
        ReceiptRequest,
        ReceiptView,
        EmailReceiptRequest,
        TestCardOption,
        crate::gateway::TestCard,
        crate::receipt::ReceiptCopy,
        GatewaySetupRequest,
        ConfigureGatewayRequest,
        SetGatewayKeyRequest,
        SwitchModeRequest,
        SetLanguageRequest,
        GatewaySetupView,
        crate::terminal::KeyView,
        crate::gateway::ReaderInfo,
        OwnerRequest,
        AddStaffRequest,
        StaffChangeRequest,
        ResetPinRequest,
        ConfirmPinRequest,
        AuditQueryRequest,
        crate::audit::Action,
        crate::audit::Outcome,
        crate::auth::StaffEntry,
        crate::terminal::Limits,
        crate::shop::ShopDetails,
        crate::pdf::Paper,
        crate::config::AlertSettings,
        crate::monitor::Alert,
        crate::monitor::AlertKind,
        crate::audit::AuditEntry,
        crate::audit::Verification,
    ]
}

#[test]
fn error_reports_carry_codes_and_safe_messages() {
    let r = ErrorReport::from(CounterError::Money(MoneyError::Negative));
    assert_eq!(r.code, ErrorCode::InvalidAmount);
    assert!(r.message.contains("negative"));
    let r = ErrorReport::from(CounterError::Keychain(KeychainError::Locked));
    assert_eq!(r.code, ErrorCode::KeychainLocked);
    assert_eq!(r.code.exit_status(), 5);
    let json = serde_json::to_string(&r).unwrap_or_default();
    assert!(json.starts_with(r#"{"code":"keychain_locked","message":"#), "{json}");
}
