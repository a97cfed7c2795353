/**
 * A tiny element builder for the panel (no framework): `h('td', { class: 'num' }, '42')`.
 * Strings become text nodes, never HTML, so keys and URLs from storage cannot inject markup.
 */

/** What may go inside an element. */
export type Child = Node | string | number | null | undefined | false | Child[];

/** Attributes (strings, numbers, booleans) and `on<event>` listeners. */
export type Props = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;

/**
 * A new element of `doc` with `props` and `children`.
 * @example h(document, 'button', { class: 'danger', 'aria-label': 'Clear default', onclick: clear }, 'Clear')
 */
export function h<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, props: Props | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = doc.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(doc, el, children);
  return el;
}

/**
 * A fragment holding `children`.
 * @example body.replaceChildren(fragment(document, 'Loading…'))
 */
export function fragment(doc: Document, ...children: Child[]): DocumentFragment {
  const f = doc.createDocumentFragment();
  append(doc, f, children);
  return f;
}

function append(doc: Document, el: Element | DocumentFragment, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(doc, el, child);
    else el.append(typeof child === 'object' ? child : doc.createTextNode(String(child)));
  }
}
