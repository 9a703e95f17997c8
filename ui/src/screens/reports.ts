// The owner's reports screen: the day view with its chart, X and Z reports,
// CSV export and reconciliation with the gateway. Figures come from the core
// in minor units per currency; this file only lays them out. All text is set
// with textContent.
import { call, asErrorReport } from "../api";
import type { CurrencyFigures } from "../bindings/CurrencyFigures";
import type { Line } from "../bindings/Line";
import type { Reconciliation } from "../bindings/Reconciliation";
import type { ReportView } from "../bindings/ReportView";
import type { ZReportView } from "../bindings/ZReportView";
import { $ } from "../kit/dom";

const SVG = "http://www.w3.org/2000/svg";

export interface ReportsHost {
  /** Minor units as text with the currency's decimals. */
  format(minor: number, currency: string): string;
  /** Called when the session ended (idle lock, signed out elsewhere). */
  signedOut(message: string): void;
  back(): void;
}

function localDate(d = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function reportsScreen(host: ReportsHost) {
  const el = {
    root: $("reports"),
    from: $<HTMLInputElement>("report-from"),
    to: $<HTMLInputElement>("report-to"),
    show: $<HTMLButtonElement>("report-show"),
    x: $<HTMLButtonElement>("report-x"),
    close: $<HTMLButtonElement>("report-close-day"),
    csv: $<HTMLButtonElement>("report-csv"),
    reconcile: $<HTMLButtonElement>("report-reconcile"),
    print: $<HTMLButtonElement>("report-print-button"),
    back: $<HTMLButtonElement>("reports-back"),
    message: $("report-message"),
    title: $("report-title"),
    figures: $("report-figures"),
    charts: $("report-charts"),
    chartsEmpty: $("report-empty"),
    breakdowns: $("report-breakdowns"),
    discrepancies: $("report-discrepancies"),
    reconcileList: $("reconcile-list"),
    importButton: $<HTMLButtonElement>("reconcile-import"),
    printout: $("report-printout"),
  };
  let closeArmed = false;

  function say(text: string, state = "ok"): void {
    el.message.dataset.state = state;
    el.message.textContent = text;
  }

  function fail(e: unknown): void {
    const err = asErrorReport(e);
    if (err.code === "not_signed_in") return host.signedOut(err.message);
    say(err.message, "error");
    el.message.dataset.code = err.code;
  }

  function figureCard(c: CurrencyFigures): HTMLElement {
    const card = document.createElement("section");
    card.className = "figure-card";
    card.dataset.currency = c.currency;
    const h = document.createElement("h2");
    h.textContent = c.currency;
    const dl = document.createElement("dl");
    const rows: [string, string, string][] = [
      ["gross", "Gross sales", `${host.format(c.gross, c.currency)} (${c.sales})`],
      ["refunds", "Refunds", `${host.format(c.refunds, c.currency)} (${c.refund_count})`],
      ["net", "Net", host.format(c.net, c.currency)],
      ["average", "Average ticket", host.format(c.average_ticket, c.currency)],
      ["held", "Held, not captured", `${host.format(c.held, c.currency)} (${c.held_count})`],
      ["voided", "Voided · declined", `${c.voided_count} · ${c.declined_count}`],
    ];
    if (c.in_doubt_count > 0) rows.push(["in-doubt", "In doubt", String(c.in_doubt_count)]);
    for (const [key, label, value] of rows) {
      const dt = document.createElement("dt");
      dt.textContent = label;
      const dd = document.createElement("dd");
      dd.dataset.figure = key;
      dd.textContent = value;
      dl.append(dt, dd);
    }
    card.append(h, dl);
    return card;
  }

  /** Net per hour (one day) or per day (a range), one SVG bar chart per currency. */
  function chart(c: CurrencyFigures, byDay: boolean, zone: string): HTMLElement {
    const lines: Line[] = byDay ? c.by_day : c.by_hour;
    const width = 720;
    const height = 220;
    const pad = 28;
    const svg = document.createElementNS(SVG, "svg");
    const captionId = `chart-title-${c.currency}`;
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-labelledby", captionId);
    const values = lines.map((l) => l.gross - l.refunds);
    const max = Math.max(1, ...values.map((v) => Math.abs(v)));
    const slot = lines.length ? (width - 2 * pad) / lines.length : 0;
    const base = height - pad;
    const every = lines.length > 31 ? Math.ceil(lines.length / 12) : byDay ? 1 : 3;
    lines.forEach((l, i) => {
      const v = values[i] ?? 0;
      const h = Math.round((Math.abs(v) / max) * (height - 2 * pad));
      const bar = document.createElementNS(SVG, "rect");
      bar.setAttribute("x", String(pad + i * slot + slot * 0.15));
      bar.setAttribute("width", String(Math.max(1, slot * 0.7)));
      bar.setAttribute("y", String(v >= 0 ? base - h : base));
      bar.setAttribute("height", String(h));
      bar.setAttribute("class", v >= 0 ? "bar" : "bar negative");
      bar.dataset.label = l.label;
      bar.dataset.net = String(v);
      const tip = document.createElementNS(SVG, "title");
      tip.textContent = `${l.label}: ${host.format(v, c.currency)} net, ${l.sales} sale(s)`;
      bar.append(tip);
      svg.append(bar);
      if (i % every === 0) {
        const t = document.createElementNS(SVG, "text");
        t.setAttribute("x", String(pad + i * slot + slot / 2));
        t.setAttribute("y", String(height - 8));
        t.setAttribute("text-anchor", "middle");
        t.textContent = byDay ? l.label.slice(5) : l.label;
        svg.append(t);
      }
    });
    const axis = document.createElementNS(SVG, "line");
    axis.setAttribute("x1", String(pad));
    axis.setAttribute("x2", String(width - pad));
    axis.setAttribute("y1", String(base));
    axis.setAttribute("y2", String(base));
    axis.setAttribute("class", "axis");
    svg.append(axis);
    const figure = document.createElement("figure");
    figure.className = "chart";
    figure.dataset.currency = c.currency;
    const caption = document.createElement("figcaption");
    caption.id = captionId;
    caption.textContent = `Net ${c.currency} by ${byDay ? "day" : "hour"} (${zone})`;
    figure.append(svg, caption);
    return figure;
  }

  function table(title: string, lines: Line[], currency: string, kind: string): HTMLElement {
    const t = document.createElement("table");
    t.className = "breakdown";
    t.dataset.breakdown = kind;
    const cap = document.createElement("caption");
    cap.textContent = `${title} (${currency})`;
    const head = document.createElement("tr");
    for (const h of [title, "Sales", "Gross", "Refunds", "Net"]) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = h;
      head.append(th);
    }
    t.append(cap, head);
    for (const l of lines) {
      const tr = document.createElement("tr");
      const cells = [
        l.label,
        String(l.sales),
        host.format(l.gross, currency),
        `${host.format(l.refunds, currency)} (${l.refund_count})`,
        host.format(l.gross - l.refunds, currency),
      ];
      cells.forEach((text, i) => {
        const td = document.createElement(i === 0 ? "th" : "td");
        if (i === 0) (td as HTMLTableCellElement).scope = "row";
        td.textContent = text;
        tr.append(td);
      });
      t.append(tr);
    }
    return t;
  }

  function render(title: string, view: ReportView | ZReportView): void {
    const figures = "figures" in view ? view.figures : view.report.figures;
    el.title.textContent = title;
    el.figures.replaceChildren(...figures.currencies.map(figureCard));
    const multiDay = figures.period.to_ms - figures.period.from_ms > 25 * 3_600_000;
    el.charts.replaceChildren(...figures.currencies.map((c) => chart(c, multiDay, figures.time_zone)));
    el.chartsEmpty.hidden = figures.currencies.length > 0;
    el.breakdowns.replaceChildren(
      ...figures.currencies.flatMap((c) => [
        table("By card brand", c.by_brand, c.currency, "brand"),
        table("By staff", c.by_staff, c.currency, "staff"),
      ]),
    );
    el.printout.textContent = view.lines.join("\n");
    el.discrepancies.replaceChildren();
    el.reconcileList.replaceChildren();
    el.importButton.hidden = true;
  }

  async function showDays(): Promise<void> {
    try {
      const view = await call("get_day_report", { from: el.from.value, to: el.to.value });
      const label = el.from.value === el.to.value ? el.from.value : `${el.from.value} to ${el.to.value}`;
      render(`Day view · ${label}`, view);
      say(`Figures for ${label} (${view.figures.time_zone}).`);
    } catch (e) {
      fail(e);
    }
  }

  async function showX(): Promise<void> {
    try {
      const view = await call("get_x_report", {});
      render("X report · since the last close of day", view);
      say("X report: nothing has been closed.");
    } catch (e) {
      fail(e);
    }
  }

  async function closeDay(): Promise<void> {
    if (!closeArmed) {
      closeArmed = true;
      el.close.textContent = "Confirm: close the day";
      el.close.dataset.armed = "true";
      say("Closing the day numbers it and freezes its figures. Press again to confirm.", "warn");
      return;
    }
    closeArmed = false;
    el.close.textContent = "Close day (Z)";
    delete el.close.dataset.armed;
    try {
      const z = await call("close_day", {});
      render(`Z report No. ${z.report.number}`, z);
      say(`Day closed as Z report No. ${z.report.number}. Saved as ${z.pdf_path}.`);
    } catch (e) {
      fail(e);
    }
  }

  async function exportCsv(): Promise<void> {
    try {
      const out = await call("export_csv", { from: el.from.value, to: el.to.value });
      say(`${out.rows} row(s) exported to ${out.path}.`);
    } catch (e) {
      fail(e);
    }
  }

  function listMismatches(r: Reconciliation): void {
    el.reconcileList.replaceChildren(
      ...r.mismatches.map((m) => {
        const li = document.createElement("li");
        li.dataset.kind = m.kind;
        li.textContent = `${m.kind.replace(/_/g, " ")}: sale ${m.sale_id ?? "—"} · here: ${m.local ?? "nothing"} · gateway: ${m.gateway ?? "nothing"}${m.gateway_id ? ` (${m.gateway_id})` : ""}`;
        return li;
      }),
    );
    el.importButton.hidden = !r.mismatches.some((m) => m.importable);
    say(
      r.mismatches.length === 0
        ? `Reconciled: ${r.matched} payment(s) match the gateway.`
        : `${r.mismatches.length} difference(s) with the gateway; ${r.matched} payment(s) match.`,
      r.mismatches.length === 0 ? "ok" : "warn",
    );
  }

  async function reconcile(): Promise<void> {
    say("Asking the gateway…");
    try {
      listMismatches(await call("reconcile_day", { from: el.from.value, to: el.to.value }));
    } catch (e) {
      fail(e);
    }
  }

  async function importMissing(): Promise<void> {
    try {
      const out = await call("import_missing", { from: el.from.value, to: el.to.value });
      listMismatches(out.reconciliation);
      say(`Imported ${out.imported} record(s) from the gateway. ${el.message.textContent ?? ""}`);
    } catch (e) {
      fail(e);
    }
  }

  el.show.addEventListener("click", () => void showDays());
  el.x.addEventListener("click", () => void showX());
  el.close.addEventListener("click", () => void closeDay());
  el.csv.addEventListener("click", () => void exportCsv());
  el.reconcile.addEventListener("click", () => void reconcile());
  el.importButton.addEventListener("click", () => void importMissing());
  el.print.addEventListener("click", () => window.print());
  el.back.addEventListener("click", () => host.back());

  return {
    open(): void {
      const today = localDate();
      if (!el.from.value) el.from.value = today;
      if (!el.to.value) el.to.value = today;
      el.root.hidden = false;
      void showDays();
      el.show.focus();
    },
    hide(): void {
      el.root.hidden = true;
    },
  };
}
