//! IPC commands: `verb_noun`, one request struct each, errors as
//! `ErrorReport { code, message }`. Each is an adapter: find the signed-in
//! staff member, make one call into the core's `Terminal` (which checks the
//! permission first and audits), wrap the answer.

use merchant_core::api::{
    AddStaffRequest, AuditQueryRequest, BackUpRequest, BackupStateView, ConfirmPinRequest, ErrorCode, KeysRequest,
    KeysView, OwnerRequest, RecoveryKitView, ResetPinRequest, RestoreBackupRequest, RestoredView,
    SaveRecoverySheetRequest, SetRecipientsRequest, StaffChangeRequest,
};
use merchant_core::api::{
    BundleRequest, BundleView, CancelChargeRequest, CaptureSaleRequest, ChargeSaleRequest, ConfigureGatewayRequest,
    CreateOwnerRequest, DateRangeRequest, EmailReceiptRequest, ErrorReport, ExportView, GatewaySetupRequest,
    GatewaySetupView, GetStatusRequest, GetZReportRequest, HandBackCardRequest, ImportView, ListSalesRequest,
    ListZReportsRequest, OpenPeriodRequest, ReceiptRequest, ReceiptView, RefundSaleRequest, RefundView, ReportView,
    ResolveInDoubtRequest, ResolveView, SaleView, SessionView, SetGatewayKeyRequest, SetLanguageRequest, ShopDayView,
    SignInRequest, SignOutRequest, StatusView, SwitchModeRequest, VoidSaleRequest, ZReportView, ZSummary,
};
use merchant_core::audit::{AuditEntry, Verification};
use merchant_core::auth::{Actor, Permission, StaffEntry};
use merchant_core::clock::now_ms;
use merchant_core::counter::ChargeInput;
use merchant_core::gateway::ReaderInfo;
use merchant_core::monitor::Alert;
use merchant_core::reports::reconcile::Reconciliation;
use merchant_core::shop::ShopDetails;
use merchant_core::terminal::Terminal;
use merchant_core::terminal::{Limits, TerminalError};
use merchant_core::vault::recovery::RecoveryCode;
use tauri::State;

use crate::card_window::CardDesk;
use crate::state::AppState;

#[tauri::command]
pub fn get_status(state: State<'_, AppState>, request: GetStatusRequest) -> StatusView {
    let GetStatusRequest {} = request;
    state.status()
}

#[tauri::command]
pub fn create_owner(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    desk: State<'_, CardDesk>,
    request: CreateOwnerRequest,
) -> Result<SessionView, ErrorReport> {
    let terminal = state.terminal()?;
    let owner = terminal.create_owner(&request.name, &request.pin)?;
    let view = SessionView::new(&owner);
    desk.session_ended(&app);
    state.begin(&terminal, owner);
    Ok(view)
}

#[tauri::command]
pub fn sign_in(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    desk: State<'_, CardDesk>,
    request: SignInRequest,
) -> Result<SessionView, ErrorReport> {
    let terminal = state.terminal()?;
    let actor = terminal.sign_in(&request.name, &request.pin)?;
    let view = SessionView::new(&actor);
    desk.session_ended(&app);
    state.begin(&terminal, actor);
    Ok(view)
}

#[tauri::command]
pub fn sign_out(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    desk: State<'_, CardDesk>,
    request: SignOutRequest,
) -> Result<(), ErrorReport> {
    let SignOutRequest {} = request;
    desk.session_ended(&app);
    if let Some(actor) = state.end() {
        state.terminal()?.sign_out(&actor)?;
    }
    Ok(())
}

/// A sale. A phone order first waits for its card in the card window; the
/// member who asked must still be signed in when it comes.
#[tauri::command]
pub async fn charge_sale(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    desk: State<'_, CardDesk>,
    request: ChargeSaleRequest,
) -> Result<SaleView, ErrorReport> {
    let (terminal, actor) = state.signed_in()?;
    let mut input = ChargeInput::from(request);
    if input.phone_order {
        let card = desk.take(&app, &terminal, &actor, &input).await?;
        state.still_signed_in(&actor)?;
        input.payment_method = Some(card.payment_method);
    }
    let sale = terminal.charge(&actor, input).await?;
    Ok(SaleView::new(&sale, terminal.mode(), terminal.words()))
}

#[tauri::command]
pub fn hand_back_card(
    app: tauri::AppHandle,
    desk: State<'_, CardDesk>,
    request: HandBackCardRequest,
) -> Result<(), ErrorReport> {
    desk.hand_back(&app, request)
}

#[tauri::command]
pub fn cancel_charge(state: State<'_, AppState>, request: CancelChargeRequest) -> Result<(), ErrorReport> {
    let CancelChargeRequest {} = request;
    let (terminal, actor) = state.signed_in()?;
    Ok(terminal.cancel_charge(&actor)?)
}

#[tauri::command]
pub fn list_sales(state: State<'_, AppState>, request: ListSalesRequest) -> Result<Vec<SaleView>, ErrorReport> {
    let (terminal, actor) = state.signed_in()?;
    let sales = terminal.search_sales(&actor, request.filter(now_ms()), request.staff.as_deref())?;
    sales
        .iter()
        .map(|s| {
            let mut view = SaleView::new(s, terminal.mode(), terminal.words());
            view.refundable_minor = Some(terminal.refundable(&actor, s.id)?.amount);
            Ok(view)
        })
        .collect()
}

#[tauri::command]
pub async fn capture_sale(state: State<'_, AppState>, request: CaptureSaleRequest) -> Result<SaleView, ErrorReport> {
    let (terminal, actor) = state.signed_in()?;
    let sale = terminal
        .capture(&actor, request.sale_id, request.amount.as_deref())
        .await?;
    Ok(SaleView::new(&sale, terminal.mode(), terminal.words()))
}

#[tauri::command]
pub async fn void_sale(state: State<'_, AppState>, request: VoidSaleRequest) -> Result<SaleView, ErrorReport> {
    let (terminal, actor) = state.signed_in()?;
    let sale = terminal.void(&actor, request.sale_id).await?;
    Ok(SaleView::new(&sale, terminal.mode(), terminal.words()))
}

#[tauri::command]
pub fn print_receipt(state: State<'_, AppState>, request: ReceiptRequest) -> Result<ReceiptView, ErrorReport> {
    let (terminal, actor) = state.signed_in()?;
    let (lines, path) = terminal.save_receipt(&actor, request.sale_id, request.refund_id.as_deref(), request.copy)?;
    Ok(ReceiptView {
        lines,
        pdf_path: path.display().to_string(),
    })
}

#[tauri::command]
pub async fn email_receipt(state: State<'_, AppState>, request: EmailReceiptRequest) -> Result<(), ErrorReport> {
    let (terminal, actor) = state.signed_in()?;
    Ok(terminal.email_receipt(&actor, request.sale_id, &request.email).await?)
}

#[tauri::command]
pub async fn refund_sale(state: State<'_, AppState>, request: RefundSaleRequest) -> Result<RefundView, ErrorReport> {
    let (terminal, actor) = state.signed_in()?;
    let (input, approver) = request.into_parts();
    let sale_id = input.sale_id;
    let approval = approver.as_ref().map(|a| (a.name.as_str(), &a.pin));
    let refund = terminal.refund(&actor, input, approval).await?;
    Ok(RefundView::new(
        &refund,
        &terminal.refundable(&actor, sale_id)?,
        terminal.words(),
    ))
}

#[tauri::command]
pub async fn resolve_in_doubt(
    state: State<'_, AppState>,
    request: ResolveInDoubtRequest,
) -> Result<ResolveView, ErrorReport> {
    let ResolveInDoubtRequest {} = request;
    let (terminal, actor) = state.signed_in()?;
    let unresolved = terminal.resolve_in_doubt(&actor).await?;
    Ok(ResolveView {
        unresolved: u32::try_from(unresolved).unwrap_or(u32::MAX),
    })
}

#[tauri::command]
pub async fn preview_bundle(state: State<'_, AppState>, request: BundleRequest) -> Result<BundleView, ErrorReport> {
    let BundleRequest {} = request;
    let (terminal, actor) = state.signed_in()?;
    Ok(BundleView {
        manifest: terminal.preview_bundle(&actor).await?,
        path: None,
    })
}

#[tauri::command]
pub async fn export_bundle(state: State<'_, AppState>, request: BundleRequest) -> Result<BundleView, ErrorReport> {
    let BundleRequest {} = request;
    let (terminal, actor) = state.signed_in_confirmed()?;
    let dir = terminal.exports_dir();
    std::fs::create_dir_all(&dir).map_err(|e| {
        ErrorReport::new(
            merchant_core::api::ErrorCode::ExportError,
            format!("{}: {}", dir.display(), e.kind()),
        )
    })?;
    let path = dir.join(format!("support-{}.age", now_ms()));
    let manifest = terminal.export_bundle(&actor, &path).await?;
    Ok(BundleView {
        manifest,
        path: Some(path.display().to_string()),
    })
}

#[tauri::command]
pub fn get_day_report(state: State<'_, AppState>, request: DateRangeRequest) -> Result<ReportView, ErrorReport> {
    let (terminal, actor) = state.signed_in()?;
    let figures = terminal.day_report(&actor, &request.range()?)?;
    Ok(ReportView::new(terminal.words(), "report-day-title", figures))
}

#[tauri::command]
pub fn get_x_report(state: State<'_, AppState>, request: OpenPeriodRequest) -> Result<ReportView, ErrorReport> {
    let OpenPeriodRequest {} = request;
    let (terminal, actor) = state.signed_in()?;
    Ok(ReportView::new(
        terminal.words(),
        "report-x-title",
        terminal.x_report(&actor)?,
    ))
}

#[tauri::command]
pub fn close_day(state: State<'_, AppState>, request: OpenPeriodRequest) -> Result<ZReportView, ErrorReport> {
    let OpenPeriodRequest {} = request;
    let (terminal, actor) = state.signed_in()?;
    let z = terminal.close_day(&actor)?;
    z_view(&terminal, &actor, z.number)
}

#[tauri::command]
pub fn get_z_report(state: State<'_, AppState>, request: GetZReportRequest) -> Result<ZReportView, ErrorReport> {
    let (terminal, actor) = state.signed_in()?;
    z_view(&terminal, &actor, request.number)
}

/// The Z report with its PDF written (again: a reprint is identical).
fn z_view(terminal: &Terminal, actor: &Actor, number: i64) -> Result<ZReportView, ErrorReport> {
    let path = terminal.z_pdf_path(number);
    terminal.save_z_pdf(actor, number, &path)?;
    let (z, discrepancies) = terminal.z_report(actor, number)?;
    Ok(ZReportView::new(terminal.words(), z, discrepancies, &path))
}

#[tauri::command]
pub fn list_z_reports(state: State<'_, AppState>, request: ListZReportsRequest) -> Result<Vec<ZSummary>, ErrorReport> {
    let ListZReportsRequest {} = request;
    let (terminal, actor) = state.signed_in()?;
    let list = terminal.z_reports(&actor)?;
    Ok(list
        .into_iter()
        .map(|(number, closed_at_ms, closed_by)| ZSummary {
            number,
            closed_at_ms,
            closed_by,
        })
        .collect())
}

#[tauri::command]
pub fn export_csv(state: State<'_, AppState>, request: DateRangeRequest) -> Result<ExportView, ErrorReport> {
    let (terminal, actor) = state.signed_in_confirmed()?;
    let range = request.range()?;
    let path = terminal
        .reports_dir()
        .join(format!("sales-{}-to-{}.csv", range.from, range.to));
    let rows = terminal.export_csv(&actor, &range, &path)?;
    Ok(ExportView {
        path: path.display().to_string(),
        rows,
    })
}

#[tauri::command]
pub async fn get_shop_day(state: State<'_, AppState>, request: DateRangeRequest) -> Result<ShopDayView, ErrorReport> {
    let (terminal, actor) = state.signed_in()?;
    // The window shows that the gateway is being read; the figures come at once.
    let day = terminal.shop_day(&actor, &request.range()?, &|_, _| {}).await?;
    Ok(ShopDayView::new(terminal.words(), day))
}

#[tauri::command]
pub async fn reconcile_day(
    state: State<'_, AppState>,
    request: DateRangeRequest,
) -> Result<Reconciliation, ErrorReport> {
    let (terminal, actor) = state.signed_in()?;
    Ok(terminal.reconcile(&actor, &request.range()?).await?)
}

#[tauri::command]
pub async fn import_missing(state: State<'_, AppState>, request: DateRangeRequest) -> Result<ImportView, ErrorReport> {
    let (terminal, actor) = state.signed_in()?;
    let range = request.range()?;
    let imported = terminal.import_missing(&actor, &range).await?;
    Ok(ImportView {
        imported,
        reconciliation: terminal.reconcile(&actor, &range).await?,
    })
}

/// The gateway screen as it stands now.
fn gateway_view(state: &AppState) -> Result<GatewaySetupView, ErrorReport> {
    let (terminal, actor) = state.signed_in()?;
    Ok(GatewaySetupView::new(
        terminal.settings(),
        terminal.gateway_key(&actor)?,
    ))
}

#[tauri::command]
pub fn get_gateway_setup(
    state: State<'_, AppState>,
    request: GatewaySetupRequest,
) -> Result<GatewaySetupView, ErrorReport> {
    let GatewaySetupRequest {} = request;
    gateway_view(&state)
}

#[tauri::command]
pub async fn configure_gateway(
    state: State<'_, AppState>,
    request: ConfigureGatewayRequest,
) -> Result<GatewaySetupView, ErrorReport> {
    let (terminal, actor) = state.signed_in_confirmed()?;
    terminal.configure_gateway(&actor, request.into())?;
    state.reopen().await;
    gateway_view(&state)
}

#[tauri::command]
pub async fn set_gateway_key(
    state: State<'_, AppState>,
    request: SetGatewayKeyRequest,
) -> Result<GatewaySetupView, ErrorReport> {
    let (terminal, actor) = state.signed_in_confirmed()?;
    terminal.replace_gateway_key(&actor, &request.key).await?;
    state.reopen().await;
    gateway_view(&state)
}

#[tauri::command]
pub async fn remove_gateway_key(
    state: State<'_, AppState>,
    request: GatewaySetupRequest,
) -> Result<GatewaySetupView, ErrorReport> {
    let GatewaySetupRequest {} = request;
    let (terminal, actor) = state.signed_in_confirmed()?;
    terminal.remove_gateway_key(&actor)?;
    state.reopen().await;
    gateway_view(&state)
}

#[tauri::command]
pub async fn list_readers(
    state: State<'_, AppState>,
    request: GatewaySetupRequest,
) -> Result<Vec<ReaderInfo>, ErrorReport> {
    let GatewaySetupRequest {} = request;
    let (terminal, actor) = state.signed_in()?;
    Ok(terminal.list_readers(&actor).await?)
}

#[tauri::command]
pub async fn switch_mode(
    state: State<'_, AppState>,
    request: SwitchModeRequest,
) -> Result<GatewaySetupView, ErrorReport> {
    let (terminal, actor) = state.signed_in_confirmed()?;
    terminal.switch_mode(&actor, request.mode)?;
    state.reopen().await;
    gateway_view(&state)
}

#[tauri::command]
pub fn confirm_pin(state: State<'_, AppState>, request: ConfirmPinRequest) -> Result<(), ErrorReport> {
    state.confirm_pin(&request)
}

#[tauri::command]
pub fn list_staff(state: State<'_, AppState>, request: OwnerRequest) -> Result<Vec<StaffEntry>, ErrorReport> {
    let OwnerRequest {} = request;
    let (terminal, actor) = state.signed_in()?;
    Ok(terminal.list_staff(&actor)?)
}

#[tauri::command]
pub fn add_staff(state: State<'_, AppState>, request: AddStaffRequest) -> Result<Vec<StaffEntry>, ErrorReport> {
    let (terminal, actor) = state.signed_in_confirmed()?;
    terminal.add_staff(&actor, &request.name, request.role, &request.pin)?;
    Ok(terminal.list_staff(&actor)?)
}

#[tauri::command]
pub fn set_staff_active(
    state: State<'_, AppState>,
    request: StaffChangeRequest,
) -> Result<Vec<StaffEntry>, ErrorReport> {
    let (terminal, actor) = state.signed_in_confirmed()?;
    terminal.set_staff_active(&actor, &request.name, request.active.unwrap_or(true))?;
    Ok(terminal.list_staff(&actor)?)
}

#[tauri::command]
pub fn unlock_staff(state: State<'_, AppState>, request: StaffChangeRequest) -> Result<Vec<StaffEntry>, ErrorReport> {
    let (terminal, actor) = state.signed_in_confirmed()?;
    terminal.unlock_staff(&actor, &request.name)?;
    Ok(terminal.list_staff(&actor)?)
}

#[tauri::command]
pub fn reset_staff_pin(state: State<'_, AppState>, request: ResetPinRequest) -> Result<Vec<StaffEntry>, ErrorReport> {
    let (terminal, actor) = state.signed_in_confirmed()?;
    terminal.reset_staff_pin(&actor, &request.name, &request.pin)?;
    Ok(terminal.list_staff(&actor)?)
}

#[tauri::command]
pub fn get_limits(state: State<'_, AppState>, request: OwnerRequest) -> Result<Limits, ErrorReport> {
    let OwnerRequest {} = request;
    let (terminal, actor) = state.signed_in()?;
    actor.require(Permission::ManageStaff).map_err(TerminalError::from)?;
    Ok(Limits::of(terminal.settings()))
}

#[tauri::command]
pub async fn update_limits(state: State<'_, AppState>, request: Limits) -> Result<Limits, ErrorReport> {
    let (terminal, actor) = state.signed_in_confirmed()?;
    let settings = terminal.update_limits(&actor, &request)?;
    state.reopen().await;
    Ok(Limits::of(&settings))
}

#[tauri::command]
pub fn get_shop(state: State<'_, AppState>, request: OwnerRequest) -> Result<ShopDetails, ErrorReport> {
    let OwnerRequest {} = request;
    let (terminal, actor) = state.signed_in()?;
    Ok(terminal.shop_details(&actor)?)
}

#[tauri::command]
pub async fn update_shop(state: State<'_, AppState>, request: ShopDetails) -> Result<ShopDetails, ErrorReport> {
    let (terminal, actor) = state.signed_in_confirmed()?;
    let details = terminal.update_shop(&actor, &request)?;
    state.reopen().await;
    Ok(details)
}

#[tauri::command]
pub async fn set_language(
    state: State<'_, AppState>,
    request: SetLanguageRequest,
) -> Result<SetLanguageRequest, ErrorReport> {
    let (terminal, actor) = state.signed_in()?;
    terminal.set_language(&actor, request.language)?;
    state.reopen().await;
    Ok(request)
}

#[tauri::command]
pub fn list_alerts(state: State<'_, AppState>, request: OwnerRequest) -> Result<Vec<Alert>, ErrorReport> {
    let OwnerRequest {} = request;
    let (terminal, actor) = state.signed_in()?;
    Ok(terminal.alerts(&actor)?)
}

#[tauri::command]
pub fn list_audit(state: State<'_, AppState>, request: AuditQueryRequest) -> Result<Vec<AuditEntry>, ErrorReport> {
    let (terminal, actor) = state.signed_in()?;
    Ok(terminal.audit_entries(&actor, request.staff.as_deref(), request.filter(now_ms()))?)
}

#[tauri::command]
pub async fn verify_audit(state: State<'_, AppState>, request: OwnerRequest) -> Result<Verification, ErrorReport> {
    let OwnerRequest {} = request;
    let (terminal, actor) = state.signed_in()?;
    Ok(terminal.verify_audit(&actor, None).await?)
}

#[tauri::command]
pub fn get_keys(state: State<'_, AppState>, request: KeysRequest) -> Result<KeysView, ErrorReport> {
    let KeysRequest {} = request;
    let (terminal, actor) = state.signed_in()?;
    Ok(terminal.keys_view(&actor, None)?)
}

/// Runs off the async workers: re-sealing a large cache takes a while, and
/// the till keeps taking charges between its batches.
#[tauri::command]
pub async fn rotate_cache_key(state: State<'_, AppState>, request: KeysRequest) -> Result<KeysView, ErrorReport> {
    let KeysRequest {} = request;
    let (terminal, actor) = state.signed_in_confirmed()?;
    tauri::async_runtime::spawn_blocking(move || {
        let rotation = terminal.rotate_cache_key(&actor, ROTATION_BATCH)?;
        Ok(terminal.keys_view(&actor, Some(rotation))?)
    })
    .await
    .map_err(|_| {
        ErrorReport::new(
            ErrorCode::Internal,
            "The key rotation stopped unexpectedly; run it again.",
        )
    })?
}

/// Rows per re-seal transaction: short enough that a charge waits at most a
/// few milliseconds for one.
const ROTATION_BATCH: u32 = 500;

#[tauri::command]
pub async fn set_support_recipients(
    state: State<'_, AppState>,
    request: SetRecipientsRequest,
) -> Result<KeysView, ErrorReport> {
    let (terminal, actor) = state.signed_in_confirmed()?;
    terminal.set_support_recipients(&actor, request.support, request.owner)?;
    state.reopen().await;
    let (terminal, actor) = state.signed_in()?;
    Ok(terminal.keys_view(&actor, None)?)
}

#[tauri::command]
pub fn get_backups(state: State<'_, AppState>, request: OwnerRequest) -> Result<BackupStateView, ErrorReport> {
    let OwnerRequest {} = request;
    let (terminal, actor) = state.signed_in()?;
    Ok(terminal.backup_state(&actor)?)
}

/// A new recovery kit: its code is in this answer and nowhere else.
#[tauri::command]
pub fn issue_recovery_kit(state: State<'_, AppState>, request: OwnerRequest) -> Result<RecoveryKitView, ErrorReport> {
    let OwnerRequest {} = request;
    let (terminal, actor) = state.signed_in_confirmed()?;
    let code = terminal.issue_recovery_kit(&actor)?;
    Ok(RecoveryKitView {
        code: code.expose().to_string(),
    })
}

/// The recovery sheet of the code just shown, to print.
#[tauri::command]
pub fn save_recovery_sheet(state: State<'_, AppState>, request: SaveRecoverySheetRequest) -> Result<(), ErrorReport> {
    let (terminal, actor) = state.signed_in_confirmed()?;
    let code = recovery_code(&request.code)?;
    Ok(terminal.save_recovery_sheet(&actor, &code, std::path::Path::new(&request.file))?)
}

#[tauri::command]
pub async fn back_up_now(state: State<'_, AppState>, request: BackUpRequest) -> Result<BackupStateView, ErrorReport> {
    let (terminal, actor) = state.signed_in_confirmed()?;
    let (_, changed) = terminal.backup_into(&actor, std::path::Path::new(&request.folder), request.daily)?;
    if changed {
        state.reopen().await;
    }
    let (terminal, actor) = state.signed_in()?;
    Ok(terminal.backup_state(&actor)?)
}

/// "Restore from a backup", before the first owner exists (the core
/// refuses a terminal anyone has used). Open, like `create_owner`.
#[tauri::command]
pub async fn restore_backup(
    state: State<'_, AppState>,
    request: RestoreBackupRequest,
) -> Result<RestoredView, ErrorReport> {
    let code = recovery_code(&request.code)?;
    state.restore(std::path::Path::new(&request.file), &code).await
}

/// A recovery code as typed; a slip in it is named, never repeated.
fn recovery_code(typed: &merchant_core::vault::SecretString) -> Result<RecoveryCode, ErrorReport> {
    RecoveryCode::parse_secret(typed)
        .map_err(|e| ErrorReport::from(&TerminalError::from(merchant_core::backup::BackupError::from(e))))
}
