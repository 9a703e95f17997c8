// The window's words, in the shop's language.
//
// Every word the window shows is a message in `locales/<language>/ui.ftl`,
// the same files the core compiles in (crates/core/src/messages.rs), so a
// message exists once and the Rust tests hold the four languages to the
// same ids, attributes and variables. The catalogs are bundled as text at
// build time: the window loads nothing at run time.
//
// Guarantees:
// - `t` and `localize` never throw and never log: a message missing or
//   broken in the shop's language falls back to English, then to its id
//   (`t`) or to the English already in the template (`localize`), so a
//   gap in a catalog costs a word, never the till;
// - no Unicode isolation marks around placeables: amounts, names and card
//   lines are compared, copied and read aloud as the core wrote them;
// - `localize` only sets text and a short list of plain attributes, never
//   markup or event handlers, whatever a catalog holds;
// - every id is a string literal where it is used (`t("…")`,
//   `data-l10n-id="…"`, or a Record whose values are ids), so a static
//   check can match the code against the catalogs.
import { FluentBundle, FluentResource } from "@fluent/bundle";
import type { ErrorReport } from "../bindings/ErrorReport";
import type { Language } from "../bindings/Language";
import en from "../../../locales/en/ui.ftl";
import fr from "../../../locales/fr/ui.ftl";
import de from "../../../locales/de/ui.ftl";
import es from "../../../locales/es/ui.ftl";
import enCore from "../../../locales/en/core.ftl";
import frCore from "../../../locales/fr/core.ftl";
import deCore from "../../../locales/de/core.ftl";
import esCore from "../../../locales/es/core.ftl";

/** A message's variables: counts as numbers (plurals select on them), the rest as text. */
export type Args = Record<string, string | number>;

// The tag decides plural rules and how Fluent writes a count.
// The core's catalog too: an error report names its message there.
const SOURCES: Record<Language, { tag: string; ftl: string[] }> = {
  en: { tag: "en-US", ftl: [en, enCore] },
  fr: { tag: "fr-FR", ftl: [fr, frCore] },
  de: { tag: "de-DE", ftl: [de, deCore] },
  es: { tag: "es-ES", ftl: [es, esCore] },
};

// Element attributes a message may set. Catalogs are the app's own, but a
// translation should never be able to add behaviour to the page.
const ATTRIBUTES = new Set(["aria-label", "aria-description", "placeholder", "title", "alt", "label"]);

const bundles = new Map<Language, FluentBundle>();
let current: Language = "en";

function bundleOf(language: Language): FluentBundle {
  let bundle = bundles.get(language);
  if (!bundle) {
    bundle = new FluentBundle(SOURCES[language].tag, { useIsolating: false });
    // A message that does not parse is skipped (the others still load);
    // the Rust tests reject such a catalog before it ships.
    for (const ftl of SOURCES[language].ftl) bundle.addResource(new FluentResource(ftl));
    bundles.set(language, bundle);
  }
  return bundle;
}

/** The shop's language from now on (an unknown one reads as English). */
export function setLanguage(language: Language): void {
  current = Object.prototype.hasOwnProperty.call(SOURCES, language) ? language : "en";
}

export function currentLanguage(): Language {
  return current;
}

/** The languages to try, in order: the shop's, then English. */
function chain(): Language[] {
  return current === "en" ? ["en"] : [current, "en"];
}

/** One message's value (or one attribute) in one language; none when absent or broken. */
function formatIn(language: Language, id: string, args: Args | undefined, attribute?: string): string | undefined {
  try {
    const bundle = bundleOf(language);
    const message = bundle.getMessage(id);
    const pattern = attribute === undefined ? message?.value : message?.attributes[attribute];
    if (!pattern) return undefined;
    const errors: Error[] = [];
    const text = bundle.formatPattern(pattern, args, errors);
    return errors.length === 0 ? text : undefined;
  } catch {
    return undefined;
  }
}

function lookup(id: string, args: Args | undefined, attribute?: string): string | undefined {
  for (const language of chain()) {
    const text = formatIn(language, id, args, attribute);
    if (text !== undefined) return text;
  }
  return undefined;
}

/** The message `id` in the shop's language. */
export function t(id: string, args?: Args): string {
  return lookup(id, args) ?? id;
}

/** An error report's message in the shop's language: the core names the
 * catalog message it said (`said`); a message the catalog does not word
 * (set-up and support details) comes as the core wrote it. */
export function reportText(report: ErrorReport): string {
  const said = report.said;
  if (!said) return report.message;
  const args: Args = {};
  for (const [name, value] of Object.entries(said.args)) {
    if (value === undefined) continue;
    if (typeof value !== "object") args[name] = value;
    else args[name] = "word" in value ? t(value.word) : writeAmount(value.minor, value.currency);
  }
  return lookup(said.id, args) ?? report.message;
}

let writeAmount = (minor: number, currency: string): string => `${minor} ${currency}`;

/** How amounts in a report's message are written: the app's own rule. */
export function setAmountWriter(write: (minor: number, currency: string) => string): void {
  writeAmount = write;
}

/** `data-l10n-args` as variables; anything but a flat object of strings and numbers is ignored. */
function argsOf(element: Element): Args | undefined {
  const raw = element.getAttribute("data-l10n-args");
  if (!raw) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== "object" || parsed === null) return undefined;
    const args: Args = {};
    for (const [name, value] of Object.entries(parsed)) {
      if (typeof value === "string" || typeof value === "number") args[name] = value;
    }
    return args;
  } catch {
    return undefined;
  }
}

function localizeElement(element: Element): void {
  const id = element.getAttribute("data-l10n-id");
  if (!id) return;
  const args = argsOf(element);
  const messages = chain()
    .map((language) => bundleOf(language).getMessage(id))
    .filter((m) => m !== undefined);
  // A message with attributes only (an icon button's label) leaves the text alone.
  if (messages.some((m) => m.value)) {
    const text = lookup(id, args);
    if (text !== undefined) element.textContent = text;
  }
  const names = new Set(messages.flatMap((m) => Object.keys(m.attributes)));
  for (const name of names) {
    if (!ATTRIBUTES.has(name)) continue;
    const text = lookup(id, args, name);
    if (text !== undefined) element.setAttribute(name, text);
  }
}

/** Writes every `data-l10n-id` element under `root` (and `root` itself) in the shop's language. */
export function localize(root: ParentNode): void {
  if (root instanceof Element) localizeElement(root);
  for (const element of root.querySelectorAll("[data-l10n-id]")) localizeElement(element);
}
