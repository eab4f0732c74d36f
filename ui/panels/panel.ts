import { type Child, h, replace } from '../dom';

/** One panel of the page: a section with a heading, a body, and a line for its current error. */
export interface Panel {
  readonly section: HTMLElement;
  readonly body: HTMLElement;
  /** Shows the error of the latest request (the server's own words), or clears it with null. */
  error(message: string | null): void;
  /** Replaces the body. */
  show(...children: Array<Child | Child[]>): void;
}

export function panel(id: string, title: string, options: { wide?: boolean; tools?: Child[] } = {}): Panel {
  const headingId = `${id}-title`;
  const errorLine = h('p', { class: 'panel-error', role: 'status', hidden: true });
  const body = h('div', { class: 'panel-body' });
  const section = h(
    'section',
    { id, class: options.wide ? 'panel wide' : 'panel', 'aria-labelledby': headingId },
    h('div', { class: 'panel-head' }, h('h2', { id: headingId }, title), options.tools ?? []),
    errorLine,
    body,
  );
  return {
    section,
    body,
    error(message) {
      errorLine.textContent = message ?? '';
      errorLine.hidden = message === null;
    },
    show(...children) {
      replace(body, ...children);
    },
  };
}

/** What an empty list says: the state, and what to do about it. */
export function empty(text: string, hint?: Child | Child[]): HTMLElement {
  return h('p', { class: 'empty' }, text, hint ? h('span', { class: 'hint' }, ' ', hint) : null);
}
