// The one list of the app's IPC commands: name, request, response, and who
// may call it (`open`: anyone, before sign-in too; `card_window`: the card
// window, and nothing else; otherwise the permission the signed-in role
// needs, from the counter window). Everything else is made from it: the
// invoke handler and the gate's rules (`registry.rs`), the windows'
// capabilities (`capabilities/counter.json` and `capabilities/card.json`,
// written by `build.rs`) and the UI's typed command map
// (`ui/src/bindings/commands.ts`, checked by a test). Adding a command: a
// line here and its handler in `commands.rs`.
commands! {
    get_status: GetStatusRequest => StatusView, open;
    create_owner: CreateOwnerRequest => SessionView, open;
    restore_backup: RestoreBackupRequest => RestoredView, open;
    sign_in: SignInRequest => SessionView, open;
    sign_out: SignOutRequest => (), open;
    confirm_pin: ConfirmPinRequest => (), open;
    charge_sale: ChargeSaleRequest => SaleView, Charge;
    hand_back_card: HandBackCardRequest => (), card_window;
    cancel_charge: CancelChargeRequest => (), CancelCharge;
    list_sales: ListSalesRequest => Vec<SaleView>, ListSales;
    print_receipt: ReceiptRequest => ReceiptView, ListSales;
    email_receipt: EmailReceiptRequest => (), ListSales;
    refund_sale: RefundSaleRequest => RefundView, Refund;
    resolve_in_doubt: ResolveInDoubtRequest => ResolveView, ResolveInDoubt;
    capture_sale: CaptureSaleRequest => SaleView, CaptureVoid;
    void_sale: VoidSaleRequest => SaleView, CaptureVoid;
    preview_bundle: BundleRequest => BundleView, ExportBundle;
    export_bundle: BundleRequest => BundleView, ExportBundle;
    get_day_report: DateRangeRequest => ReportView, ViewReports;
    get_x_report: OpenPeriodRequest => ReportView, ViewReports;
    get_z_report: GetZReportRequest => ZReportView, ViewReports;
    list_z_reports: ListZReportsRequest => Vec<ZSummary>, ViewReports;
    export_csv: DateRangeRequest => ExportView, ViewReports;
    reconcile_day: DateRangeRequest => Reconciliation, ViewReports;
    get_shop_day: DateRangeRequest => ShopDayView, ViewReports;
    close_day: OpenPeriodRequest => ZReportView, CloseDay;
    import_missing: DateRangeRequest => ImportView, CloseDay;
    get_gateway_setup: GatewaySetupRequest => GatewaySetupView, ConfigureGateway;
    configure_gateway: ConfigureGatewayRequest => GatewaySetupView, ConfigureGateway;
    set_gateway_key: SetGatewayKeyRequest => GatewaySetupView, ConfigureGateway;
    remove_gateway_key: GatewaySetupRequest => GatewaySetupView, ConfigureGateway;
    list_readers: GatewaySetupRequest => Vec<ReaderInfo>, ConfigureGateway;
    switch_mode: SwitchModeRequest => GatewaySetupView, SwitchMode;
    list_staff: OwnerRequest => Vec<StaffEntry>, ManageStaff;
    add_staff: AddStaffRequest => Vec<StaffEntry>, ManageStaff;
    set_staff_active: StaffChangeRequest => Vec<StaffEntry>, ManageStaff;
    unlock_staff: StaffChangeRequest => Vec<StaffEntry>, ManageStaff;
    reset_staff_pin: ResetPinRequest => Vec<StaffEntry>, ManageStaff;
    get_limits: OwnerRequest => Limits, ManageStaff;
    update_limits: Limits => Limits, ManageStaff;
    get_shop: OwnerRequest => ShopDetails, ManageStaff;
    update_shop: ShopDetails => ShopDetails, ManageStaff;
    set_language: SetLanguageRequest => SetLanguageRequest, ManageStaff;
    list_alerts: OwnerRequest => Vec<Alert>, ViewAudit;
    list_audit: AuditQueryRequest => Vec<AuditEntry>, ViewAudit;
    verify_audit: OwnerRequest => Verification, VerifyAudit;
    get_keys: KeysRequest => KeysView, ManageKeys;
    get_backups: OwnerRequest => BackupStateView, ManageKeys;
    issue_recovery_kit: OwnerRequest => RecoveryKitView, ManageKeys;
    save_recovery_sheet: SaveRecoverySheetRequest => (), ManageKeys;
    back_up_now: BackUpRequest => BackupStateView, ManageKeys;
    rotate_cache_key: KeysRequest => KeysView, ManageKeys;
    set_support_recipients: SetRecipientsRequest => KeysView, ManageKeys;
}
