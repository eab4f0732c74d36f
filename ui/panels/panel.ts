import { type Attrs, type Child, h, replace } from '../dom';

/** One panel of the page: a section with a heading, a body, and a line for its current error. */
export interface Panel {
  readonly section: HTMLElement;
  readonly body: HTMLElement;
  /** Shows the error of the latest request (the server's own words), or clears it with null. */
  error(message: string | null): void;
  /** Replaces the body. */
  show(...children: Array<Child | Child[]>): void;
}

/**
 * A panel with its heading. Until its first data the body holds grey skeleton rows, and its
 * height is reserved in the stylesheet (`#<id> .panel-body`), so the page does not jump as
 * panels fill in.
 */
export function panel(id: string, title: string, options: { wide?: boolean; tools?: Child[] } = {}): Panel {
  const headingId = `${id}-title`;
  return part(
    'section',
    id,
    { class: options.wide ? 'panel wide' : 'panel', 'aria-labelledby': headingId },
    h('div', { class: 'panel-head' }, h('h2', { id: headingId }, title), options.tools ?? []),
  );
}

/** A panel inside another one's tab (no heading of its own: the tab names it). */
export function tabPanel(id: string, tabId: string, tools: Child[] = []): Panel {
  return part(
    'div',
    id,
    { class: 'tab-panel', role: 'tabpanel', 'aria-labelledby': tabId, tabindex: 0 },
    tools.length > 0 ? h('div', { class: 'tab-tools' }, tools) : null,
  );
}

function part(tag: 'section' | 'div', id: string, attrs: Attrs, head: Child): Panel {
  const errorLine = h('p', { class: 'panel-error', role: 'status', hidden: true });
  const body = h('div', { class: 'panel-body', 'aria-busy': 'true' }, skeleton());
  const section = h(tag, { id, ...attrs }, head, errorLine, body);
  return {
    section,
    body,
    error(message) {
      errorLine.textContent = message ?? '';
      errorLine.hidden = message === null;
    },
    show(...children) {
      body.removeAttribute('aria-busy');
      replace(body, ...children);
    },
  };
}

/** Grey lines where the data will be, hidden from screen readers (the body says it is busy). */
function skeleton(): HTMLElement {
  return h(
    'div',
    { class: 'skeleton', 'aria-hidden': 'true' },
    h('span', null),
    h('span', null),
    h('span', null),
  );
}

/** What an empty list says: the state, and what to do about it. */
export function empty(text: string, hint?: Child | Child[]): HTMLElement {
  return h('p', { class: 'empty' }, text, hint ? h('span', { class: 'hint' }, ' ', hint) : null);
}
