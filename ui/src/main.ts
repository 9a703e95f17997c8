// The counter screen. Built for speed at the till: the amount field has
// focus, Enter charges, Esc cancels, and every result is shown in words and
// colour. User and gateway text is only ever set with textContent.
import { api, asErrorReport } from "./api";
import type { SaleStatus } from "./bindings/SaleStatus";
import type { SaleView } from "./bindings/SaleView";
import type { BundleView } from "./bindings/BundleView";
import type { SessionView } from "./bindings/SessionView";
import type { StatusView } from "./bindings/StatusView";
import { reportsScreen } from "./reports";

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el as T;
};

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
  charge: $<HTMLButtonElement>("charge-button"),
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
  signIn: $("sign-in"),
  signInForm: $<HTMLFormElement>("sign-in-form"),
  signInTitle: $("sign-in-title"),
  signInHint: $("sign-in-hint"),
  staffName: $<HTMLInputElement>("staff-name"),
  staffPin: $<HTMLInputElement>("staff-pin"),
  signInError: $("sign-in-error"),
  signInButton: $<HTMLButtonElement>("sign-in-button"),
  sessionBar: $("session-bar"),
  sessionName: $("session-name"),
  lock: $<HTMLButtonElement>("lock-button"),
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
  support: $("support"),
  supportButton: $<HTMLButtonElement>("support-button"),
  reportsButton: $<HTMLButtonElement>("reports-button"),
  supportBack: $<HTMLButtonElement>("support-back"),
  bundlePreview: $<HTMLButtonElement>("bundle-preview"),
  bundleExport: $<HTMLButtonElement>("bundle-export"),
  bundleFiles: $("bundle-files"),
  bundleMessage: $("bundle-message"),
  startupError: $("startup-error"),
  startupErrorMessage: $("startup-error-message"),
  startupErrorCode: $("startup-error-code"),
};

type Screen = "entry" | "waiting" | "result";
let screen: Screen = "entry";
let status: StatusView | null = null;
let needsOwner = false;
let idleTimer: number | undefined;
let refunding: SaleView | null = null;

const STATUS_WORDS: Record<SaleStatus, string> = {
  approved: "APPROVED",
  authorized: "AUTHORISED",
  voided: "VOIDED",
  declined: "DECLINED",
  failed: "NOT CHARGED",
  cancelled: "CANCELLED",
  in_doubt: "IN DOUBT",
  pending: "IN DOUBT",
};

function show(next: Screen): void {
  screen = next;
  el.wait.hidden = next !== "waiting";
  el.result.hidden = next !== "result";
  el.charge.disabled = next !== "entry";
  if (next === "entry") el.amount.focus();
  if (next === "waiting") el.cancel.focus();
  if (next === "result") el.newSale.focus();
}

function option(value: string, label: string): HTMLOptionElement {
  const o = document.createElement("option");
  o.value = value;
  o.textContent = label;
  return o;
}

function cardLine(sale: SaleView): string {
  return sale.card ? `${sale.card.brand.toUpperCase()} •••• ${sale.card.last4}` : "";
}

function localDayBounds(now = new Date()): { since_ms: number; until_ms: number } {
  const start = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const end = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
  return { since_ms: start.getTime(), until_ms: end.getTime() };
}

async function refreshSales(): Promise<void> {
  let sales: SaleView[];
  try {
    sales = await api.listSales(localDayBounds());
  } catch (e) {
    el.summary.textContent = asErrorReport(e).message;
    return;
  }
  const rows = sales.map((s) => {
    const li = document.createElement("li");
    li.className = `sale-row status-${s.status}`;
    li.dataset.saleId = s.id;
    li.dataset.status = s.status;
    const time = document.createElement("span");
    time.className = "time";
    time.textContent = new Date(s.created_at_ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    const amount = document.createElement("span");
    amount.className = "amount";
    amount.textContent = `${s.amount_display} ${s.currency}`;
    const word = document.createElement("span");
    word.className = "word";
    word.textContent = STATUS_WORDS[s.status];
    const card = document.createElement("span");
    card.className = "card";
    card.textContent = cardLine(s);
    const desc = document.createElement("span");
    desc.className = "desc";
    desc.textContent = [s.risk_warning ? `⚠ ${s.risk_warning}` : "", s.description ?? ""].filter(Boolean).join(" · ");
    li.append(time, amount, word, card, desc);
    if (s.status === "approved" && (s.refundable_minor ?? 0) > 0) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "row-action";
      b.textContent = "Refund";
      b.setAttribute("aria-label", `Refund ${s.amount_display} ${s.currency}`);
      b.addEventListener("click", () => openRefund(s));
      li.append(b);
    }
    return li;
  });
  el.salesList.replaceChildren(...rows);
  const approved = sales.filter((s) => s.status === "approved");
  const totals = new Map<string, number>();
  for (const s of approved) totals.set(s.currency, (totals.get(s.currency) ?? 0) + s.amount_minor);
  const totalText = [...totals.entries()].map(([cur, minor]) => `${formatMinor(minor, cur)} ${cur}`).join(" · ");
  el.summary.textContent = `${approved.length} approved of ${sales.length}${totalText ? ` — ${totalText}` : ""}`;
}

function decimalsOf(currency: string): number {
  return status?.currencies.find((c) => c.code === currency)?.decimals ?? 2;
}

function formatMinor(minor: number, currency: string): string {
  const d = decimalsOf(currency);
  const sign = minor < 0 ? "-" : "";
  const abs = Math.abs(minor);
  if (d === 0) return `${sign}${abs}`;
  const per = 10 ** d;
  return `${sign}${Math.floor(abs / per)}.${String(abs % per).padStart(d, "0")}`;
}

function openRefund(sale: SaleView): void {
  refunding = sale;
  const left = formatMinor(sale.refundable_minor ?? 0, sale.currency);
  el.refundSale.textContent = `${sale.amount_display} ${sale.currency} ${cardLine(sale)}`;
  el.refundLeft.textContent = `${left} ${sale.currency}`;
  el.refundAmount.value = left;
  el.refundNote.value = "";
  el.approval.hidden = true;
  el.approverName.value = "";
  el.approverPin.value = "";
  el.refundMessage.textContent = "";
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
    const r = await api.refundSale({
      sale_id: refunding.id,
      amount: el.refundAmount.value,
      reason: el.refundReason.value as never,
      note: el.refundNote.value || undefined,
      approver,
    });
    el.refundMessage.dataset.code = r.status;
    el.refundMessage.textContent = `${r.message} ${r.amount_display} ${r.currency} refunded; ${r.refundable_display} ${r.currency} left.`;
    refunding = { ...refunding, refundable_minor: refunding.refundable_minor === null ? null : refunding.refundable_minor - r.amount_minor };
    el.refundLeft.textContent = `${r.refundable_display} ${r.currency}`;
    el.refundAmount.value = r.refundable_display;
    el.approval.hidden = true;
    void refreshSales();
  } catch (e) {
    const err = asErrorReport(e);
    if (err.code === "not_signed_in") {
      closeRefund();
      return showSignIn(err.message);
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
    const r = await api.resolveInDoubt();
    el.resultMessage.textContent =
      r.unresolved === 0
        ? "Resolved: see the sale's status in today's list."
        : "Still in doubt: the payment service cannot be asked yet. Try again in a minute. Do not charge again.";
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
  el.resultStatus.textContent = STATUS_WORDS[sale.status];
  el.resultAmount.textContent = `${sale.amount_display} ${sale.currency}`;
  el.resultCard.textContent = cardLine(sale);
  el.resultMessage.textContent = sale.message;
  el.resultTraining.hidden = !sale.training;
  el.resultRisk.hidden = !sale.risk_warning;
  el.resultRisk.textContent = sale.risk_warning ?? "";
  el.resolve.hidden = sale.status !== "in_doubt";
  show("result");
}

async function charge(): Promise<void> {
  if (screen !== "entry" || !status) return;
  el.amountError.textContent = "";
  const amount = el.amount.value;
  const currency = el.currency.value as StatusView["currency"];
  el.waitAmount.textContent = `${amount} ${currency}`;
  show("waiting");
  try {
    const sale = await api.chargeSale({
      amount,
      currency,
      description: el.description.value || undefined,
      simulated_card: status.mode === "training" ? (el.card.value as never) : undefined,
    });
    showResult(sale);
    void refreshSales();
  } catch (e) {
    const err = asErrorReport(e);
    show("entry");
    if (err.code === "not_signed_in") return showSignIn(err.message);
    el.amountError.textContent = err.message;
    el.amountError.dataset.code = err.code;
  }
}

function newSale(): void {
  el.amount.value = "";
  el.description.value = "";
  el.amountError.textContent = "";
  show("entry");
}

async function cancel(): Promise<void> {
  if (screen !== "waiting") return;
  el.cancel.disabled = true;
  try {
    await api.cancelCharge();
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

function showSignIn(message = ""): void {
  el.counter.hidden = true;
  el.support.hidden = true;
  reports.hide();
  el.sessionBar.hidden = true;
  el.signIn.hidden = false;
  el.signInTitle.textContent = needsOwner ? "Create the owner's account" : "Sign in";
  el.signInHint.textContent = needsOwner
    ? "This terminal is new. Choose the owner's name and a PIN of at least 6 digits."
    : "Enter your name and PIN.";
  el.signInButton.textContent = needsOwner ? "Create owner" : "Sign in";
  el.signInError.textContent = message;
  el.staffPin.value = "";
  (el.staffName.value ? el.staffPin : el.staffName).focus();
}

const reports = reportsScreen({
  format: (minor, currency) => formatMinor(minor, currency),
  signedOut: (message) => showSignIn(message),
  back: () => {
    reports.hide();
    el.counter.hidden = false;
    show("entry");
    void refreshSales();
  },
});

function showReports(): void {
  el.counter.hidden = true;
  el.support.hidden = true;
  reports.open();
}

function showCounter(session: SessionView): void {
  el.signIn.hidden = true;
  el.support.hidden = true;
  reports.hide();
  el.sessionName.textContent = `${session.name} · ${session.role}`;
  el.sessionBar.hidden = false;
  const canCharge = session.permissions.includes("charge");
  const canExport = session.permissions.includes("export_bundle");
  el.supportButton.hidden = !(canExport && canCharge);
  el.reportsButton.hidden = !session.permissions.includes("view_reports");
  el.supportBack.hidden = !canCharge;
  armIdleLock();
  if (!canCharge) return showSupport();
  el.counter.hidden = false;
  show("entry");
  void refreshSales();
}

function showSupport(): void {
  el.counter.hidden = true;
  el.support.hidden = false;
  el.bundleFiles.replaceChildren();
  el.bundleMessage.textContent = "";
  el.bundlePreview.focus();
}

function listFiles(view: BundleView): void {
  el.bundleFiles.replaceChildren(
    ...view.manifest.files.map((f) => {
      const li = document.createElement("li");
      li.textContent = `${f.path} — ${f.bytes} bytes`;
      return li;
    }),
  );
}

async function bundle(action: "preview" | "export"): Promise<void> {
  el.bundleMessage.textContent = action === "preview" ? "Collecting…" : "Sealing…";
  try {
    const view = action === "preview" ? await api.previewBundle() : await api.exportBundle();
    listFiles(view);
    el.bundleMessage.dataset.state = action;
    el.bundleMessage.textContent =
      action === "preview"
        ? `${view.manifest.files.length} files will be sealed for ${view.manifest.recipients.length} recipient(s).`
        : `Sealed and saved to ${view.path ?? ""}. Send this file to support.`;
  } catch (e) {
    const err = asErrorReport(e);
    if (err.code === "not_signed_in") return showSignIn(err.message);
    el.bundleMessage.dataset.state = "error";
    el.bundleMessage.textContent = err.message;
  }
}

/** Locks the screen after the owner's idle limit (the core enforces it too). */
function armIdleLock(): void {
  window.clearTimeout(idleTimer);
  const minutes = status?.idle_lock_minutes ?? 15;
  idleTimer = window.setTimeout(() => void lock("The screen locked after being idle."), minutes * 60_000);
}

async function lock(message = ""): Promise<void> {
  if (screen === "waiting") return;
  window.clearTimeout(idleTimer);
  try {
    await api.signOut();
  } catch {
    // Already signed out.
  }
  showSignIn(message);
}

async function submitSignIn(): Promise<void> {
  el.signInError.textContent = "";
  const request = { name: el.staffName.value, pin: el.staffPin.value };
  el.staffPin.value = "";
  try {
    const session = needsOwner ? await api.createOwner(request) : await api.signIn(request);
    needsOwner = false;
    showCounter(session);
  } catch (e) {
    const err = asErrorReport(e);
    el.signInError.textContent = err.message;
    el.signInError.dataset.code = err.code;
    el.staffPin.focus();
  }
}

function wire(): void {
  el.signInForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    void submitSignIn();
  });
  el.lock.addEventListener("click", () => void lock());
  el.supportButton.addEventListener("click", showSupport);
  el.reportsButton.addEventListener("click", showReports);
  el.supportBack.addEventListener("click", () => {
    el.support.hidden = true;
    el.counter.hidden = false;
    show("entry");
  });
  el.bundlePreview.addEventListener("click", () => void bundle("preview"));
  el.bundleExport.addEventListener("click", () => void bundle("export"));
  for (const kind of ["keydown", "pointerdown"]) {
    document.addEventListener(kind, () => {
      if (!el.sessionBar.hidden) armIdleLock();
    });
  }
  el.form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    void charge();
  });
  el.keypad.addEventListener("click", (ev) => {
    const key = (ev.target as HTMLElement).closest("button")?.dataset.key;
    if (key) onKeypad(key);
  });
  el.cancel.addEventListener("click", () => void cancel());
  el.resolve.addEventListener("click", () => void resolveInDoubt());
  el.refund.addEventListener("submit", (ev) => {
    ev.preventDefault();
    void submitRefund();
  });
  el.refundClose.addEventListener("click", closeRefund);
  el.newSale.addEventListener("click", newSale);
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "F2") {
      ev.preventDefault();
      void lock();
    } else if (el.counter.hidden || !el.support.hidden) {
      return;
    } else if (!el.refund.hidden) {
      if (ev.key === "Escape") {
        ev.preventDefault();
        closeRefund();
      }
    } else if (ev.key === "Escape") {
      ev.preventDefault();
      if (screen === "waiting") void cancel();
      else if (screen === "result") newSale();
      else newSale();
    } else if (ev.key === "Enter" && screen === "result") {
      ev.preventDefault();
      newSale();
    }
  });
}

function applyStatus(s: StatusView): void {
  status = s;
  if (s.startup_error) {
    el.startupError.hidden = false;
    el.startupErrorMessage.textContent = s.startup_error.message;
    el.startupErrorCode.textContent = `code: ${s.startup_error.code}`;
    return;
  }
  el.band.hidden = s.mode !== "training";
  document.body.classList.toggle("training", s.mode === "training");
  el.currency.replaceChildren(...s.currencies.map((c) => option(c.code, c.code)));
  el.currency.value = s.currency;
  el.decimalKey.textContent = s.decimal_separator === "comma" ? "," : ".";
  el.description.maxLength = s.max_description_chars;
  el.cardRow.hidden = s.mode !== "training";
  el.card.replaceChildren(...s.simulated_cards.map((c) => option(c.card, c.label)));
  needsOwner = s.needs_owner;
  if (s.session) showCounter(s.session);
  else showSignIn();
}

async function start(): Promise<void> {
  wire();
  try {
    applyStatus(await api.getStatus());
  } catch (e) {
    const err = asErrorReport(e);
    el.startupError.hidden = false;
    el.startupErrorMessage.textContent = err.message;
    return;
  }
  document.body.dataset.ready = "true";
}

void start();
