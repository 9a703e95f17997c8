// "Restore from a backup" on the first screen of a new installation: the
// backup file and its recovery code replace the unused terminal the first
// start made (see merchant_core::backup). The restore's steps are read from
// the status while it runs.
import { asErrorReport, call } from "../api";
import type { RestoredView } from "../bindings/RestoredView";
import { $ } from "../kit/dom";
import { dateText } from "../kit/format";
import { t } from "../kit/l10n";

export interface RestoreHost {
  locale(): string;
  /** The terminal now holds the restored shop: sign in, with `message`. */
  restored(message: string): Promise<void>;
}

export function restoreDialog(host: RestoreHost) {
  const el = {
    open: $<HTMLButtonElement>("restore_open"),
    dialog: $("restore_dialog"),
    form: $<HTMLFormElement>("restore_form"),
    file: $<HTMLInputElement>("restore_file"),
    code: $<HTMLInputElement>("restore_code"),
    step: $("restore_step"),
    error: $("restore_error"),
    go: $<HTMLButtonElement>("restore_go"),
    cancel: $<HTMLButtonElement>("restore_cancel"),
  };

  function close(): void {
    el.code.value = "";
    el.error.textContent = "";
    el.step.textContent = "";
    el.dialog.hidden = true;
  }

  /** Shows the step the restore has reached until `running` settles. */
  async function follow<T>(running: Promise<T>): Promise<T> {
    let settled = false;
    const watch = async (): Promise<void> => {
      while (!settled) {
        const s = await call("get_status", {}).catch(() => null);
        if (!settled && s?.restoring) {
          el.step.textContent = t("restore-step", { done: s.restoring.done, total: s.restoring.total });
        }
        await new Promise((r) => window.setTimeout(r, 250));
      }
    };
    void watch();
    try {
      return await running;
    } finally {
      settled = true;
    }
  }

  el.open.addEventListener("click", () => {
    el.dialog.hidden = false;
    el.file.focus();
  });
  el.cancel.addEventListener("click", close);
  el.form.addEventListener("submit", async (event) => {
    event.preventDefault();
    el.error.textContent = "";
    const file = el.file.value.trim();
    if (!file) {
      el.error.textContent = t("restore-file-first");
      return el.file.focus();
    }
    el.go.disabled = el.cancel.disabled = true;
    el.step.textContent = t("restore-step", { done: 1, total: 4 });
    let done: RestoredView;
    try {
      done = await follow(call("restore_backup", { file, code: el.code.value }));
    } catch (e) {
      const err = asErrorReport(e);
      el.step.textContent = "";
      el.error.textContent = err.message;
      el.error.dataset.code = err.code;
      return;
    } finally {
      el.go.disabled = el.cancel.disabled = false;
    }
    close();
    await host.restored(t("restore-done", { when: dateText(done.backup_made_ms, host.locale(), "dateTime") }));
  });

  return {
    /** Offered only while the terminal has no owner (a new installation). */
    offer(shown: boolean): void {
      el.open.hidden = !shown;
      if (!shown) close();
    },
  };
}
