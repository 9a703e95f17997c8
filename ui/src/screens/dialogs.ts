// The receipt dialog (print, PDF, email) and the authorisation dialog
// (capture all or part, or void). Both open from a row of the sales list.
// All text is set with textContent.
import { call, asErrorReport } from "../api";
import type { ReceiptCopy } from "../bindings/ReceiptCopy";
import type { SaleView } from "../bindings/SaleView";
import { $ } from "../kit/dom";
import { cardLine } from "../kit/format";
import { t } from "../kit/l10n";

export interface DialogHost {
  signedOut(message: string): void;
  /** The sales list changed. */
  changed(): void;
  /** Focus goes back to the counter. */
  closed(): void;
}

export function receiptDialog(host: DialogHost) {
  const el = {
    root: $<HTMLFormElement>("receipt"),
    title: $("receipt-title"),
    copy: $<HTMLSelectElement>("receipt-copy"),
    lines: $("receipt-lines"),
    print: $<HTMLButtonElement>("receipt-print"),
    email: $<HTMLInputElement>("receipt-email"),
    send: $<HTMLButtonElement>("receipt-send"),
    message: $("receipt-message"),
    close: $<HTMLButtonElement>("receipt-close"),
  };
  let current: { sale: SaleView; refundId?: string } | null = null;

  async function load(): Promise<void> {
    if (!current) return;
    el.message.textContent = "";
    try {
      const view = await call("print_receipt", {
        sale_id: current.sale.id,
        refund_id: current.refundId,
        copy: el.copy.value as ReceiptCopy,
      });
      el.lines.textContent = view.lines.join("\n");
      el.message.dataset.state = "ok";
      el.message.textContent = t("counter-receipt-saved", { path: view.pdf_path });
    } catch (e) {
      fail(e);
    }
  }

  function fail(e: unknown): void {
    const err = asErrorReport(e);
    if (err.code === "not_signed_in") {
      close();
      return host.signedOut(err.message);
    }
    el.message.dataset.state = "error";
    el.message.dataset.code = err.code;
    el.message.textContent = err.message;
  }

  async function send(): Promise<void> {
    if (!current) return;
    try {
      await call("email_receipt", { sale_id: current.sale.id, email: el.email.value });
      el.message.dataset.state = "ok";
      el.message.textContent = t("counter-receipt-emailed");
      el.email.value = "";
    } catch (e) {
      fail(e);
    }
  }

  function close(): void {
    current = null;
    el.root.hidden = true;
    document.body.classList.remove("printing-receipt");
    host.closed();
  }

  el.copy.addEventListener("change", () => void load());
  el.print.addEventListener("click", () => {
    document.body.classList.add("printing-receipt");
    window.print();
    document.body.classList.remove("printing-receipt");
  });
  el.root.addEventListener("submit", (ev) => {
    ev.preventDefault();
    void send();
  });
  el.close.addEventListener("click", close);

  return {
    open(sale: SaleView, refundId?: string): void {
      current = { sale, refundId };
      el.title.textContent = refundId ? t("counter-receipt-refund-title") : t("counter-receipt-title");
      el.copy.value = "customer";
      el.email.value = "";
      // The gateway emails its own receipt for the charge.
      el.send.disabled = refundId !== undefined || sale.status !== "approved";
      el.lines.textContent = "";
      el.root.hidden = false;
      el.print.focus();
      void load();
    },
    close,
    isOpen: () => !el.root.hidden,
  };
}

export function authorisationDialog(host: DialogHost) {
  const el = {
    root: $<HTMLFormElement>("capture"),
    sale: $("capture-sale"),
    amount: $<HTMLInputElement>("capture-amount"),
    void: $<HTMLButtonElement>("capture-void"),
    message: $("capture-message"),
    close: $<HTMLButtonElement>("capture-close"),
  };
  let current: SaleView | null = null;

  function fail(e: unknown): void {
    const err = asErrorReport(e);
    if (err.code === "not_signed_in") {
      close();
      return host.signedOut(err.message);
    }
    el.message.dataset.code = err.code;
    el.message.textContent = err.message;
  }

  async function act(kind: "capture" | "void"): Promise<void> {
    if (!current) return;
    el.message.textContent = "";
    try {
      const sale =
        kind === "capture"
          ? await call("capture_sale", { sale_id: current.id, amount: el.amount.value || undefined })
          : await call("void_sale", { sale_id: current.id });
      el.message.dataset.code = sale.status;
      el.message.textContent = sale.message;
      current = null;
      host.changed();
    } catch (e) {
      fail(e);
    }
  }

  function close(): void {
    current = null;
    el.root.hidden = true;
    host.closed();
  }

  el.root.addEventListener("submit", (ev) => {
    ev.preventDefault();
    void act("capture");
  });
  el.void.addEventListener("click", () => void act("void"));
  el.close.addEventListener("click", close);

  return {
    open(sale: SaleView): void {
      current = sale;
      el.sale.textContent = t("counter-capture-sale", { amount: sale.amount_display, card: cardLine(sale) });
      el.amount.value = sale.amount_display;
      el.message.textContent = "";
      el.root.hidden = false;
      el.amount.focus();
      el.amount.select();
    },
    close,
    isOpen: () => !el.root.hidden,
  };
}
