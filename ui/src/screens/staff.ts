// The owner's staff screen: alerts, staff accounts (add, disable, reset a
// PIN, unlock), limits, the shop's details and language, and the audit trail
// with filters and a verify button. Every change asks for the manager's PIN
// again when the core wants it. All text is set with textContent.
import { call, asErrorReport } from "../api";
import type { AlertSettings } from "../bindings/AlertSettings";
import type { AuditEntry } from "../bindings/AuditEntry";
import type { Language } from "../bindings/Language";
import type { Limits } from "../bindings/Limits";
import type { Paper } from "../bindings/Paper";
import type { Role } from "../bindings/Role";
import type { ShopDetails } from "../bindings/ShopDetails";
import type { StaffEntry } from "../bindings/StaffEntry";
import type { StatusView } from "../bindings/StatusView";
import { withPin } from "../kit/reauth";
import { backupsSection } from "./backups";
import { $ } from "../kit/dom";
import { ROLE_WORDS, dateText } from "../kit/format";
import { t } from "../kit/l10n";
import { actionWord, chosenAction, chosenOutcome, fillAuditFilters, outcomeWord } from "./audit-words";

export interface StaffHost {
  /** The till as the core last described it (its language among the rest). */
  status(): StatusView | null;
  signedOut(message: string): void;
  /** The shop's language changed: the app takes the new status and rewrites the page's words. */
  languageChanged(): Promise<void>;
  back(): void;
}

type StaffState = "active" | "locked" | "disabled";
/** Each account state's name: message ids, for `t`. */
const STATE_WORDS: Record<StaffState, string> = {
  active: "staff-state-active",
  locked: "staff-state-locked",
  disabled: "staff-state-disabled",
};

const LANGUAGES: Record<Language, true> = { en: true, fr: true, de: true, es: true };
const isLanguage = (value: string): value is Language => Object.prototype.hasOwnProperty.call(LANGUAGES, value);

const LIMIT_FIELDS = [
  "refund_approval_above_major",
  "refund_limit_count",
  "refund_limit_major",
  "charges_per_minute",
  "idle_lock_minutes",
] as const;
// Every alert threshold has a field of the same name in the limits form. A
// record over the generated type's keys: a threshold added in the core
// fails to compile here until it has its field.
const ALERT_FIELD_SET: Record<keyof AlertSettings, true> = {
  decline_burst: true,
  decline_window_minutes: true,
  refund_limit_warn_percent: true,
  failed_pins_per_hour: true,
  quick_refund_minutes: true,
  backup_stale_days: true,
};
const ALERT_FIELDS = Object.keys(ALERT_FIELD_SET) as (keyof AlertSettings)[];

export function staffScreen(host: StaffHost) {
  const el = {
    root: $("staff"),
    alerts: $("staff-alerts"),
    list: $("staff-list"),
    addForm: $<HTMLFormElement>("staff-add"),
    addName: $<HTMLInputElement>("staff-add-name"),
    addRole: $<HTMLSelectElement>("staff-add-role"),
    addPin: $<HTMLInputElement>("staff-add-pin"),
    limits: $<HTMLFormElement>("staff-limits"),
    shop: $<HTMLFormElement>("staff-shop"),
    shopName: $<HTMLInputElement>("shop-name"),
    shopAddress: $<HTMLTextAreaElement>("shop-address"),
    shopPhone: $<HTMLInputElement>("shop-phone"),
    shopTaxId: $<HTMLInputElement>("shop-tax-id"),
    shopTill: $<HTMLInputElement>("shop-till"),
    shopPaper: $<HTMLSelectElement>("shop-paper"),
    languageForm: $<HTMLFormElement>("staff-language"),
    language: $<HTMLSelectElement>("language"),
    auditForm: $<HTMLFormElement>("audit-filter"),
    auditAction: $<HTMLSelectElement>("audit-action"),
    auditStaff: $<HTMLInputElement>("audit-staff"),
    auditOutcome: $<HTMLSelectElement>("audit-outcome"),
    auditRows: $("audit-rows"),
    verify: $<HTMLButtonElement>("audit-verify"),
    message: $("staff-message"),
    back: $<HTMLButtonElement>("staff-back"),
  };
  const backups = backupsSection({
    locale: () => host.status()?.language_tag ?? "en-US",
    say: (text) => say(text),
    fail: (e) => fail(e),
  });
  let names = new Map<string, string>();
  // What the lists last showed, to write them again in a new language.
  let shownStaff: StaffEntry[] = [];
  let shownAudit: AuditEntry[] = [];

  function say(text: string, state = "ok", code = ""): void {
    el.message.dataset.state = state;
    el.message.dataset.code = code;
    el.message.textContent = text;
  }

  function fail(e: unknown): void {
    const err = asErrorReport(e);
    if (err.code === "not_signed_in") return host.signedOut(err.message);
    say(err.message, "error", err.code);
  }

  function renderStaff(staff: StaffEntry[]): void {
    shownStaff = staff;
    names = new Map(staff.map((s) => [s.id, s.name]));
    el.list.replaceChildren(
      ...staff.map((s) => {
        const tr = document.createElement("tr");
        tr.dataset.name = s.name;
        const locked = s.locked_until_ms !== null;
        const state: StaffState = !s.active ? "disabled" : locked ? "locked" : "active";
        tr.dataset.state = state;
        for (const text of [s.name, t(ROLE_WORDS[s.role]), t(STATE_WORDS[state]), String(s.failed_attempts)]) {
          const td = document.createElement("td");
          td.textContent = text;
          tr.append(td);
        }
        const actions = document.createElement("td");
        const button = (label: string, aria: string, run: () => Promise<StaffEntry[]>, done: string) => {
          const b = document.createElement("button");
          b.type = "button";
          b.className = "row-action";
          b.textContent = label;
          b.setAttribute("aria-label", aria);
          b.addEventListener("click", async () => {
            try {
              renderStaff(await withPin(run));
              say(done);
            } catch (e) {
              fail(e);
            }
          });
          actions.append(b);
        };
        const who = { name: s.name };
        button(
          s.active ? t("staff-disable") : t("staff-enable"),
          s.active ? t("staff-disable-for", who) : t("staff-enable-for", who),
          () => call("set_staff_active", { name: s.name, active: !s.active }),
          s.active ? t("staff-disabled", who) : t("staff-enabled", who),
        );
        if (locked) {
          button(t("staff-unlock"), t("staff-unlock-for", who), () => call("unlock_staff", { name: s.name }), t("staff-unlocked", who));
        }
        const pin = document.createElement("input");
        pin.type = "password";
        pin.inputMode = "numeric";
        pin.className = "text pin";
        pin.maxLength = 64;
        pin.setAttribute("aria-label", t("staff-new-pin-for", who));
        actions.append(pin);
        button(
          t("staff-reset-pin"),
          t("staff-reset-pin-for", who),
          () => {
            const value = pin.value;
            pin.value = "";
            return call("reset_staff_pin", { name: s.name, pin: value });
          },
          t("staff-pin-reset", who),
        );
        tr.append(actions);
        return tr;
      }),
    );
  }

  function renderLimits(l: Limits): void {
    for (const f of LIMIT_FIELDS) (el.limits.elements.namedItem(f) as HTMLInputElement).value = String(l[f]);
    for (const f of ALERT_FIELDS) (el.limits.elements.namedItem(f) as HTMLInputElement).value = String(l.alerts[f]);
    (el.limits.elements.namedItem("cashier_phone_orders") as HTMLInputElement).checked = l.cashier_phone_orders;
  }

  function readLimits(): Limits {
    const n = (f: string) => Number((el.limits.elements.namedItem(f) as HTMLInputElement).value);
    return {
      refund_approval_above_major: n("refund_approval_above_major"),
      refund_limit_count: n("refund_limit_count"),
      refund_limit_major: n("refund_limit_major"),
      charges_per_minute: n("charges_per_minute"),
      idle_lock_minutes: n("idle_lock_minutes"),
      cashier_phone_orders: (el.limits.elements.namedItem("cashier_phone_orders") as HTMLInputElement).checked,
      alerts: Object.fromEntries(ALERT_FIELDS.map((f) => [f, n(f)])) as AlertSettings,
    };
  }

  function renderAudit(entries: AuditEntry[]): void {
    shownAudit = entries;
    const tag = host.status()?.language_tag ?? "en-US";
    el.auditRows.replaceChildren(
      ...entries.map((e) => {
        const tr = document.createElement("tr");
        tr.dataset.action = e.action;
        const cells = [
          String(e.seq),
          dateText(e.at_ms, tag, "dateTime"),
          e.actor ? (names.get(e.actor) ?? e.actor.slice(0, 8)) : "—",
          actionWord(e.action),
          outcomeWord(e.outcome),
          e.object ?? "",
          e.detail ?? "",
        ];
        cells.forEach((text, i) => {
          const td = document.createElement("td");
          td.textContent = text;
          // The record's object and detail are the trail as written, in no
          // language: marked so that nothing translates them.
          if (i >= 5) td.translate = false;
          tr.append(td);
        });
        return tr;
      }),
    );
  }

  async function loadAudit(): Promise<void> {
    try {
      renderAudit(
        await call("list_audit", {
          action: chosenAction(el.auditAction),
          staff: el.auditStaff.value || undefined,
          outcome: chosenOutcome(el.auditOutcome),
          limit: 200,
        }),
      );
    } catch (e) {
      fail(e);
    }
  }

  el.addForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const request = { name: el.addName.value, role: el.addRole.value as Role, pin: el.addPin.value };
    el.addPin.value = "";
    try {
      renderStaff(await withPin(() => call("add_staff", request)));
      say(t("staff-added", { name: request.name }));
      el.addName.value = "";
    } catch (e) {
      fail(e);
    }
  });
  el.limits.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      renderLimits(await withPin(() => call("update_limits", readLimits())));
      say(t("staff-limits-saved"));
    } catch (e) {
      fail(e);
    }
  });
  function renderShop(s: ShopDetails): void {
    el.shopName.value = s.name;
    el.shopAddress.value = s.address.join("\n");
    el.shopPhone.value = s.phone;
    el.shopTaxId.value = s.tax_id;
    el.shopPaper.value = s.receipt_paper;
    el.shopTill.value = s.till;
  }
  el.shop.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const request: ShopDetails = {
      name: el.shopName.value,
      address: el.shopAddress.value.split("\n"),
      phone: el.shopPhone.value,
      tax_id: el.shopTaxId.value,
      receipt_paper: el.shopPaper.value as Paper,
      till: el.shopTill.value,
    };
    try {
      renderShop(await withPin(() => call("update_shop", request)));
      say(t("staff-shop-saved"));
    } catch (e) {
      fail(e);
    }
  });
  el.languageForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const language = el.language.value;
    if (!isLanguage(language)) return;
    try {
      await withPin(() => call("set_language", { language }));
      await host.languageChanged();
      // The page's static words changed with the app; the rows built here are rewritten too.
      fillAuditFilters(el.auditAction, el.auditOutcome);
      renderStaff(shownStaff);
      renderAudit(shownAudit);
      backups.rewrite();
      showLanguage();
      // Said in the new language, so the manager hears that it took.
      say(t("staff-language-saved"));
    } catch (e) {
      fail(e);
    }
  });

  function showLanguage(): void {
    const language = host.status()?.language;
    if (language) el.language.value = language;
  }
  // A chosen word filters at once; the staff name waits for Enter or Filter.
  for (const select of [el.auditAction, el.auditOutcome]) {
    select.addEventListener("change", () => void loadAudit());
  }
  el.auditForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    void loadAudit();
  });
  el.verify.addEventListener("click", async () => {
    try {
      const v = await call("verify_audit", {});
      if (v.result === "intact") say(t("audit-intact", { count: v.entries }));
      else if (v.result === "truncated") {
        say(t("audit-truncated", { last: String(v.last_seq), anchor: String(v.anchor_seq) }), "error");
      } else say(t("audit-broken", { seq: String(v.seq) }), "error");
    } catch (e) {
      fail(e);
    }
  });
  el.back.addEventListener("click", () => host.back());

  return {
    async open(): Promise<void> {
      el.root.hidden = false;
      el.message.textContent = "";
      showLanguage();
      // Filled here, not once: the shop's language is known only after start-up.
      fillAuditFilters(el.auditAction, el.auditOutcome);
      try {
        const [staff, limits, shop, alerts] = await Promise.all([
          call("list_staff", {}),
          call("get_limits", {}),
          call("get_shop", {}),
          call("list_alerts", {}),
        ]);
        void backups.open().catch(fail);
        renderStaff(staff);
        renderLimits(limits);
        renderShop(shop);
        el.alerts.replaceChildren(
          ...alerts.map((a) => {
            const li = document.createElement("li");
            li.dataset.kind = a.kind;
            li.textContent = a.message;
            return li;
          }),
        );
        await loadAudit();
      } catch (e) {
        fail(e);
      }
      el.addName.focus();
    },
    hide(): void {
      el.root.hidden = true;
    },
  };
}
