// DOM helpers for <credit-advisor>'s views: one way to build an element, one way to emit an
// event, one number format. Texts always go in as text, never as markup.
const SVG = 'http://www.w3.org/2000/svg';

/** Creates an element: h('p', { class: 'x', part: 'y', onclick: f }, 'text', child…); a tag
 * `svg:path` is an SVG element; false and null attributes and children are left out. */
export function h(tag, attrs = {}, ...children) {
  const el = tag.startsWith('svg:') ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v == null) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) if (c != null && c !== false) el.append(c);
  return el;
}

/** Dispatches `name` from `el` with `detail`, out of the shadow root (bubbles, composed). */
export function emit(el, name, detail) {
  el.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true, detail }));
}

/** A number with `d` decimals. */
export const fmt = (n, d = 0) => Number(n).toFixed(d);
