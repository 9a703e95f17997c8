// The recovery sheet of a code on screen, written where the owner says (a
// USB stick, the desktop; the core refuses the data folder), to print and
// then delete. The code is the one shown; the core checks it opens the kit.
import { asErrorReport, call } from "../api";
import { $ } from "./dom";
import { t } from "./l10n";
import { withPin } from "./reauth";

/** Wires `<prefix>_sheet_file`, `_sheet_save` and `_sheet_said`. */
export function sheetSaver(prefix: string, code: () => string) {
  const file = $<HTMLInputElement>(`${prefix}_sheet_file`);
  const save = $<HTMLButtonElement>(`${prefix}_sheet_save`);
  const said = $(`${prefix}_sheet_said`);
  save.addEventListener("click", async () => {
    said.textContent = "";
    const path = file.value.trim();
    if (!path) {
      said.textContent = t("sheet-file-first");
      return file.focus();
    }
    try {
      await withPin(() => call("save_recovery_sheet", { code: code(), file: path }));
      said.textContent = t("sheet-saved");
    } catch (e) {
      said.textContent = asErrorReport(e).message;
    }
  });
  return {
    reset(): void {
      said.textContent = "";
    },
  };
}
