// The one place the UI talks to the core. Every command takes one request
// object and either returns its view or rejects with an ErrorReport.
import { invoke } from "@tauri-apps/api/core";
import type { Commands } from "./bindings/commands";
import type { ErrorReport } from "./bindings/ErrorReport";

export function isErrorReport(e: unknown): e is ErrorReport {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

/** Any rejection as an ErrorReport, so screens branch on `code` only. */
export function asErrorReport(e: unknown): ErrorReport {
  if (isErrorReport(e)) return e;
  return { code: "internal", message: "Something went wrong in the terminal. Nothing was charged twice; try again." };
}

/** Calls an IPC command. Its name, request and response types come from the
 * command list (src-tauri/src/command_list.rs, via bindings/commands.ts). */
export function call<K extends keyof Commands>(
  command: K,
  request: Commands[K]["request"],
): Promise<Commands[K]["response"]> {
  return invoke<Commands[K]["response"]>(command, { request });
}
