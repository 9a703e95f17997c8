// The app: who is signed in, which screen is up, and the way between them.
// The sign-in screen and its PIN pad, the session bar, the idle lock and the
// stop screen live here; each other screen owns its part of the page
// (screens/). The app's state is the one `app` object below.
import { call, asErrorReport } from "./api";
import type { Permission } from "./bindings/Permission";
import type { SessionView } from "./bindings/SessionView";
import type { StatusView } from "./bindings/StatusView";
import { $, mountBefore } from "./kit/dom";
import { ROLE_WORDS, minorAsTyped, moneyText } from "./kit/format";
import { currentLanguage, localize, reportText, setAmountWriter, setLanguage, t } from "./kit/l10n";
import { counterScreen } from "./screens/counter";
import { reportsScreen } from "./screens/reports";
import { restoreDialog } from "./screens/restore";
import { sheetSaver } from "./kit/sheet";
import { setupScreen } from "./screens/setup";
import { staffScreen } from "./screens/staff";
import { supportScreen } from "./screens/support";
import signInMarkup from "./screens/sign-in.html";
import counterMarkup from "./screens/counter.html";
import supportMarkup from "./screens/support.html";
import reportsMarkup from "./screens/reports.html";
import setupMarkup from "./screens/setup.html";
import staffMarkup from "./screens/staff.html";

// The screens' markup goes in before anything looks for its elements.
mountBefore("session-bar", signInMarkup);
mountBefore("reauth", counterMarkup, supportMarkup, reportsMarkup, setupMarkup, staffMarkup);

const el = {
  signIn: $("sign-in"),
  signInForm: $<HTMLFormElement>("sign-in-form"),
  signInTitle: $("sign-in-title"),
  signInHint: $("sign-in-hint"),
  staffName: $<HTMLInputElement>("staff-name"),
  staffPin: $<HTMLInputElement>("staff-pin"),
  signInError: $("sign-in-error"),
  signInButton: $<HTMLButtonElement>("sign-in-button"),
  pinPad: $("pin-pad"),
  sessionBar: $("session-bar"),
  sessionName: $("session-name"),
  lock: $<HTMLButtonElement>("lock-button"),
  supportButton: $<HTMLButtonElement>("support-button"),
  reportsButton: $<HTMLButtonElement>("reports-button"),
  setupButton: $<HTMLButtonElement>("setup-button"),
  staffButton: $<HTMLButtonElement>("staff-button"),
  alertsBanner: $("alerts-banner"),
  startupError: $("startup-error"),
  startupErrorMessage: $("startup-error-message"),
  startupErrorCode: $("startup-error-code"),
  startupErrorTitle: $("startup-error-title"),
  startupErrorNext: $("startup-error-next"),
};

/** Everything the app remembers between events. */
const app: {
  status: StatusView | null;
  session: SessionView | null;
  needsOwner: boolean;
  idleTimer: number | undefined;
} = { status: null, session: null, needsOwner: false, idleTimer: undefined };

function can(permission: Permission): boolean {
  return app.session?.permissions.includes(permission) ?? false;
}

function decimalsOf(currency: string): number {
  return app.status?.currencies.find((c) => c.code === currency)?.decimals ?? 2;
}

/** Minor units as the shop writes the amount, with its currency (`12,50 €`):
 * the core's own rule (`Money::text`), from the marks and symbols it sends,
 * so the window and a receipt write one amount alike. */
function format(minor: number, currency: string): string {
  const option = app.status?.currencies.find((c) => c.code === currency);
  const marks = app.status?.numbers ?? { decimal: ".", group: ",", min_grouping: 1, symbol_first: true };
  return moneyText(minor, decimalsOf(currency), option?.symbol ?? null, currency, marks);
}

/** Minor units as a cashier types the amount at this till, for a field to edit. */
function typed(minor: number, currency: string): string {
  return minorAsTyped(minor, decimalsOf(currency), app.status?.numbers.decimal ?? ".");
}

const counter = counterScreen({
  status: () => app.status,
  can,
  format,
  typed,
  signedOut: (message) => showSignIn(message),
});

const restore = restoreDialog({
  locale: () => app.status?.language_tag ?? "en-US",
  restored: async (message) => {
    const s = await call("get_status", {});
    applyLanguage(s);
    applyTill(s);
    app.needsOwner = s.needs_owner;
    showSignIn(message);
  },
});

/** Every screen's way back: the counter, ready for the next sale. */
function backToCounter(screen: { hide(): void }): void {
  screen.hide();
  counter.open();
}

const reports = reportsScreen({
  format,
  locale: () => app.status?.language_tag ?? "en-US",
  signedOut: (message) => showSignIn(message),
  back: () => backToCounter(reports),
  hasCounter: () => !app.status?.back_office,
});

const setup = setupScreen({
  signedOut: (message) => showSignIn(message),
  changed: async () => {
    applyTill(await call("get_status", {}));
  },
  back: () => backToCounter(setup),
});

const staff = staffScreen({
  status: () => app.status,
  signedOut: (message) => showSignIn(message),
  languageChanged: async () => {
    const s = await call("get_status", {});
    applyTill(s);
    applyLanguage(s);
    showSessionName();
    void showAlerts();
  },
  back: () => backToCounter(staff),
});

const support = supportScreen({
  signedOut: (message) => showSignIn(message),
  back: () => backToCounter(support),
});

/** Hides every screen but the session bar. */
function hideScreens(): void {
  counter.hide();
  support.hide();
  reports.hide();
  setup.hide();
  staff.hide();
}

function showSignIn(message = ""): void {
  hideScreens();
  el.sessionBar.hidden = true;
  el.signIn.hidden = false;
  el.signInTitle.textContent = app.needsOwner ? t("sign-in-owner-title") : t("sign-in-title");
  el.signInHint.textContent = app.needsOwner ? t("sign-in-owner-hint") : t("sign-in-hint");
  el.signInButton.textContent = app.needsOwner ? t("sign-in-owner-button") : t("sign-in-button");
  restore.offer(app.needsOwner);
  el.signInError.textContent = message;
  el.staffPin.value = "";
  (el.staffName.value ? el.staffPin : el.staffName).focus();
}

function showScreen(screen: { open(): void | Promise<void> }): void {
  hideScreens();
  void screen.open();
}

function showSupport(canGoBack = true): void {
  hideScreens();
  support.open(canGoBack);
}

/** Managers see what deserves attention as they sign in. */
async function showAlerts(): Promise<void> {
  el.alertsBanner.hidden = true;
  if (!can("view_audit")) return;
  try {
    const alerts = await call("list_alerts", {});
    el.alertsBanner.hidden = alerts.length === 0;
    el.alertsBanner.textContent =
      alerts.length === 1 ? `⚠ ${alerts[0]?.message ?? ""}` : t("session-alerts", { count: alerts.length });
  } catch {
    el.alertsBanner.hidden = true;
  }
}

function showSessionName(): void {
  const session = app.session;
  el.sessionName.textContent = session ? `${session.name} · ${t(ROLE_WORDS[session.role])}` : "";
}

function showCounter(signedIn: SessionView): void {
  app.session = signedIn;
  el.signIn.hidden = true;
  hideScreens();
  showSessionName();
  el.sessionBar.hidden = false;
  const canCharge = can("charge");
  el.supportButton.hidden = !(can("export_bundle") && canCharge);
  el.reportsButton.hidden = !can("view_reports");
  el.setupButton.hidden = !can("configure_gateway");
  el.staffButton.hidden = !can("manage_staff");
  void showAlerts();
  armIdleLock();
  // A back office has no counter: managers land on the reports, for good.
  if (app.status?.back_office && can("view_reports")) {
    hideScreens();
    return reports.open();
  }
  // Support staff (no counter) land on their own screen, with no way back.
  if (!canCharge) return showSupport(false);
  counter.open();
  // What the counter offers depends on who signed in (phone orders).
  void call("get_status", {}).then(applyTill, () => undefined);
}

/** Locks the screen after the owner's idle limit (the core enforces it too). */
function armIdleLock(): void {
  window.clearTimeout(app.idleTimer);
  const minutes = app.status?.idle_lock_minutes ?? 15;
  app.idleTimer = window.setTimeout(() => void lock(t("session-idle-locked")), minutes * 60_000);
}

async function lock(message = ""): Promise<void> {
  if (counter.busy()) return;
  window.clearTimeout(app.idleTimer);
  try {
    await call("sign_out", {});
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
    const created = app.needsOwner;
    const session = created ? await call("create_owner", request) : await call("sign_in", request);
    app.needsOwner = false;
    if (created) await showRecoveryCode();
    showCounter(session);
  } catch (e) {
    const err = asErrorReport(e);
    el.signInError.textContent = err.message;
    el.signInError.dataset.code = err.code;
    el.staffPin.focus();
  }
}

/** The code the first-run dialog shows, while it is shown (for its sheet). */
let firstCode = "";
const firstSheet = sheetSaver("recovery", () => firstCode);

/** The recovery kit comes with the owner's account: its code, shown once.
 * If it cannot be issued now, the owner's alerts ask for one. */
async function showRecoveryCode(): Promise<void> {
  let code: string;
  try {
    code = (await call("issue_recovery_kit", {})).code;
  } catch {
    return;
  }
  const dialog = $("recovery");
  const done = $<HTMLButtonElement>("recovery-done");
  $("recovery-code").textContent = firstCode = code;
  firstSheet.reset();
  dialog.hidden = false;
  done.focus();
  await new Promise<void>((resolve) => done.addEventListener("click", () => resolve(), { once: true }));
  $("recovery-code").textContent = firstCode = "";
  dialog.hidden = true;
}

function wire(): void {
  el.signInForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    void submitSignIn();
  });
  el.lock.addEventListener("click", () => void lock());
  // The lock screen's PIN pad: switching cashier without a keyboard.
  el.pinPad.addEventListener("click", (ev) => {
    const key = (ev.target as HTMLElement).closest("button")?.dataset.pin;
    if (!key) return;
    if (key === "clear") el.staffPin.value = "";
    else if (key === "back") el.staffPin.value = el.staffPin.value.slice(0, -1);
    else el.staffPin.value += key;
    el.staffPin.focus();
  });
  el.supportButton.addEventListener("click", () => showSupport());
  el.reportsButton.addEventListener("click", () => showScreen(reports));
  el.setupButton.addEventListener("click", () => showScreen(setup));
  el.staffButton.addEventListener("click", () => showScreen(staff));
  for (const kind of ["keydown", "pointerdown"]) {
    document.addEventListener(kind, () => {
      if (!el.sessionBar.hidden) armIdleLock();
    });
  }
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "F2") {
      ev.preventDefault();
      void lock();
    } else if (counter.isOpen() && !support.isOpen()) {
      counter.onKey(ev);
    }
  });
}

/** The shop's language: the window's words, and its dates and amounts through `app.status`. */
function applyLanguage(s: StatusView): void {
  setLanguage(s.language);
  setAmountWriter(format);
  // The language actually used (English for one this window does not know).
  document.documentElement.lang = currentLanguage();
  document.title = t("app-title");
  localize(document.body);
}

/** The till's look, kept for the screens that need it. */
function applyTill(s: StatusView): void {
  app.status = s;
  counter.applyTill(s);
}

function applyStatus(s: StatusView): void {
  app.status = s;
  if (s.startup_error) {
    el.startupError.hidden = false;
    el.startupErrorMessage.textContent = reportText(s.startup_error);
    el.startupErrorCode.textContent = t("startup-error-code", { code: s.startup_error.code });
    if (s.startup_error.code === "already_open") {
      el.startupErrorTitle.textContent = t("startup-already-open");
    }
    // The staff and audit records are gone: a stop, with no sign-in behind it.
    if (s.startup_error.code === "terminal_data_missing") {
      el.startupErrorTitle.textContent = t("startup-data-missing");
      el.startupErrorNext.textContent = t("startup-data-missing-next");
      el.startupErrorNext.hidden = false;
    }
    return;
  }
  applyTill(s);
  app.needsOwner = s.needs_owner;
  if (s.session) showCounter(s.session);
  else showSignIn();
}

async function start(): Promise<void> {
  wire();
  try {
    const status = await call("get_status", {});
    applyLanguage(status);
    applyStatus(status);
  } catch (e) {
    const err = asErrorReport(e);
    el.startupError.hidden = false;
    el.startupErrorMessage.textContent = err.message;
    return;
  }
  document.body.dataset.ready = "true";
}

void start();
