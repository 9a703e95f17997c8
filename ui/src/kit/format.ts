// Formatting shared by the screens: words for statuses and roles, card
// lines, the local day's bounds, dates in the shop's language and amounts
// as a cashier types them. Pure functions, no state.
import type { Role } from "../bindings/Role";
import type { SaleStatus } from "../bindings/SaleStatus";
import type { NumberStyle } from "../bindings/NumberStyle";
import type { SaleView } from "../bindings/SaleView";

/** What the cashier reads for each status: message ids, for `t`. */
export const STATUS_WORDS: Record<SaleStatus, string> = {
  approved: "status-word-approved",
  authorized: "status-word-authorized",
  voided: "status-word-voided",
  declined: "status-word-declined",
  failed: "status-word-failed",
  cancelled: "status-word-cancelled",
  in_doubt: "status-word-in-doubt",
  pending: "status-word-in-doubt",
};

/** Each role's name: message ids, for `t`. */
export const ROLE_WORDS: Record<Role, string> = {
  cashier: "role-cashier",
  manager: "role-manager",
  support: "role-support",
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

/** A `YYYY-MM-DD` day as a local date (none when it does not parse). */
export function parseDay(day: string): Date | null {
  const [y, m, d] = day.split("-").map(Number);
  return y && m && d ? new Date(y, m - 1, d) : null;
}

/** A `YYYY-MM-DD` day as local bounds (today when it does not parse). */
export function dayBounds(day: string): { since_ms: number; until_ms: number } {
  const date = parseDay(day);
  return date ? localDayBounds(date) : localDayBounds();
}

const dateStyles = {
  date: { dateStyle: "short" },
  time: { timeStyle: "short" },
  dateTime: { dateStyle: "short", timeStyle: "short" },
} as const satisfies Record<string, Intl.DateTimeFormatOptions>;

/** A moment as the shop writes it (`tag`: the status's `language_tag`). */
export function dateText(at: Date | number, tag: string, style: keyof typeof dateStyles): string {
  return new Intl.DateTimeFormat(tag, dateStyles[style]).format(at);
}

/** A `YYYY-MM-DD` day as the shop writes it (as given when it does not parse). */
export function dayText(day: string, tag: string): string {
  const date = parseDay(day);
  return date ? dateText(date, tag, "date") : day;
}

/** Minor units as a cashier would type them: the till's decimal mark, no
 * grouping, no currency, so the core always reads it back. */
export function minorAsTyped(minor: number, decimals: number, decimalMark: string): string {
  const sign = minor < 0 ? "-" : "";
  const abs = Math.abs(minor);
  if (decimals === 0) return `${sign}${abs}`;
  const per = 10 ** decimals;
  return `${sign}${Math.floor(abs / per)}${decimalMark}${String(abs % per).padStart(decimals, "0")}`;
}

/** Minor units as the shop writes an amount: the core's `Money::text`
 * (crates/core/src/money.rs) line for line. */
export function moneyText(
  minor: number,
  decimals: number,
  symbol: string | null,
  code: string,
  marks: NumberStyle,
): string {
  const abs = Math.abs(minor);
  const per = 10 ** decimals;
  const whole = String(Math.floor(abs / per));
  let number = whole.length < 4 + Math.max(marks.min_grouping - 1, 0) ? whole : grouped(whole, marks.group);
  if (decimals > 0) number += marks.decimal + String(abs % per).padStart(decimals, "0");
  const sign = minor < 0 ? "-" : "";
  const nbsp = "\u00a0";
  if (marks.symbol_first) return symbol ? `${sign}${symbol}${number}` : `${sign}${code}${nbsp}${number}`;
  return `${sign}${number}${nbsp}${symbol ?? code}`;
}

function grouped(digits: string, mark: string): string {
  let out = "";
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += mark;
    out += digits[i];
  }
  return out;
}
