// Small DOM helpers. Every figure element carries data-testid (or, in a table row, data-field) and data-value,
// the API's raw value, beside its formatted text: the browser test compares both with the API.

const raw = (value) => (typeof value === "string" ? value : JSON.stringify(value ?? null));

export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "dataset") Object.assign(e.dataset, v);
    else e.setAttribute(k, String(v));
  }
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}

/** Writes a figure: its formatted text and the raw value it came from. */
export function figure(testid, text, value) {
  for (const e of document.querySelectorAll(`[data-testid="${testid}"]`)) {
    e.textContent = text;
    e.dataset.value = raw(value);
  }
}

/** A table cell for one field of a row. */
export function cell(field, text, value, opts = {}) {
  const content = opts.href ? el("a", { href: opts.href, title: opts.title }, text) : text;
  return el("td", { class: opts.class, title: opts.href ? undefined : opts.title, dataset: { field, value: raw(value) } }, content);
}

/** Replaces a table body's rows; with none, one row saying what would be there. */
export function fillRows(tbody, rows, empty) {
  const cols = tbody.closest("table").querySelectorAll("thead th").length;
  tbody.replaceChildren(...(rows.length ? rows : [el("tr", { class: "empty" }, el("td", { colspan: cols }, empty))]));
}

export const badge = (status) => el("span", { class: `badge ${status}` }, status);

export function showError(target, message) {
  target.textContent = message ?? "";
  target.hidden = !message;
}
