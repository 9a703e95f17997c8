// The one place the UI talks to the core. Every command takes one request
// object and either returns its view or rejects with an ErrorReport.
import { invoke } from "@tauri-apps/api/core";
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
};
