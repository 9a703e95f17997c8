// The one way the screens find their elements: by id, and loudly if the
// page and the code disagree.
import { localize } from "./l10n";

export const $ = <T extends HTMLElement>(id: string): T => {
  const found = document.getElementById(id);
  if (!found) throw new Error(`missing #${id}`);
  return found as T;
};

// Each screen keeps its markup beside its code (`screens/<name>.html`); the
// page holds only the shell. The markup is the app's own, bundled at build
// time, never text from the backend or a person. It is written in the
// shop's language before it joins the page, so no English flashes past.
export function mountBefore(anchorId: string, ...markup: string[]): void {
  const template = document.createElement("template");
  template.innerHTML = markup.join("\n");
  localize(template.content);
  $(anchorId).before(template.content);
}
