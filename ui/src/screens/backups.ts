// The Backups section of the staff screen: the recovery kit (its code is
// shown once, when issued) and "Back up now" into a folder the owner names
// (a USB stick, a network share). See merchant_core::backup.
import { call } from "../api";
import type { BackupStateView } from "../bindings/BackupStateView";
import { $ } from "../kit/dom";
import { dateText } from "../kit/format";
import { t } from "../kit/l10n";
import { withPin } from "../kit/reauth";
import { sheetSaver } from "../kit/sheet";

export interface BackupsHost {
  locale(): string;
  say(text: string): void;
  fail(e: unknown): void;
}

export function backupsSection(host: BackupsHost) {
  const el = {
    state: $("backups-state"),
    code: $("backups-kit-code"),
    issue: $<HTMLButtonElement>("backups-issue-kit"),
    folder: $<HTMLInputElement>("backups-folder"),
    daily: $<HTMLInputElement>("backups-daily"),
    now: $<HTMLButtonElement>("backups-now"),
    sheet: $("backups_sheet"),
  };
  /** The code just issued, while it is on screen (for its sheet). */
  let code = "";
  const sheet = sheetSaver("backups", () => code);

  let shown: BackupStateView | null = null;

  function render(s: BackupStateView): void {
    shown = s;
    const last = s.last_backup_ms === null ? t("backups-never") : dateText(s.last_backup_ms, host.locale(), "dateTime");
    const kit = s.has_kit ? t("backups-kit-yes") : t("backups-kit-no");
    el.state.textContent = `${t("backups-last", { when: last })} ${kit}`;
    el.state.dataset.stale = String(s.stale);
    el.daily.checked = s.daily_folder !== null;
    if (s.daily_folder !== null && !el.folder.value) el.folder.value = s.daily_folder;
  }

  el.issue.addEventListener("click", async () => {
    try {
      const kit = await withPin(() => call("issue_recovery_kit", {}));
      code = kit.code;
      el.code.textContent = t("backups-kit-code", { code: kit.code });
      el.code.hidden = el.sheet.hidden = false;
      sheet.reset();
      render(await call("get_backups", {}));
    } catch (e) {
      host.fail(e);
    }
  });
  el.now.addEventListener("click", async () => {
    const folder = el.folder.value.trim();
    if (!folder) return host.say(t("backups-folder-first"));
    try {
      host.say(t("backups-working"));
      render(await withPin(() => call("back_up_now", { folder, daily: el.daily.checked })));
      host.say(t("backups-done"));
    } catch (e) {
      host.fail(e);
    }
  });

  return {
    /** Writes the section again in the language now shown. */
    rewrite(): void {
      if (shown) render(shown);
    },
    async open(): Promise<void> {
      // The code is shown once: leaving the screen forgets it.
      code = "";
      el.code.textContent = "";
      el.code.hidden = el.sheet.hidden = true;
      render(await call("get_backups", {}));
    },
  };
}
