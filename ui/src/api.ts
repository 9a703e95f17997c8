// The one place the UI talks to the core. Every command takes one request
// object and either returns its view or rejects with an ErrorReport.
import { invoke } from "@tauri-apps/api/core";
import type { KeysView } from "./bindings/KeysView";
import type { SetRecipientsRequest } from "./bindings/SetRecipientsRequest";
import type { BundleView } from "./bindings/BundleView";
import type { CancelChargeRequest } from "./bindings/CancelChargeRequest";
import type { ChargeSaleRequest } from "./bindings/ChargeSaleRequest";
import type { CreateOwnerRequest } from "./bindings/CreateOwnerRequest";
import type { RefundSaleRequest } from "./bindings/RefundSaleRequest";
import type { RefundView } from "./bindings/RefundView";
import type { ResolveView } from "./bindings/ResolveView";
import type { SessionView } from "./bindings/SessionView";
import type { SignInRequest } from "./bindings/SignInRequest";
import type { ErrorReport } from "./bindings/ErrorReport";
import type { GetStatusRequest } from "./bindings/GetStatusRequest";
import type { ListSalesRequest } from "./bindings/ListSalesRequest";
import type { SaleView } from "./bindings/SaleView";
import type { StatusView } from "./bindings/StatusView";
import type { DateRangeRequest } from "./bindings/DateRangeRequest";
import type { ExportView } from "./bindings/ExportView";
import type { ImportView } from "./bindings/ImportView";
import type { Reconciliation } from "./bindings/Reconciliation";
import type { ReportView } from "./bindings/ReportView";
import type { GetZReportRequest } from "./bindings/GetZReportRequest";
import type { ZReportView } from "./bindings/ZReportView";
import type { ZSummary } from "./bindings/ZSummary";
import type { CaptureSaleRequest } from "./bindings/CaptureSaleRequest";
import type { VoidSaleRequest } from "./bindings/VoidSaleRequest";
import type { ReceiptRequest } from "./bindings/ReceiptRequest";
import type { ReceiptView } from "./bindings/ReceiptView";
import type { EmailReceiptRequest } from "./bindings/EmailReceiptRequest";
import type { ConfigureGatewayRequest } from "./bindings/ConfigureGatewayRequest";
import type { GatewaySetupView } from "./bindings/GatewaySetupView";
import type { ReaderInfo } from "./bindings/ReaderInfo";
import type { SetGatewayKeyRequest } from "./bindings/SetGatewayKeyRequest";
import type { SwitchModeRequest } from "./bindings/SwitchModeRequest";
import type { AddStaffRequest } from "./bindings/AddStaffRequest";
import type { Alert } from "./bindings/Alert";
import type { AuditEntry } from "./bindings/AuditEntry";
import type { AuditQueryRequest } from "./bindings/AuditQueryRequest";
import type { ConfirmPinRequest } from "./bindings/ConfirmPinRequest";
import type { Limits } from "./bindings/Limits";
import type { ResetPinRequest } from "./bindings/ResetPinRequest";
import type { StaffChangeRequest } from "./bindings/StaffChangeRequest";
import type { StaffEntry } from "./bindings/StaffEntry";
import type { Verification } from "./bindings/Verification";

export function isErrorReport(e: unknown): e is ErrorReport {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

/** Any rejection as an ErrorReport, so screens branch on `code` only. */
export function asErrorReport(e: unknown): ErrorReport {
  if (isErrorReport(e)) return e;
  return { code: "internal", message: "Something went wrong in the terminal. Nothing was charged twice; try again." };
}

export const api = {
  getStatus: (request: GetStatusRequest = {}) => invoke<StatusView>("get_status", { request }),
  createOwner: (request: CreateOwnerRequest) => invoke<SessionView>("create_owner", { request }),
  signIn: (request: SignInRequest) => invoke<SessionView>("sign_in", { request }),
  signOut: () => invoke<void>("sign_out", { request: {} }),
  chargeSale: (request: ChargeSaleRequest) => invoke<SaleView>("charge_sale", { request }),
  cancelCharge: (request: CancelChargeRequest = {}) => invoke<void>("cancel_charge", { request }),
  listSales: (request: ListSalesRequest) => invoke<SaleView[]>("list_sales", { request }),
  refundSale: (request: RefundSaleRequest) => invoke<RefundView>("refund_sale", { request }),
  resolveInDoubt: () => invoke<ResolveView>("resolve_in_doubt", { request: {} }),
  previewBundle: () => invoke<BundleView>("preview_bundle", { request: {} }),
  exportBundle: () => invoke<BundleView>("export_bundle", { request: {} }),
  getDayReport: (request: DateRangeRequest) => invoke<ReportView>("get_day_report", { request }),
  getXReport: () => invoke<ReportView>("get_x_report", { request: {} }),
  closeDay: () => invoke<ZReportView>("close_day", { request: {} }),
  getZReport: (request: GetZReportRequest) => invoke<ZReportView>("get_z_report", { request }),
  listZReports: () => invoke<ZSummary[]>("list_z_reports", { request: {} }),
  exportCsv: (request: DateRangeRequest) => invoke<ExportView>("export_csv", { request }),
  reconcileDay: (request: DateRangeRequest) => invoke<Reconciliation>("reconcile_day", { request }),
  importMissing: (request: DateRangeRequest) => invoke<ImportView>("import_missing", { request }),
  captureSale: (request: CaptureSaleRequest) => invoke<SaleView>("capture_sale", { request }),
  voidSale: (request: VoidSaleRequest) => invoke<SaleView>("void_sale", { request }),
  printReceipt: (request: ReceiptRequest) => invoke<ReceiptView>("print_receipt", { request }),
  emailReceipt: (request: EmailReceiptRequest) => invoke<void>("email_receipt", { request }),
  getGatewaySetup: () => invoke<GatewaySetupView>("get_gateway_setup", { request: {} }),
  configureGateway: (request: ConfigureGatewayRequest) => invoke<GatewaySetupView>("configure_gateway", { request }),
  setGatewayKey: (request: SetGatewayKeyRequest) => invoke<GatewaySetupView>("set_gateway_key", { request }),
  removeGatewayKey: () => invoke<GatewaySetupView>("remove_gateway_key", { request: {} }),
  listReaders: () => invoke<ReaderInfo[]>("list_readers", { request: {} }),
  switchMode: (request: SwitchModeRequest) => invoke<GatewaySetupView>("switch_mode", { request }),
  confirmPin: (request: ConfirmPinRequest) => invoke<void>("confirm_pin", { request }),
  listStaff: () => invoke<StaffEntry[]>("list_staff", { request: {} }),
  addStaff: (request: AddStaffRequest) => invoke<StaffEntry[]>("add_staff", { request }),
  setStaffActive: (request: StaffChangeRequest) => invoke<StaffEntry[]>("set_staff_active", { request }),
  unlockStaff: (request: StaffChangeRequest) => invoke<StaffEntry[]>("unlock_staff", { request }),
  resetStaffPin: (request: ResetPinRequest) => invoke<StaffEntry[]>("reset_staff_pin", { request }),
  getLimits: () => invoke<Limits>("get_limits", { request: {} }),
  updateLimits: (request: Limits) => invoke<Limits>("update_limits", { request }),
  listAlerts: () => invoke<Alert[]>("list_alerts", { request: {} }),
  listAudit: (request: AuditQueryRequest) => invoke<AuditEntry[]>("list_audit", { request }),
  verifyAudit: () => invoke<Verification>("verify_audit", { request: {} }),
  getKeys: () => invoke<KeysView>("get_keys", { request: {} }),
  rotateCacheKey: () => invoke<KeysView>("rotate_cache_key", { request: {} }),
  setSupportRecipients: (request: SetRecipientsRequest) => invoke<KeysView>("set_support_recipients", { request }),
};
