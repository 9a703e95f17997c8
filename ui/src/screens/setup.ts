// The owner's gateway screen: where the live gateway is (base URL, an extra
// CA for a test or enterprise proxy, the card reader), the key (pasted once,
// checked with the gateway, kept in the OS keychain, only ever shown
// masked), the switch between training and live, and the keys: rotating the
// cache key and choosing who support bundles are sealed to. All text is set
// with textContent; the pasted key is cleared from the field as it is sent.
import { call, asErrorReport } from "../api";
import type { GatewaySetupView } from "../bindings/GatewaySetupView";
import type { KeysView } from "../bindings/KeysView";
import { withPin } from "../kit/reauth";
import { $ } from "../kit/dom";
import { t } from "../kit/l10n";

/** A cache key version's state as the core stores it: message ids, for `t`. */
const KEY_STATE_WORDS: Record<string, string> = {
  current: "setup-key-current",
  retiring: "setup-key-retiring",
  retired: "setup-key-retired",
  destroyed: "setup-key-destroyed",
};

/** A reader's status as the gateway reports it: message ids, for `t`. */
const READER_WORDS: Record<string, string> = {
  online: "setup-reader-online",
  offline: "setup-reader-offline",
};

/** A word the core or the gateway sent, in the shop's language when it is one the window knows. */
const wordOf = (words: Record<string, string>, word: string): string => {
  const id = Object.prototype.hasOwnProperty.call(words, word) ? words[word] : undefined;
  return id ? t(id) : word;
};

export interface SetupHost {
  signedOut(message: string): void;
  /** Mode or gateway changed: the till must redraw (band, cards). */
  changed(): Promise<void>;
  back(): void;
}

export function setupScreen(host: SetupHost) {
  const el = {
    root: $("setup"),
    mode: $("setup-mode"),
    modeSwitch: $<HTMLButtonElement>("setup-mode-switch"),
    form: $<HTMLFormElement>("setup-form"),
    baseUrl: $<HTMLInputElement>("setup-base-url"),
    extraCa: $<HTMLInputElement>("setup-extra-ca"),
    reader: $<HTMLInputElement>("setup-reader"),
    findReaders: $<HTMLButtonElement>("setup-find-readers"),
    readers: $("setup-readers"),
    omitReason: $<HTMLInputElement>("setup-omit-reason"),
    publishableKey: $<HTMLInputElement>("setup-publishable-key"),
    moto: $<HTMLInputElement>("setup-moto"),
    keyState: $("setup-key-state"),
    keyForm: $<HTMLFormElement>("setup-key-form"),
    key: $<HTMLInputElement>("setup-key"),
    removeKey: $<HTMLButtonElement>("setup-remove-key"),
    cacheKeys: $("setup-cache-keys"),
    rotate: $<HTMLButtonElement>("setup-rotate-cache"),
    keysForm: $<HTMLFormElement>("setup-keys-form"),
    recipients: $<HTMLTextAreaElement>("setup-recipients"),
    ownerRecipient: $<HTMLInputElement>("setup-owner-recipient"),
    message: $("setup-message"),
    back: $<HTMLButtonElement>("setup-back"),
  };
  let view: GatewaySetupView | null = null;
  let switchArmed = false;

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

  function render(v: GatewaySetupView): void {
    view = v;
    el.mode.textContent = v.mode === "live" ? t("setup-mode-live") : t("setup-mode-training");
    el.mode.dataset.mode = v.mode;
    el.modeSwitch.textContent = v.mode === "live" ? t("setup-switch-training") : t("setup-switch-live");
    el.baseUrl.value = v.base_url;
    el.extraCa.value = v.extra_ca ?? "";
    el.reader.value = v.reader_id ?? "";
    el.omitReason.checked = v.omit_refund_reason;
    el.publishableKey.value = v.publishable_key ?? "";
    el.moto.checked = v.moto;
    if (!v.key) {
      el.keyState.textContent = t("setup-no-key");
    } else {
      const state = t("setup-key-state", {
        masked: v.key.masked,
        live: v.key.live ? "yes" : "no",
        restricted: v.key.restricted ? "yes" : "no",
      });
      el.keyState.textContent = v.key.restricted ? state : `${state} ${t("setup-key-advice")}`;
    }
    el.removeKey.disabled = !v.key;
  }

  function renderKeys(k: KeysView): void {
    const current = k.cache.find((c) => c.state === "current");
    const older = k.cache
      .filter((c) => c.state !== "current")
      .map((c) => `v${c.version} ${wordOf(KEY_STATE_WORDS, c.state)}`);
    if (!current) {
      el.cacheKeys.textContent = t("setup-cache-unavailable");
    } else {
      const seals = t("setup-cache-key", { version: String(current.version), rows: current.rows });
      el.cacheKeys.textContent = older.length ? `${seals} ${t("setup-cache-earlier", { list: older.join(", ") })}` : seals;
    }
    el.recipients.value = k.support_recipients.join("\n");
    el.ownerRecipient.value = k.owner_recipient ?? "";
  }

  async function runKeys(task: () => Promise<KeysView>, done: (k: KeysView) => string): Promise<void> {
    try {
      const k = await withPin(task);
      renderKeys(k);
      say(done(k));
    } catch (e) {
      fail(e);
    }
  }

  async function run(task: () => Promise<GatewaySetupView>, done: string, redraw = true): Promise<void> {
    try {
      render(await withPin(task));
      say(done);
      if (redraw) await host.changed();
    } catch (e) {
      fail(e);
    }
  }

  el.form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    void run(
      () =>
        call("configure_gateway", {
          base_url: el.baseUrl.value,
          extra_ca: el.extraCa.value,
          reader_id: el.reader.value,
          omit_refund_reason: el.omitReason.checked,
          publishable_key: el.publishableKey.value,
          moto: el.moto.checked,
        }),
      t("setup-gateway-saved"),
    );
  });
  el.keyForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const key = el.key.value.trim();
    el.key.value = "";
    if (!key) return say(t("setup-paste-first"), "error");
    say(t("setup-checking-key"));
    void run(() => call("set_gateway_key", { key }), t("setup-key-saved"));
  });
  el.removeKey.addEventListener("click", () => void run(() => call("remove_gateway_key", {}), t("setup-key-removed")));
  el.findReaders.addEventListener("click", async () => {
    try {
      const readers = await call("list_readers", {});
      el.readers.replaceChildren(
        ...readers.map((r) => {
          const b = document.createElement("button");
          b.type = "button";
          b.className = "lock";
          b.dataset.readerId = r.id;
          b.textContent = `${r.label || r.id} (${wordOf(READER_WORDS, r.status)})`;
          b.addEventListener("click", () => {
            el.reader.value = r.id;
          });
          return b;
        }),
      );
      say(readers.length ? t("setup-choose-reader") : t("setup-no-readers"));
    } catch (e) {
      fail(e);
    }
  });
  el.modeSwitch.addEventListener("click", () => {
    if (!view) return;
    const next = view.mode === "live" ? "training" : "live";
    if (!switchArmed) {
      switchArmed = true;
      el.modeSwitch.dataset.armed = "true";
      el.modeSwitch.textContent = next === "live" ? t("setup-switch-confirm-live") : t("setup-switch-confirm-training");
      return say(next === "live" ? t("setup-switch-warn-live") : t("setup-switch-warn"), "warn");
    }
    switchArmed = false;
    delete el.modeSwitch.dataset.armed;
    void run(() => call("switch_mode", { mode: next }), next === "live" ? t("setup-now-live") : t("setup-now-training"));
  });
  el.rotate.addEventListener("click", () => {
    el.rotate.disabled = true;
    say(t("setup-resealing"));
    void runKeys(
      () => call("rotate_cache_key", {}),
      (k) =>
        k.rotation
          ? t("setup-rotated", {
              to: String(k.rotation.to),
              from: String(k.rotation.from),
              sales: k.rotation.sales,
              refunds: k.rotation.refunds,
            })
          : t("setup-rotated-plain"),
    ).finally(() => {
      el.rotate.disabled = false;
    });
  });
  el.keysForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const support = el.recipients.value
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l.length > 0);
    const owner = el.ownerRecipient.value.trim();
    void runKeys(
      () => call("set_support_recipients", { support, owner: owner || undefined }),
      (k) => t("setup-recipients-saved", { count: k.support_recipients.length + (k.owner_recipient ? 1 : 0) }),
    );
  });
  el.back.addEventListener("click", () => host.back());

  return {
    async open(): Promise<void> {
      el.root.hidden = false;
      el.message.textContent = "";
      el.readers.replaceChildren();
      switchArmed = false;
      try {
        render(await call("get_gateway_setup", {}));
      } catch (e) {
        fail(e);
      }
      try {
        renderKeys(await call("get_keys", {}));
      } catch (e) {
        // Live mode without a gateway key has no cache open yet.
        el.cacheKeys.textContent = asErrorReport(e).message;
      }
      el.baseUrl.focus();
    },
    hide(): void {
      el.root.hidden = true;
    },
  };
}
