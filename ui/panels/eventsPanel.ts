import { errorText, refreshError } from '../api';
import type { PanelContext, PanelModule } from '../context';
import { badge, busy, h, syncChildren } from '../dom';
import { clock, num, words } from '../format';
import type { EventPage, EventView, UnknownFace } from '../types';
import { empty, tabPanel } from './panel';

const PAGE = 30;
const SHOWN = 150;
/** While the live stream is down the feed polls this often. */
const POLL_MS = 2000;

/** The event feed, and what its tab tells it. */
export interface EventsPanel extends PanelModule {
  /** The tab was opened or closed: the feed is drawn only while it shows. */
  shown(visible: boolean): void;
  /** Called with the number of events that arrived while the tab was closed. */
  onUnseen?: (count: number) => void;
}

/**
 * The raw event feed, in the activity panel's second tab (`tabId`): the latest events
 * (`GET /api/v1/events`), then each new one at the top as the live stream delivers it (polling
 * while the stream is down), older pages on request. While its tab is closed the feed keeps its
 * data but draws nothing (a busy walkway sends many events a second), and counts what is new.
 */
export function eventsPanel(ctx: PanelContext, tabId: string): EventsPanel {
  const p = tabPanel('events-panel', tabId);
  const list = h('ol', {
    id: 'event-feed',
    class: 'feed',
    'aria-live': 'polite',
    'aria-relevant': 'additions',
  });
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Show older events');
  const items = new Map<string, { event: EventView; element: HTMLElement }>();
  let cursor: string | null = null;
  let loaded = false;
  let visible = false;
  /** Drawn since the data last changed: nothing to do when the tab opens. */
  let current = false;
  let unseen = 0;
  let frame = 0;

  const render = () => {
    current = false;
    if (!visible) return;
    current = true;
    if (items.size === 0) {
      p.show(
        empty(
          'No events yet.',
          'They appear here as the cameras see something, or when a sensor or script posts one to /api/v1/events.',
        ),
      );
      return;
    }
    if (p.body.firstChild !== list) p.show(list, more);
    const sorted = [...items.values()].sort((a, b) => b.event.timestamp - a.event.timestamp);
    for (const dropped of sorted.slice(SHOWN)) items.delete(dropped.event.id);
    syncChildren(
      list,
      sorted.slice(0, SHOWN).map((item) => item.element),
    );
  };
  /** Drops events beyond what the feed shows, also while it is not drawn. */
  const trim = () => {
    if (items.size <= SHOWN * 2) return;
    const sorted = [...items.values()].sort((a, b) => b.event.timestamp - a.event.timestamp);
    for (const dropped of sorted.slice(SHOWN)) items.delete(dropped.event.id);
  };

  /** Unknown faces by the event they were seen in: such events show the face and offer to enroll it. */
  let crops = new Map<string, UnknownFace>();
  const upsert = (event: EventView, fresh: boolean) => {
    if (fresh && loaded && !visible && !items.has(event.id)) {
      unseen++;
      result.onUnseen?.(unseen);
    }
    const element = eventItem(ctx, event, crops.get(event.id));
    if (fresh && loaded && !items.has(event.id)) element.classList.add('new');
    items.set(event.id, { event, element });
  };

  ctx.unknownFaces?.subscribe(({ data }) => {
    if (!data) return;
    crops = new Map(data.faces.filter((f) => f.event_id && f.crop_url).map((f) => [f.event_id ?? '', f]));
    let changed = false;
    for (const item of items.values()) {
      if (item.event.type !== 'face_unknown' || !crops.has(item.event.id)) continue;
      if (item.element.querySelector('img.face-crop')) continue;
      upsert(item.event, false);
      changed = true;
    }
    if (changed) render();
  });

  const latest = ctx.resource(() => ctx.api.get<EventPage>(`/api/v1/events?limit=${PAGE}`), 0);
  latest.subscribe(({ data, error }) => {
    p.error(refreshError(error));
    if (!data) return;
    for (const event of data.events) {
      const known = items.get(event.id);
      if (!known || JSON.stringify(known.event) !== JSON.stringify(event)) upsert(event, true);
    }
    if (!loaded) {
      cursor = data.next_cursor;
      more.hidden = cursor === null;
    }
    loaded = true;
    render();
  });

  let pollTimer: number | undefined;
  const poll = () => {
    clearTimeout(pollTimer);
    if (ctx.streamLive()) return;
    void latest.refresh().finally(() => {
      clearTimeout(pollTimer);
      if (!ctx.streamLive()) pollTimer = window.setTimeout(poll, POLL_MS);
    });
  };

  more.addEventListener('click', () => {
    if (cursor === null) return;
    void busy(more, async () => {
      try {
        const page = await ctx.api.get<EventPage>(
          `/api/v1/events?limit=${PAGE}&cursor=${encodeURIComponent(cursor ?? '')}`,
        );
        for (const event of page.events) if (!items.has(event.id)) upsert(event, false);
        cursor = page.next_cursor;
        more.hidden = cursor === null;
        p.error(null);
        render();
      } catch (err) {
        p.error(errorText(err));
      }
    });
  });

  const result: EventsPanel = {
    section: p.section,
    shown(now) {
      visible = now;
      if (!now) return;
      unseen = 0;
      result.onUnseen?.(0);
      if (!current) render();
    },
    onEvent(event) {
      upsert(event, true);
      trim();
      // A burst of events is drawn once, at the next frame.
      if (visible && frame === 0) {
        frame = requestAnimationFrame(() => {
          frame = 0;
          render();
        });
      }
    },
    onResync() {
      void latest.refresh();
    },
    onStreamStatus(live) {
      if (!live) poll();
      else clearTimeout(pollTimer);
    },
    dispose() {
      clearTimeout(pollTimer);
      cancelAnimationFrame(frame);
    },
  };
  return result;
}

function eventItem(ctx: PanelContext, event: EventView, face: UnknownFace | undefined): HTMLElement {
  const data = (event.data ?? {}) as Record<string, unknown>;
  const thumbnail = face?.crop_url
    ? h('img', {
        class: 'thumb face-crop',
        src: face.crop_url,
        alt: `Unknown face at ${event.camera ?? 'the appliance'}`,
        loading: 'lazy',
        width: 96,
        height: 72,
      })
    : typeof data.snapshot === 'string'
      ? h('img', {
          class: 'thumb',
          src: `/api/v1/events/${encodeURIComponent(event.id)}/thumbnail.jpg`,
          alt: `${event.label ?? event.type} at ${event.camera ?? 'the appliance'}`,
          loading: 'lazy',
          width: 96,
          height: 72,
        })
      : h('span', { class: 'thumb none', 'aria-hidden': 'true' }, iconFor(event.type));
  const zones =
    Array.isArray(event.zones) && event.zones.length > 0 ? (event.zones as string[]).join(', ') : null;
  const enroll = face?.crop_url
    ? h(
        'button',
        { type: 'button', class: 'secondary small', onclick: () => ctx.enrollFromEvent?.(event.id) },
        'Enroll this face',
      )
    : null;
  return h(
    'li',
    { class: 'event', 'data-event-id': event.id, 'data-severity': event.severity },
    thumbnail,
    h(
      'div',
      { class: 'event-text' },
      h(
        'div',
        { class: 'event-head' },
        h('time', { datetime: new Date(event.timestamp).toISOString() }, clock(event.timestamp)),
        ' ',
        badge(event.severity, `sev-${event.severity}`),
        ' ',
        h('strong', { class: 'event-type' }, words(event.type)),
        event.label ? h('span', { class: 'event-label' }, ` · ${event.label}`) : null,
        event.confidence ? h('span', { class: 'muted' }, ` ${num(event.confidence * 100, 0)} %`) : null,
      ),
      h('div', { class: 'event-where muted' }, event.camera ?? 'no camera', zones ? ` · ${zones}` : null),
      event.description ? h('p', { class: 'event-description' }, event.description) : null,
      enroll,
    ),
  );
}

function iconFor(type: string): string {
  if (type.startsWith('face')) return '☺';
  if (type === 'sensor' || type === 'motion') return '≋';
  if (type.startsWith('camera')) return '◉';
  if (type === 'system') return '⚙';
  return '●';
}
