/**
 * A tiny DOM helper: `h('button', { class: 'x', onclick: fn }, 'text')`. Attributes are set as
 * attributes (never `style`: the CSP forbids inline styles, so looks come from classes).
 */

export type Child = Node | string | number | null | undefined | false;
type AttrValue = string | number | boolean | null | undefined;
type Handler = (event: Event) => void;
export type Attrs = Record<string, AttrValue | Handler>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs | null = null,
  ...children: Array<Child | Child[]>
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) element.setAttribute(name, '');
    else if (value !== false && value !== null && value !== undefined)
      element.setAttribute(name, String(value));
  }
  append(element, ...children);
  return element;
}

/** Appends children, skipping null/undefined/false; strings become text (never HTML). */
function append(parent: Element, ...children: Array<Child | Child[]>): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(typeof child === 'number' ? String(child) : child);
  }
}

/** Replaces all children. */
export function replace(parent: Element, ...children: Array<Child | Child[]>): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/**
 * Makes `parent`'s children exactly `children`, in order, moving only what is out of place: an
 * unchanged list touches nothing and a new first item is one insert, so a refresh neither
 * re-lays out the list nor replaces nodes (and images) that stayed.
 */
export function syncChildren(parent: Element, children: Element[]): void {
  children.forEach((child, index) => {
    const current = parent.children[index];
    if (current !== child) parent.insertBefore(child, current ?? null);
  });
  while (parent.children.length > children.length) parent.lastElementChild?.remove();
}

/** The element with this id; a missing one is a bug in the page shell. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

/** A definition list from label → value pairs (null values are left out). */
export function facts(rows: Array<[string, Child | Child[]]>, attrs: Attrs | null = null): HTMLDListElement {
  const list = h('dl', { class: 'facts', ...attrs });
  for (const [label, value] of rows) {
    if (value === null || value === undefined) continue;
    append(list, h('dt', null, label), h('dd', null, value));
  }
  return list;
}

/** A small state badge: `data-state` picks its colour in the stylesheet. */
export function badge(text: string, state: string = text, attrs: Attrs | null = null): HTMLSpanElement {
  return h('span', { class: 'badge', 'data-state': state, ...attrs }, text);
}

/** Runs `action` with the button disabled, so a slow request cannot be sent twice. */
export async function busy<T>(button: HTMLButtonElement, action: () => Promise<T>): Promise<T> {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await action();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}
