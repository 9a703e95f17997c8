// Re-authentication: a manager's PIN again before settings, keys, staff
// changes and exports (the core asks with `reauth_required` after five
// minutes). The PIN field is cleared as soon as it is sent.
import { call, asErrorReport, isErrorReport } from "../api";
import { $ } from "./dom";
import { t } from "./l10n";

/** Runs `task`; if the core wants the PIN again, asks for it once and retries. */
export async function withPin<T>(task: () => Promise<T>): Promise<T> {
  try {
    return await task();
  } catch (e) {
    if (!isErrorReport(e) || e.code !== "reauth_required") throw e;
    await askPin(e.message);
    return task();
  }
}

function askPin(message: string): Promise<void> {
  const form = $<HTMLFormElement>("reauth");
  const pin = $<HTMLInputElement>("reauth-pin");
  const note = $("reauth-message");
  const cancel = $<HTMLButtonElement>("reauth-cancel");
  note.textContent = message;
  form.hidden = false;
  pin.value = "";
  pin.focus();
  return new Promise((resolve, reject) => {
    const done = () => {
      form.hidden = true;
      form.removeEventListener("submit", submit);
      cancel.removeEventListener("click", stop);
    };
    const submit = async (ev: Event) => {
      ev.preventDefault();
      const value = pin.value;
      pin.value = "";
      try {
        await call("confirm_pin", { pin: value });
        done();
        resolve();
      } catch (e) {
        note.textContent = asErrorReport(e).message;
        pin.focus();
      }
    };
    const stop = () => {
      done();
      reject({ code: "reauth_required", message: t("reauth-not-entered") });
    };
    form.addEventListener("submit", submit);
    cancel.addEventListener("click", stop);
  });
}
