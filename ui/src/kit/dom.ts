// The one way the screens find their elements: by id, and loudly if the
// page and the code disagree.
export const $ = <T extends HTMLElement>(id: string): T => {
  const found = document.getElementById(id);
  if (!found) throw new Error(`missing #${id}`);
  return found as T;
};
