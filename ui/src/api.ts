// The one place the UI talks to the core. Every command takes one request
// object and either returns its view or rejects with an ErrorReport.
import { invoke } from "@tauri-apps/api/core";
import type { Commands } from "./bindings/commands";
import type { ErrorReport } from "./bindings/ErrorReport";
import { reportText, t } from "./kit/l10n";

export function isErrorReport(e: unknown): e is ErrorReport {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

/** Any rejection as an ErrorReport, so screens branch on `code` only. */
export function asErrorReport(e: unknown): ErrorReport {
  if (isErrorReport(e)) return e;
  return { code: "internal", message: t("error-internal") };
}

/** Calls an IPC command. Its name, request and response types come from the
 * command list (src-tauri/src/command_list.rs, via bindings/commands.ts). */
export function call<K extends keyof Commands>(
  command: K,
  request: Commands[K]["request"],
): Promise<Commands[K]["response"]> {
  // A refusal reaches the screens in the shop's language.
  return invoke<Commands[K]["response"]>(command, { request }).catch((e: unknown) => {
    throw isErrorReport(e) ? { ...e, message: reportText(e) } : e;
  });
}
