// The counter screen. Built for speed at the till: the amount field has
// focus, Enter charges, Esc cancels, and every result is shown in words and
// colour. Today's sales with their refunds, receipts and captures are listed
// under it. User and gateway text is only ever set with textContent.
import { call, asErrorReport } from "../api";
import type { FailureCode } from "../bindings/FailureCode";
import type { Permission } from "../bindings/Permission";
import type { SaleStatus } from "../bindings/SaleStatus";
import type { SaleView } from "../bindings/SaleView";
import type { StatusView } from "../bindings/StatusView";
import { $ } from "../kit/dom";
import { STATUS_WORDS, cardLine, dateText, dayBounds, option } from "../kit/format";
import { t } from "../kit/l10n";
import { authorisationDialog, receiptDialog } from "./dialogs";

export interface CounterHost {
  /** The till as the core last described it (mode, currencies, cards). */
  status(): StatusView | null;
  /** Whether the signed-in member has a permission. */
  can(permission: Permission): boolean;
  /** Minor units as the shop writes the amount, with its currency. */
  format(minor: number, currency: string): string;
  /** Minor units as a cashier types the amount, for a field to edit. */
  typed(minor: number, currency: string): string;
  /** Called when the session ended (idle lock, signed out elsewhere). */
  signedOut(message: string): void;
}

type Step = "entry" | "waiting" | "phone" | "result";

export function counterScreen(host: CounterHost) {
  const el = {
    band: $("training-band"),
    counter: $("counter"),
    form: $<HTMLFormElement>("charge-form"),
    amount: $<HTMLInputElement>("amount"),
    amountError: $("amount-error"),
    currency: $<HTMLSelectElement>("currency"),
    description: $<HTMLInputElement>("description"),
    cardRow: $("simulated-card-row"),
    card: $<HTMLSelectElement>("simulated-card"),
    testCardRow: $("test-card-row"),
    testCard: $<HTMLSelectElement>("test-card"),
    authorizeOnly: $<HTMLInputElement>("authorize-only"),
    resultAction: $("result-action"),
    retry: $<HTMLButtonElement>("retry-button"),
    resultReceipt: $<HTMLButtonElement>("result-receipt"),
    refundReceipt: $<HTMLButtonElement>("refund-receipt"),
    search: $<HTMLFormElement>("search"),
    searchDay: $<HTMLInputElement>("search-day"),
    searchStatus: $<HTMLSelectElement>("search-status"),
    searchLast4: $<HTMLInputElement>("search-last4"),
    searchAmount: $<HTMLInputElement>("search-amount"),
    searchStaff: $<HTMLInputElement>("search-staff"),
    holds: $("holds"),
    charge: $<HTMLButtonElement>("charge-button"),
    phoneOrder: $<HTMLButtonElement>("phone-order-button"),
    phoneWait: $("phone-wait"),
    phoneWaitAmount: $("phone-wait-amount"),
    keypad: $("keypad"),
    decimalKey: $("key-decimal"),
    wait: $("reader-wait"),
    waitAmount: $("reader-wait-amount"),
    cancel: $<HTMLButtonElement>("cancel-button"),
    result: $("result"),
    resultStatus: $("result-status"),
    resultAmount: $("result-amount"),
    resultCard: $("result-card"),
    resultMessage: $("result-message"),
    resultRisk: $("result-risk"),
    resultTraining: $("result-training"),
    newSale: $<HTMLButtonElement>("new-sale-button"),
    salesList: $("sales-list"),
    summary: $("today-summary"),
    resolve: $<HTMLButtonElement>("resolve-button"),
    refund: $<HTMLFormElement>("refund"),
    refundSale: $("refund-sale"),
    refundLeft: $("refund-left"),
    refundAmount: $<HTMLInputElement>("refund-amount"),
    refundReason: $<HTMLSelectElement>("refund-reason"),
    refundNote: $<HTMLInputElement>("refund-note"),
    approval: $("approval"),
    approverName: $<HTMLInputElement>("approver-name"),
    approverPin: $<HTMLInputElement>("approver-pin"),
    refundMessage: $("refund-message"),
    refundClose: $<HTMLButtonElement>("refund-close"),
  };

  let screen: Step = "entry";
  let refunding: SaleView | null = null;
  let lastResult: SaleView | null = null;
  let lastRefundId: string | null = null;
  let listed: SaleView[] = [];

  const dialogHost = {
    signedOut: (message: string) => host.signedOut(message),
    changed: () => void refreshSales(),
    closed: () => el.amount.focus(),
  };
  const receipts = receiptDialog(dialogHost);
  const authorisations = authorisationDialog(dialogHost);

  /** What the cashier can do next, by the outcome code of a sale not charged (`action`: a message id). */
  const NEXT_STEP: Partial<Record<FailureCode, { action: string; retry: boolean }>> = {
    gateway_unreachable: { action: "counter-next-gateway-unreachable", retry: true },
    processing_error: { action: "counter-next-processing-error", retry: true },
    rate_limited: { action: "counter-next-rate-limited", retry: true },
    reader_timeout: { action: "counter-next-reader-timeout", retry: true },
    reader_offline: { action: "counter-next-reader-offline", retry: true },
    key_rejected: { action: "counter-next-key-rejected", retry: false },
    permission_missing: { action: "counter-next-permission-missing", retry: false },
    tls_failure: { action: "counter-next-tls-failure", retry: false },
    outcome_unknown: { action: "counter-next-outcome-unknown", retry: false },
  };

  function show(next: Step): void {
    screen = next;
    el.wait.hidden = next !== "waiting";
    el.phoneWait.hidden = next !== "phone";
    el.phoneOrder.disabled = next !== "entry";
    el.result.hidden = next !== "result";
    el.charge.disabled = next !== "entry";
    if (next === "entry") el.amount.focus();
    if (next === "waiting") el.cancel.focus();
    if (next === "result") el.newSale.focus();
  }

  async function refreshSales(): Promise<void> {
    let sales: SaleView[];
    try {
      sales = await call("list_sales", {
        ...dayBounds(el.searchDay.value),
        status: (el.searchStatus.value || undefined) as SaleStatus | undefined,
        last4: el.searchLast4.value || undefined,
        amount: el.searchAmount.value || undefined,
        currency: el.searchAmount.value ? (el.currency.value as StatusView["currency"]) : undefined,
        staff: el.searchStaff.value || undefined,
      });
    } catch (e) {
      const err = asErrorReport(e);
      el.summary.dataset.code = err.code;
      el.summary.textContent = err.message;
      return;
    }
    listed = sales;
    const tag = host.status()?.language_tag ?? "en-US";
    const rows = sales.map((s) => {
      const li = document.createElement("li");
      li.className = `sale-row status-${s.status}`;
      li.dataset.saleId = s.id;
      li.dataset.status = s.status;
      li.tabIndex = 0;
      li.setAttribute("aria-label", `${t(STATUS_WORDS[s.status])} ${s.amount_display} ${cardLine(s)}`);
      const time = document.createElement("span");
      time.className = "time";
      time.textContent = dateText(s.created_at_ms, tag, "time");
      const amount = document.createElement("span");
      amount.className = "amount";
      amount.textContent = s.amount_display;
      const word = document.createElement("span");
      word.className = "word";
      word.textContent = t(STATUS_WORDS[s.status]);
      const card = document.createElement("span");
      card.className = "card";
      card.textContent = cardLine(s);
      const desc = document.createElement("span");
      desc.className = "desc";
      desc.textContent = [
        s.risk_warning ? `⚠ ${s.risk_warning}` : "",
        s.capture_warning ? `⚠ ${s.capture_warning}` : "",
        s.description ?? "",
      ]
        .filter(Boolean)
        .join(" · ");
      li.append(time, amount, word, card, desc);
      const action = (label: string, aria: string, cls: string, run: () => void) => {
        const b = document.createElement("button");
        b.type = "button";
        b.className = `row-action ${cls}`;
        b.textContent = label;
        b.setAttribute("aria-label", aria);
        b.addEventListener("click", run);
        li.append(b);
      };
      const amountArg = { amount: s.amount_display };
      if (refundable(s)) {
        action(t("counter-row-refund"), t("counter-row-refund-label", amountArg), "refund", () => openRefund(s));
      }
      if (s.status === "authorized" && host.can("capture_void")) {
        action(t("counter-row-capture"), t("counter-row-capture-label", amountArg), "capture", () => authorisations.open(s));
      }
      action(t("counter-row-receipt"), t("counter-row-receipt-label", amountArg), "receipt", () => receipts.open(s));
      li.addEventListener("keydown", (ev) => {
        if (ev.target !== li) return;
        if (ev.key === "r" || ev.key === "R") {
          ev.preventDefault();
          if (refundable(s)) openRefund(s);
        } else if (ev.key === "Enter") {
          ev.preventDefault();
          receipts.open(s);
        }
      });
      return li;
    });
    el.salesList.replaceChildren(...rows);
    const approved = sales.filter((s) => s.status === "approved");
    const totals = new Map<string, number>();
    for (const s of approved) totals.set(s.currency, (totals.get(s.currency) ?? 0) + (s.captured_minor ?? s.amount_minor));
    const totalText = [...totals.entries()].map(([cur, minor]) => host.format(minor, cur)).join(" · ");
    el.summary.dataset.code = "";
    const summary = t("counter-summary", { approved: approved.length, count: sales.length });
    el.summary.textContent = totalText ? `${summary} — ${totalText}` : summary;
    void refreshHolds();
  }

  /** Authorisations still held: card holds lapse after about 7 days. */
  async function refreshHolds(): Promise<void> {
    const now = Date.now();
    try {
      const held = await call("list_sales", { since_ms: now - 7 * 86_400_000, until_ms: now + 1, status: "authorized" });
      el.holds.hidden = held.length === 0;
      if (held.length === 0) return;
      const oldest = Math.min(...held.map((h) => h.created_at_ms));
      const daysLeft = Math.max(0, Math.floor((oldest + 7 * 86_400_000 - now) / 86_400_000));
      el.holds.textContent = t("counter-holds", { count: held.length, days: daysLeft });
    } catch {
      el.holds.hidden = true;
    }
  }

  function refundable(s: SaleView): boolean {
    return s.status === "approved" && (s.refundable_minor ?? 0) > 0;
  }

  function openRefund(sale: SaleView): void {
    refunding = sale;
    const left = sale.refundable_minor ?? 0;
    el.refundSale.textContent = `${sale.amount_display} ${cardLine(sale)}`;
    el.refundLeft.textContent = t("counter-refund-amount", { amount: host.format(left, sale.currency) });
    el.refundAmount.value = host.typed(left, sale.currency);
    el.refundNote.value = "";
    el.approval.hidden = true;
    el.approverName.value = "";
    el.approverPin.value = "";
    el.refundMessage.textContent = "";
    el.refundReceipt.hidden = true;
    lastRefundId = null;
    el.refund.hidden = false;
    el.refundAmount.focus();
    el.refundAmount.select();
  }

  function closeRefund(): void {
    refunding = null;
    el.refund.hidden = true;
    el.approverPin.value = "";
    el.amount.focus();
  }

  async function submitRefund(): Promise<void> {
    if (!refunding) return;
    el.refundMessage.textContent = "";
    const approver = el.approval.hidden ? undefined : { name: el.approverName.value, pin: el.approverPin.value };
    el.approverPin.value = "";
    try {
      const r = await call("refund_sale", {
        sale_id: refunding.id,
        amount: el.refundAmount.value,
        reason: el.refundReason.value as never,
        note: el.refundNote.value || undefined,
        approver,
      });
      lastRefundId = r.id;
      el.refundReceipt.hidden = false;
      el.refundMessage.dataset.code = r.status;
      el.refundMessage.textContent = t("counter-refund-done", {
        message: r.message,
        amount: r.amount_display,
        left: r.refundable_display,
      });
      refunding = { ...refunding, refundable_minor: refunding.refundable_minor === null ? null : refunding.refundable_minor - r.amount_minor };
      el.refundLeft.textContent = t("counter-refund-amount", { amount: r.refundable_display });
      el.refundAmount.value = r.refundable_display;
      el.approval.hidden = true;
      void refreshSales();
    } catch (e) {
      const err = asErrorReport(e);
      if (err.code === "not_signed_in") {
        closeRefund();
        return host.signedOut(err.message);
      }
      if (err.code === "needs_approval") {
        el.approval.hidden = false;
        el.approverName.focus();
      }
      el.refundMessage.dataset.code = err.code;
      el.refundMessage.textContent = err.message;
    }
  }

  async function resolveInDoubt(): Promise<void> {
    el.resolve.disabled = true;
    try {
      const r = await call("resolve_in_doubt", {});
      el.resultMessage.textContent = r.unresolved === 0 ? t("counter-resolved") : t("counter-still-in-doubt");
      if (r.unresolved === 0) el.resolve.hidden = true;
      void refreshSales();
    } catch (e) {
      el.resultMessage.textContent = asErrorReport(e).message;
    } finally {
      el.resolve.disabled = false;
    }
  }

  function showResult(sale: SaleView): void {
    el.result.dataset.status = sale.status;
    el.resultStatus.textContent = t(STATUS_WORDS[sale.status]);
    el.resultAmount.textContent = sale.amount_display;
    el.resultCard.textContent = cardLine(sale);
    el.resultMessage.textContent = sale.message;
    el.resultTraining.hidden = !sale.training;
    el.resultRisk.hidden = !sale.risk_warning;
    el.resultRisk.textContent = sale.risk_warning ?? "";
    el.resolve.hidden = sale.status !== "in_doubt";
    const next = sale.status === "in_doubt" ? NEXT_STEP.outcome_unknown : sale.status === "failed" ? NEXT_STEP[sale.outcome_code as FailureCode] : undefined;
    el.resultAction.hidden = !next;
    el.resultAction.textContent = next ? t(next.action) : "";
    el.retry.hidden = !next?.retry;
    el.resultReceipt.hidden = sale.status === "in_doubt" || sale.status === "failed";
    lastResult = sale;
    show("result");
  }

  /** Back to the amount, kept as it was, ready to charge again. */
  function retry(): void {
    el.amountError.textContent = "";
    show("entry");
    el.charge.focus();
  }

  async function charge(): Promise<void> {
    const till = host.status();
    if (screen !== "entry" || !till) return;
    el.amountError.textContent = "";
    const amount = el.amount.value;
    const currency = el.currency.value as StatusView["currency"];
    el.waitAmount.textContent = `${amount} ${currency}`;
    show("waiting");
    try {
      const sale = await call("charge_sale", {
        amount,
        currency,
        description: el.description.value || undefined,
        simulated_card: till.mode === "training" ? (el.card.value as never) : undefined,
        test_card: till.test_cards.length > 0 ? (el.testCard.value as never) : undefined,
        authorize_only: el.authorizeOnly.checked || undefined,
      });
      showResult(sale);
      void refreshSales();
    } catch (e) {
      notCharged(e);
    }
  }

  /** A charge that did not happen: back to the amount, saying why (a
   * closed card window needs no words). */
  function notCharged(e: unknown): void {
    const err = asErrorReport(e);
    show("entry");
    if (err.code === "not_signed_in") return host.signedOut(err.message);
    if (err.code === "cancelled") return;
    el.amountError.textContent = err.message;
    el.amountError.dataset.code = err.code;
  }

  /** A phone order: the card is typed into the gateway's fields in the
   * card window, and the same call charges it like any sale. Closing the
   * card window cancels. */
  async function phoneOrder(): Promise<void> {
    if (screen !== "entry") return;
    el.amountError.textContent = "";
    const amount = el.amount.value;
    const currency = el.currency.value as StatusView["currency"];
    el.phoneWaitAmount.textContent = `${amount} ${currency}`;
    show("phone");
    try {
      const sale = await call("charge_sale", {
        amount,
        currency,
        description: el.description.value || undefined,
        authorize_only: el.authorizeOnly.checked || undefined,
        phone_order: true,
      });
      showResult(sale);
      void refreshSales();
    } catch (e) {
      notCharged(e);
    }
  }

  function newSale(): void {
    el.amount.value = "";
    el.description.value = "";
    el.authorizeOnly.checked = false;
    el.amountError.textContent = "";
    show("entry");
  }

  async function cancel(): Promise<void> {
    if (screen !== "waiting") return;
    el.cancel.disabled = true;
    try {
      await call("cancel_charge", {});
    } catch {
      // The charge finished first; its result arrives through charge().
    } finally {
      el.cancel.disabled = false;
    }
  }

  function onKeypad(key: string): void {
    if (screen !== "entry") return;
    if (key === "back") el.amount.value = el.amount.value.slice(0, -1);
    else el.amount.value += key === "." ? el.decimalKey.textContent ?? "." : key;
    el.amount.focus();
  }

  /** A zero in the chosen currency, written as it is typed at this till (`0,00`, `0`). */
  function showPlaceholder(): void {
    const till = host.status();
    const decimals = till?.currencies.find((c) => c.code === el.currency.value)?.decimals ?? 2;
    el.amount.placeholder = decimals > 0 ? `0${till?.numbers.decimal ?? "."}${"0".repeat(decimals)}` : "0";
  }

  /** The till's look: mode band, currencies, simulated or test cards. */
  function applyTill(s: StatusView): void {
    el.band.hidden = s.mode !== "training";
    document.body.classList.toggle("training", s.mode === "training");
    el.currency.replaceChildren(...s.currencies.map((c) => option(c.code, c.code)));
    el.currency.value = s.currency;
    el.decimalKey.textContent = s.numbers.decimal;
    showPlaceholder();
    el.description.maxLength = s.max_description_chars;
    el.cardRow.hidden = s.mode !== "training";
    el.card.replaceChildren(...s.simulated_cards.map((c) => option(c.card, c.label)));
    el.testCardRow.hidden = s.test_cards.length === 0;
    el.phoneOrder.hidden = !s.phone_orders;
    el.testCard.replaceChildren(...s.test_cards.map((c) => option(c.card, c.label)));
  }

  el.form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    void charge();
  });
  el.currency.addEventListener("change", showPlaceholder);
  el.keypad.addEventListener("click", (ev) => {
    const key = (ev.target as HTMLElement).closest("button")?.dataset.key;
    if (key) onKeypad(key);
  });
  el.cancel.addEventListener("click", () => void cancel());
  el.phoneOrder.addEventListener("click", () => void phoneOrder());
  el.resolve.addEventListener("click", () => void resolveInDoubt());
  el.refund.addEventListener("submit", (ev) => {
    ev.preventDefault();
    void submitRefund();
  });
  el.refundClose.addEventListener("click", closeRefund);
  el.newSale.addEventListener("click", newSale);
  el.retry.addEventListener("click", retry);
  el.resultReceipt.addEventListener("click", () => {
    if (!lastResult) return;
    const sale = lastResult;
    newSale();
    receipts.open(sale);
  });
  el.refundReceipt.addEventListener("click", () => {
    if (!refunding || !lastRefundId) return;
    const [sale, id] = [refunding, lastRefundId];
    closeRefund();
    receipts.open(sale, id);
  });
  el.search.addEventListener("submit", (ev) => {
    ev.preventDefault();
    void refreshSales();
  });

  /** The counter's keys, while it is on screen (F2 is the app's). */
  function onKey(ev: KeyboardEvent): void {
    if (receipts.isOpen() || authorisations.isOpen()) {
      if (ev.key === "Escape") {
        ev.preventDefault();
        receipts.close();
        authorisations.close();
      }
    } else if (ev.key === "F4") {
      ev.preventDefault();
      const latest = listed.find(refundable);
      if (latest && screen === "entry") openRefund(latest);
    } else if (!el.refund.hidden) {
      if (ev.key === "Escape") {
        ev.preventDefault();
        closeRefund();
      }
    } else if (ev.key === "Escape") {
      ev.preventDefault();
      if (screen === "waiting") void cancel();
      else newSale();
    } else if (ev.key === "Enter" && screen === "result") {
      ev.preventDefault();
      newSale();
    }
  }

  return {
    /** Shows the counter, ready for an amount, with today's sales. */
    open(): void {
      el.counter.hidden = false;
      show("entry");
      void refreshSales();
    },
    hide(): void {
      el.counter.hidden = true;
    },
    isOpen(): boolean {
      return !el.counter.hidden;
    },
    /** A charge is waiting at the reader or a phone order for its card: the screen must not lock. */
    busy(): boolean {
      return screen === "waiting" || screen === "phone";
    },
    applyTill,
    onKey,
  };
}
