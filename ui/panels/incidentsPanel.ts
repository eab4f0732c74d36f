import { errorText, refreshError } from '../api';
import type { PanelContext, PanelModule } from '../context';
import { badge, busy, h, syncChildren } from '../dom';
import { clock, duration, words } from '../format';
import type { IncidentPage, IncidentView } from '../types';
import { empty, tabPanel } from './panel';

const LIMIT = 20;
const REFRESH_MS = 10_000;

const CLIP_STATE_TEXT: Record<string, string> = {
  recording: 'clip being recorded…',
  missing: 'no clip (nothing was recorded)',
  failed: 'clip failed',
  deleted: 'clip deleted by retention',
};

/**
 * Incidents (`GET /api/v1/incidents`, filtered by status), the page's primary list: each is the
 * events of one object or sensor grouped, with their count and time range, state, snapshot,
 * acknowledge and resolve (`POST /api/v1/incidents/:id/acknowledge|resolve`), and the clip in a
 * <video> when there is one. Shown in the activity panel's first tab (`tabId`).
 */
export function incidentsPanel(ctx: PanelContext, tabId: string): PanelModule {
  const filter = h(
    'select',
    { id: 'incident-filter', class: 'small' },
    h('option', { value: '' }, 'all'),
    ['open', 'ended', 'acknowledged', 'resolved'].map((s) => h('option', { value: s }, s)),
  );
  const filterLabel = h('label', { class: 'tool' }, 'Show ', filter);
  const p = tabPanel('incidents-panel', tabId, [filterLabel]);
  const list = h('ul', { id: 'incident-list', class: 'incidents' });
  /** Incidents whose clip the user opened: their player survives refreshes. */
  const players = new Map<string, HTMLVideoElement>();
  /** Each listed incident's element and the answer it was drawn from: an unchanged one is kept as is. */
  const drawn = new Map<string, { json: string; element: HTMLElement }>();

  const incidents = ctx.resource(() => {
    const state = filter.value ? `&state=${filter.value}` : '';
    return ctx.api.get<IncidentPage>(`/api/v1/incidents?limit=${LIMIT}${state}`);
  }, REFRESH_MS);
  filter.addEventListener('change', () => void incidents.refresh());

  const act = async (button: HTMLButtonElement, incident: IncidentView, action: 'acknowledge' | 'resolve') =>
    busy(button, async () => {
      try {
        await ctx.api.send('POST', `/api/v1/incidents/${encodeURIComponent(incident.id)}/${action}`, {});
        p.error(null);
        await incidents.refresh();
      } catch (err) {
        p.error(errorText(err));
      }
    });

  const item = (incident: IncidentView): HTMLElement => {
    const clipArea = h('div', { class: 'clip' });
    const player = players.get(incident.id);
    if (player) clipArea.append(player);
    const clipButton =
      incident.has_clip && incident.clip_url
        ? h(
            'button',
            { type: 'button', class: 'secondary small', 'aria-expanded': player ? 'true' : 'false' },
            player ? 'Hide clip' : 'Play clip',
          )
        : null;
    clipButton?.addEventListener('click', () => {
      const open = players.get(incident.id);
      if (open) {
        open.pause();
        open.remove();
        players.delete(incident.id);
        clipButton.textContent = 'Play clip';
        clipButton.setAttribute('aria-expanded', 'false');
        return;
      }
      const video = h('video', {
        controls: true,
        preload: 'metadata',
        playsinline: true,
        src: incident.clip_url ?? '',
        'aria-label': `Clip of ${words(incident.type)} on ${incident.camera ?? 'the appliance'}`,
      });
      players.set(incident.id, video);
      clipArea.append(video);
      clipButton.textContent = 'Hide clip';
      clipButton.setAttribute('aria-expanded', 'true');
      void video.play().catch(() => undefined);
    });
    const ack = h('button', { type: 'button', class: 'small' }, 'Acknowledge');
    ack.addEventListener('click', () => void act(ack, incident, 'acknowledge'));
    const resolve = h('button', { type: 'button', class: 'small secondary' }, 'Resolve');
    resolve.addEventListener('click', () => void act(resolve, incident, 'resolve'));
    const done = incident.status === 'resolved';
    return h(
      'li',
      { class: 'incident', 'data-incident-id': incident.id, 'data-status': incident.status },
      incident.has_snapshot && incident.snapshot_url
        ? h('img', {
            class: 'thumb',
            src: `/api/v1/incidents/${encodeURIComponent(incident.id)}/thumbnail.jpg`,
            alt: `Snapshot of ${words(incident.type)}`,
            loading: 'lazy',
            width: 96,
            height: 72,
          })
        : h('span', { class: 'thumb none', 'aria-hidden': 'true' }, '●'),
      h(
        'div',
        { class: 'incident-text' },
        h(
          'div',
          { class: 'event-head' },
          badge(incident.status, `status-${incident.status}`),
          ' ',
          badge(incident.severity, `sev-${incident.severity}`),
          ' ',
          h('strong', null, words(incident.type)),
          incident.label ? ` · ${incident.label}` : '',
        ),
        h(
          'div',
          { class: 'incident-when' },
          h(
            'span',
            { class: 'count' },
            `${incident.event_count} event${incident.event_count === 1 ? '' : 's'}`,
          ),
          ' · ',
          timeRange(incident),
        ),
        h(
          'div',
          { class: 'muted' },
          incident.camera ?? 'no camera',
          incident.clip_state && !incident.has_clip
            ? ` · ${CLIP_STATE_TEXT[incident.clip_state] ?? incident.clip_state}`
            : '',
        ),
        h(
          'div',
          { class: 'actions' },
          incident.status === 'open' || incident.status === 'ended' ? ack : null,
          done ? null : resolve,
          clipButton,
        ),
        clipArea,
      ),
    );
  };

  incidents.subscribe(({ data, error }) => {
    p.error(refreshError(error));
    if (!data) return;
    const listed = new Set(data.incidents.map((i) => i.id));
    for (const id of players.keys()) if (!listed.has(id)) players.delete(id);
    for (const id of drawn.keys()) if (!listed.has(id)) drawn.delete(id);
    if (data.incidents.length === 0) {
      p.show(
        empty(
          filter.value ? `No ${filter.value} incidents.` : 'No incidents yet.',
          'Events of the same object or sensor are grouped into one incident.',
        ),
      );
      return;
    }
    const elements = data.incidents.map((incident) => {
      const json = JSON.stringify(incident);
      const known = drawn.get(incident.id);
      if (known && known.json === json) return known.element;
      const element = item(incident);
      drawn.set(incident.id, { json, element });
      return element;
    });
    syncChildren(list, elements);
    if (p.body.firstChild !== list) p.show(list);
  });

  let pending: number | undefined;
  return {
    section: p.section,
    onEvent(event) {
      if (!event.incident_id) return;
      // Many events arrive in bursts: one reload for the lot.
      clearTimeout(pending);
      pending = window.setTimeout(() => void incidents.refresh(), 500);
    },
    onResync() {
      void incidents.refresh();
    },
    dispose() {
      clearTimeout(pending);
      for (const video of players.values()) video.pause();
    },
  };
}

/** When the incident's events happened: from the first to the last (or its end), and how long. */
function timeRange(incident: IncidentView): HTMLElement {
  const last = incident.ended_at ?? incident.last_seen_at;
  const seconds = Math.max(0, Math.round((last - incident.started_at) / 1000));
  const iso = (at: number) => new Date(at).toISOString();
  return h(
    'span',
    { class: 'range' },
    h('time', { datetime: iso(incident.started_at) }, clock(incident.started_at)),
    seconds > 0 ? ['–', h('time', { datetime: iso(last) }, clock(last)), ` (${duration(seconds)})`] : null,
    incident.ended_at === null ? ' · ongoing' : null,
  );
}
