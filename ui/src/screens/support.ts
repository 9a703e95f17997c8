// Support's screen: preview what the sealed diagnostics bundle will hold,
// then seal and save it (with the manager's PIN again). File names and sizes
// only; the bundle itself is opened by support, never here.
import { call, asErrorReport } from "../api";
import type { BundleView } from "../bindings/BundleView";
import { $ } from "../kit/dom";
import { withPin } from "../kit/reauth";
import { t } from "../kit/l10n";

export interface SupportHost {
  /** Called when the session ended (idle lock, signed out elsewhere). */
  signedOut(message: string): void;
  back(): void;
}

export function supportScreen(host: SupportHost) {
  const el = {
    root: $("support"),
    back: $<HTMLButtonElement>("support-back"),
    preview: $<HTMLButtonElement>("bundle-preview"),
    export: $<HTMLButtonElement>("bundle-export"),
    files: $("bundle-files"),
    message: $("bundle-message"),
  };

  function listFiles(view: BundleView): void {
    el.files.replaceChildren(
      ...view.manifest.files.map((f) => {
        const li = document.createElement("li");
        li.textContent = t("support-file", { path: f.path, bytes: f.bytes });
        return li;
      }),
    );
  }

  async function bundle(action: "preview" | "export"): Promise<void> {
    el.message.textContent = action === "preview" ? t("support-collecting") : t("support-sealing");
    try {
      const view = action === "preview" ? await call("preview_bundle", {}) : await withPin(() => call("export_bundle", {}));
      listFiles(view);
      el.message.dataset.state = action;
      el.message.textContent =
        action === "preview"
          ? t("support-previewed", { files: view.manifest.files.length, recipients: view.manifest.recipients.length })
          : t("support-sealed", { path: view.path ?? "" });
    } catch (e) {
      const err = asErrorReport(e);
      if (err.code === "not_signed_in") return host.signedOut(err.message);
      el.message.dataset.state = "error";
      el.message.textContent = err.message;
    }
  }

  el.preview.addEventListener("click", () => void bundle("preview"));
  el.export.addEventListener("click", () => void bundle("export"));
  el.back.addEventListener("click", () => host.back());

  return {
    /** Shows the screen; `canGoBack` is false for support staff, who have no counter. */
    open(canGoBack: boolean): void {
      el.root.hidden = false;
      el.back.hidden = !canGoBack;
      el.files.replaceChildren();
      el.message.textContent = "";
      el.preview.focus();
    },
    hide(): void {
      el.root.hidden = true;
    },
    isOpen(): boolean {
      return !el.root.hidden;
    },
  };
}
