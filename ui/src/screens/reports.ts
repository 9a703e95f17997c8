// The owner's reports screen: the day view with its chart, X and Z reports,
// CSV export and reconciliation with the gateway. Figures come from the core
// in minor units per currency; this file only lays them out. All text is set
// with textContent.
import { call, asErrorReport } from "../api";
import type { CurrencyFigures } from "../bindings/CurrencyFigures";
import type { Line } from "../bindings/Line";
import type { MismatchKind } from "../bindings/MismatchKind";
import type { Reconciliation } from "../bindings/Reconciliation";
import type { ReportView } from "../bindings/ReportView";
import type { ShopCurrency } from "../bindings/ShopCurrency";
import type { ShopDayView } from "../bindings/ShopDayView";
import type { ZReportView } from "../bindings/ZReportView";
import { $ } from "../kit/dom";
import { dateText, dayText, parseDay } from "../kit/format";
import { t } from "../kit/l10n";

const SVG = "http://www.w3.org/2000/svg";

/** What each kind of difference with the gateway is called: message ids, for `t`. */
const MISMATCH_WORDS: Record<MismatchKind, string> = {
  missing_locally: "reports-mismatch-missing-locally",
  missing_at_gateway: "reports-mismatch-missing-at-gateway",
  amount_differs: "reports-mismatch-amount-differs",
  status_differs: "reports-mismatch-status-differs",
  refund_missing_locally: "reports-mismatch-refund-missing-locally",
  refund_missing_at_gateway: "reports-mismatch-refund-missing-at-gateway",
  audit_trail_differs: "reports-mismatch-audit-trail-differs",
};

export interface ReportsHost {
  /** Minor units as the shop writes the amount, with its currency. */
  format(minor: number, currency: string): string;
  /** The shop's BCP 47 tag, for dates and counts. */
  locale(): string;
  /** Called when the session ended (idle lock, signed out elsewhere). */
  signedOut(message: string): void;
  back(): void;
  /** False on a back office (reports only). */
  hasCounter(): boolean;
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
    shop: $<HTMLButtonElement>("report-shop"),
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

  const count = (n: number) => new Intl.NumberFormat(host.locale()).format(n);

  /** A chart line's label, `00`–`23` (an hour) or `YYYY-MM-DD` (a day) from
   * the core, as the shop writes it; `short` for the axis, where room is scarce. */
  function lineLabel(label: string, byDay: boolean, short: boolean): string {
    const tag = host.locale();
    if (byDay) {
      const day = parseDay(label);
      if (!day) return label;
      return short ? new Intl.DateTimeFormat(tag, { day: "numeric", month: "numeric" }).format(day) : dateText(day, tag, "date");
    }
    const hour = Number(label);
    if (label === "" || !Number.isInteger(hour)) return label;
    const at = new Date(2000, 0, 1, hour);
    return short ? new Intl.DateTimeFormat(tag, { hour: "numeric" }).format(at) : dateText(at, tag, "time");
  }

  function figureCard(c: CurrencyFigures): HTMLElement {
    const rows: [string, string, string][] = [
      ["gross", t("reports-gross"), `${host.format(c.gross, c.currency)} (${count(c.sales)})`],
      ["refunds", t("reports-refunds"), `${host.format(c.refunds, c.currency)} (${count(c.refund_count)})`],
      ["net", t("reports-net"), host.format(c.net, c.currency)],
      ["average", t("reports-average"), host.format(c.average_ticket, c.currency)],
      ["held", t("reports-held"), `${host.format(c.held, c.currency)} (${count(c.held_count)})`],
      ["voided", t("reports-voided-declined"), `${count(c.voided_count)} · ${count(c.declined_count)}`],
    ];
    if (c.in_doubt_count > 0) rows.push(["in-doubt", t("reports-in-doubt"), count(c.in_doubt_count)]);
    return card(c.currency, rows);
  }

  /** The whole shop's figures for one currency (from the gateway: no averages or held amounts). */
  function shopCard(c: ShopCurrency): HTMLElement {
    return card(c.currency, [
      ["gross", t("reports-gross"), `${host.format(c.gross, c.currency)} (${count(c.sales)})`],
      ["refunds", t("reports-refunds"), `${host.format(c.refunds, c.currency)} (${count(c.refund_count)})`],
      ["net", t("reports-net"), host.format(c.net, c.currency)],
      ["voided", t("reports-voided-declined"), `${count(c.voided_count)} · ${count(c.declined_count)}`],
    ]);
  }

  function card(currency: string, rows: [string, string, string][]): HTMLElement {
    const card = document.createElement("section");
    card.className = "figure-card";
    card.dataset.currency = currency;
    const h = document.createElement("h2");
    h.textContent = currency;
    const dl = document.createElement("dl");
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
      tip.textContent = t("reports-chart-tip", {
        label: lineLabel(l.label, byDay, false),
        amount: host.format(v, c.currency),
        count: l.sales,
      });
      bar.append(tip);
      svg.append(bar);
      if (i % every === 0) {
        const tick = document.createElementNS(SVG, "text");
        tick.setAttribute("x", String(pad + i * slot + slot / 2));
        tick.setAttribute("y", String(height - 8));
        tick.setAttribute("text-anchor", "middle");
        tick.textContent = lineLabel(l.label, byDay, true);
        svg.append(tick);
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
    caption.textContent = byDay
      ? t("reports-chart-by-day", { currency: c.currency, zone })
      : t("reports-chart-by-hour", { currency: c.currency, zone });
    figure.append(svg, caption);
    return figure;
  }

  function table(title: string, lines: Line[], currency: string, kind: string): HTMLElement {
    const table = document.createElement("table");
    table.className = "breakdown";
    table.dataset.breakdown = kind;
    const cap = document.createElement("caption");
    cap.textContent = `${title} (${currency})`;
    const head = document.createElement("tr");
    for (const h of [title, t("reports-col-sales"), t("reports-col-gross"), t("reports-col-refunds"), t("reports-col-net")]) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = h;
      head.append(th);
    }
    table.append(cap, head);
    for (const l of lines) {
      const tr = document.createElement("tr");
      const cells = [
        l.label,
        count(l.sales),
        host.format(l.gross, currency),
        `${host.format(l.refunds, currency)} (${count(l.refund_count)})`,
        host.format(l.gross - l.refunds, currency),
      ];
      cells.forEach((text, i) => {
        const td = document.createElement(i === 0 ? "th" : "td");
        if (i === 0) (td as HTMLTableCellElement).scope = "row";
        td.textContent = text;
        tr.append(td);
      });
      table.append(tr);
    }
    return table;
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
        table(t("reports-by-brand"), c.by_brand, c.currency, "brand"),
        table(t("reports-by-staff"), c.by_staff, c.currency, "staff"),
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
      const [from, to] = [dayText(el.from.value, host.locale()), dayText(el.to.value, host.locale())];
      const range = el.from.value === el.to.value ? from : t("reports-range", { from, to });
      render(t("reports-day-title", { range }), view);
      say(t("reports-day-figures", { range, zone: view.figures.time_zone }));
    } catch (e) {
      fail(e);
    }
  }

  /** Every till's figures, read from the gateway; a till whose own records differ is marked. */
  function renderShop(title: string, view: ShopDayView): void {
    const day = view.day;
    el.title.textContent = title;
    el.figures.replaceChildren(...day.currencies.map(shopCard));
    el.charts.replaceChildren();
    el.chartsEmpty.hidden = day.currencies.length > 0;
    el.breakdowns.replaceChildren(
      ...day.currencies.flatMap((c) => {
        const tills = table(t("reports-by-till"), c.by_till.map((l) => l.line), c.currency, "till");
        c.by_till.forEach((l, i) => {
          const row = tills.querySelectorAll("tr")[i + 1];
          if (!row) return;
          row.dataset.terminal = l.terminal_id;
          if (l.differs && l.cache) {
            row.dataset.differs = "true";
            const note = document.createElement("td");
            note.textContent = t("reports-till-differs", {
              gross: host.format(l.cache.gross, c.currency),
              count: l.cache.sales,
            });
            row.append(note);
          }
        });
        return [
          tills,
          table(t("reports-by-staff"), c.by_staff.map((l) => l.line), c.currency, "staff"),
          table(t("reports-by-brand"), c.by_brand, c.currency, "brand"),
        ];
      }),
    );
    el.printout.textContent = view.lines.join("\n");
    el.discrepancies.replaceChildren();
    el.reconcileList.replaceChildren();
    el.importButton.hidden = true;
  }

  async function showShop(): Promise<void> {
    say(t("reports-shop-reading"));
    try {
      const view = await call("get_shop_day", { from: el.from.value, to: el.to.value });
      const [from, to] = [dayText(el.from.value, host.locale()), dayText(el.to.value, host.locale())];
      const range = el.from.value === el.to.value ? from : t("reports-range", { from, to });
      renderShop(t("reports-shop-title", { range }), view);
      say(view.day.differs ? t("reports-shop-differs") : t("reports-shop-done", { range }), view.day.differs ? "warn" : "ok");
    } catch (e) {
      fail(e);
    }
  }

  async function showX(): Promise<void> {
    try {
      const view = await call("get_x_report", {});
      render(t("reports-x-title"), view);
      say(t("reports-x-done"));
    } catch (e) {
      fail(e);
    }
  }

  async function closeDay(): Promise<void> {
    if (!closeArmed) {
      closeArmed = true;
      el.close.textContent = t("reports-close-day-confirm");
      el.close.dataset.armed = "true";
      say(t("reports-close-day-warn"), "warn");
      return;
    }
    disarmClose();
    try {
      const z = await call("close_day", {});
      // A report number is a name, not a quantity: never grouped (`No. 1000`).
      const number = String(z.report.number);
      render(t("reports-z-title", { number }), z);
      say(t("reports-z-closed", { number, path: z.pdf_path }));
    } catch (e) {
      fail(e);
    }
  }

  async function exportCsv(): Promise<void> {
    try {
      const out = await call("export_csv", { from: el.from.value, to: el.to.value });
      say(t("reports-csv-done", { count: out.rows, path: out.path }));
    } catch (e) {
      fail(e);
    }
  }

  function listMismatches(r: Reconciliation): void {
    el.reconcileList.replaceChildren(
      ...r.mismatches.map((m) => {
        const li = document.createElement("li");
        li.dataset.kind = m.kind;
        const line = t("reports-mismatch", {
          kind: t(MISMATCH_WORDS[m.kind]),
          sale: m.sale_id ?? "—",
          local: m.local ?? t("reports-nothing"),
          gateway: m.gateway ?? t("reports-nothing"),
        });
        li.textContent = m.gateway_id ? `${line} (${m.gateway_id})` : line;
        return li;
      }),
    );
    el.importButton.hidden = !r.mismatches.some((m) => m.importable);
    say(
      r.mismatches.length === 0
        ? t("reports-reconciled", { matched: r.matched })
        : t("reports-differences", { count: r.mismatches.length, matched: r.matched }),
      r.mismatches.length === 0 ? "ok" : "warn",
    );
  }

  async function reconcile(): Promise<void> {
    say(t("reports-asking"));
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
      say(`${t("reports-imported", { count: out.imported })} ${el.message.textContent ?? ""}`);
    } catch (e) {
      fail(e);
    }
  }

  function disarmClose(): void {
    closeArmed = false;
    el.close.textContent = t("reports-close-day");
    delete el.close.dataset.armed;
  }

  el.show.addEventListener("click", () => void showDays());
  el.x.addEventListener("click", () => void showX());
  el.close.addEventListener("click", () => void closeDay());
  el.csv.addEventListener("click", () => void exportCsv());
  el.reconcile.addEventListener("click", () => void reconcile());
  el.shop.addEventListener("click", () => void showShop());
  el.importButton.addEventListener("click", () => void importMissing());
  el.print.addEventListener("click", () => window.print());
  el.back.addEventListener("click", () => host.back());

  return {
    open(): void {
      // A back office has no counter to go back to.
      el.back.hidden = !host.hasCounter();
      // Nor sales of its own to close, export or reconcile.
      for (const b of [el.show, el.x, el.close, el.csv, el.reconcile]) b.hidden = !host.hasCounter();
      const today = localDate();
      if (!el.from.value) el.from.value = today;
      if (!el.to.value) el.to.value = today;
      // A close of day armed on an earlier visit would close on one press.
      disarmClose();
      el.root.hidden = false;
      // A back office keeps no sales of its own: it opens on the whole shop.
      void (host.hasCounter() ? showDays() : showShop());
      el.show.focus();
    },
    hide(): void {
      el.root.hidden = true;
    },
  };
}
