// Formatting shared by the screens: words for statuses, card lines, the
// local day's bounds and minor units as text. Pure functions, no state.
import type { SaleStatus } from "../bindings/SaleStatus";
import type { SaleView } from "../bindings/SaleView";

/** What the cashier reads for each status. */
export const STATUS_WORDS: Record<SaleStatus, string> = {
  approved: "APPROVED",
  authorized: "AUTHORISED",
  voided: "VOIDED",
  declined: "DECLINED",
  failed: "NOT CHARGED",
  cancelled: "CANCELLED",
  in_doubt: "IN DOUBT",
  pending: "IN DOUBT",
};

export function option(value: string, label: string): HTMLOptionElement {
  const o = document.createElement("option");
  o.value = value;
  o.textContent = label;
  return o;
}

export function cardLine(sale: SaleView): string {
  return sale.card ? `${sale.card.brand.toUpperCase()} •••• ${sale.card.last4}` : "";
}

/** The local day around `now`, as epoch ms bounds. */
export function localDayBounds(now = new Date()): { since_ms: number; until_ms: number } {
  const start = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const end = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
  return { since_ms: start.getTime(), until_ms: end.getTime() };
}

/** A `YYYY-MM-DD` day as local bounds (today when it does not parse). */
export function dayBounds(day: string): { since_ms: number; until_ms: number } {
  const [y, m, d] = day.split("-").map(Number);
  if (!y || !m || !d) return localDayBounds();
  return localDayBounds(new Date(y, m - 1, d));
}

/** Minor units as text with `decimals` places (no thousands grouping). */
export function minorAsText(minor: number, decimals: number): string {
  const sign = minor < 0 ? "-" : "";
  const abs = Math.abs(minor);
  if (decimals === 0) return `${sign}${abs}`;
  const per = 10 ** decimals;
  return `${sign}${Math.floor(abs / per)}.${String(abs % per).padStart(decimals, "0")}`;
}
