import { ApiError, errorText, refreshError } from '../api';
import type { PanelContext, PanelModule } from '../context';
import { badge, busy, facts, h, replace, syncChildren } from '../dom';
import { clock, num } from '../format';
import { type LiveMode, LiveVideo } from '../liveVideo';
import type { CameraView } from '../types';
import { empty, panel } from './panel';

const LIST_MS = 3000;
const SNAPSHOT_MS = 3000;

/**
 * Cameras: the latest frame with boxes, labels and zones drawn (`GET /api/v1/cameras/:camera/latest.jpg`,
 * refreshed every few seconds), Frigate's fps figures and detect/motion state (`GET /api/v1/cameras`),
 * and a detection switch (`PATCH /api/v1/cameras/:camera`).
 */
export function camerasPanel(ctx: PanelContext): PanelModule {
  const p = panel('cameras-panel', 'Cameras');
  const cards = new Map<string, CameraCard>();
  const grid = h('div', { class: 'camera-grid' });
  const cameras = ctx.resource(() => ctx.api.get<{ cameras: CameraView[] }>('/api/v1/cameras'), LIST_MS);

  cameras.subscribe(({ data, error }) => {
    p.error(refreshError(error));
    if (!data) return;
    if (data.cameras.length === 0) {
      for (const card of cards.values()) card.dispose();
      cards.clear();
      p.show(
        empty('No camera configured — add one in /etc/vigil/config.yaml', [
          'under ',
          h('code', null, 'cameras:'),
          ', then restart vigil (sudo systemctl restart vigil).',
        ]),
      );
      return;
    }
    if (p.body.firstChild !== grid) p.show(grid);
    // One camera sits beside the event feed; more take the whole width.
    p.section.classList.toggle('wide', data.cameras.length > 1);
    const names = new Set(data.cameras.map((c) => c.name));
    for (const [name, card] of cards) {
      if (!names.has(name)) {
        card.dispose();
        cards.delete(name);
      }
    }
    for (const view of data.cameras) {
      let card = cards.get(view.name);
      if (!card) {
        card = new CameraCard(ctx, view.name, () => cameras.refresh());
        cards.set(view.name, card);
      }
      card.update(view);
    }
    syncChildren(
      grid,
      [...cards.values()].map((c) => c.element),
    );
  });

  return {
    section: p.section,
    dispose() {
      for (const card of cards.values()) card.dispose();
    },
    onState(message) {
      if (message.topic === 'camera.settings' || message.topic === 'camera.activity') void cameras.refresh();
    },
  };
}

class CameraCard {
  readonly element: HTMLElement;
  readonly #ctx: PanelContext;
  readonly #name: string;
  readonly #state = h('span');
  readonly #image: HTMLImageElement;
  readonly #caption = h('figcaption', null, 'waiting for the first frame…');
  readonly #figures = h('div');
  readonly #toggle: HTMLButtonElement;
  readonly #live: LiveVideo;
  /** What the figure shows: live video, the MJPEG stream (in #image), or the still refreshed every few seconds. */
  #mode: LiveMode = 'still';
  #view: CameraView | undefined;
  #objectUrl: string | undefined;
  #timer: number | undefined;
  #disposed = false;

  constructor(ctx: PanelContext, name: string, changed: () => void) {
    this.#ctx = ctx;
    this.#name = name;
    this.#image = h('img', {
      class: 'snapshot',
      alt: `Latest frame from ${name}, with detections drawn`,
      width: 640,
      height: 360,
      hidden: true,
    });
    this.#image.addEventListener('error', () => {
      // The MJPEG stream failed (or this appliance has none): back to the refreshed still.
      if (this.#mode === 'mjpeg') this.#setMode('still');
    });
    this.#live = new LiveVideo(name, `Live video from ${name}`, (mode) => this.#setMode(mode));
    this.#toggle = h('button', { type: 'button', class: 'secondary' }, 'Pause detection');
    this.#toggle.addEventListener('click', () => {
      const enabled = !(this.#view?.detection_enabled ?? true);
      void busy(this.#toggle, async () => {
        try {
          await ctx.api.send('PATCH', `/api/v1/cameras/${encodeURIComponent(name)}`, { detect: { enabled } });
          changed();
        } catch (err) {
          this.#caption.textContent = errorText(err);
        }
      });
    });
    this.element = h(
      'article',
      { class: 'camera', 'data-camera': name },
      h('h3', null, name, ' ', this.#state),
      h('figure', null, this.#live.element, this.#image, this.#caption),
      this.#figures,
      h('div', { class: 'actions' }, this.#toggle),
    );
    this.#loadSnapshot();
  }

  update(view: CameraView): void {
    this.#view = view;
    const online = view.online !== false;
    replace(
      this.#state,
      view.online === undefined ? null : badge(online ? 'online' : 'offline', online ? 'ok' : 'failed'),
    );
    replace(
      this.#figures,
      facts(
        [
          ['Offline because', view.online === false ? (view.offline_reason ?? 'unknown') : null],
          [
            'Frames/s',
            h(
              'span',
              { class: 'fps' },
              `camera ${num(view.camera_fps)} · processed ${num(view.process_fps)} · detection ${num(view.detection_fps)} · skipped ${num(view.skipped_fps)}`,
            ),
          ],
          [
            'Detection',
            view.detection_enabled === undefined ? null : view.detection_enabled ? 'on' : 'paused',
          ],
          [
            'Motion',
            view.motion_enabled === false
              ? 'detection off'
              : view.motion
                ? badge('motion now', 'warn')
                : 'none',
          ],
          ['Tracked objects', view.tracked_objects ?? null],
        ],
        { class: 'facts compact' },
      ),
    );
    this.#toggle.textContent = view.detection_enabled === false ? 'Resume detection' : 'Pause detection';
    this.#toggle.hidden = view.detection_enabled === undefined;
  }

  dispose(): void {
    this.#disposed = true;
    this.#live.dispose();
    clearTimeout(this.#timer);
    if (this.#objectUrl) URL.revokeObjectURL(this.#objectUrl);
  }

  /**
   * Live video when it plays (the still stays underneath until then), else the MJPEG stream in
   * the still's place, else the still refreshed every few seconds.
   */
  #setMode(mode: LiveMode): void {
    if (this.#disposed || mode === this.#mode) return;
    this.#mode = mode;
    if (mode === 'video') {
      this.#image.hidden = true;
      this.#caption.textContent = 'Live';
    } else if (mode === 'mjpeg') {
      this.#image.src = `/api/v1/cameras/${encodeURIComponent(this.#name)}/stream.mjpeg`;
      this.#image.hidden = false;
      this.#caption.textContent = 'Live (MJPEG)';
    } else if (this.#image.src.endsWith('/stream.mjpeg')) {
      // Ends the MJPEG request; the next refresh puts a still back.
      this.#image.removeAttribute('src');
      this.#image.hidden = true;
    } else if (this.#objectUrl) this.#image.hidden = false;
  }

  /** Fetches the frame as a blob and swaps it in once decoded, so the picture never flickers. */
  async #loadSnapshot(): Promise<void> {
    if (this.#disposed) return;
    if (this.#mode !== 'still') {
      // Live video or MJPEG shows the camera; look again later in case it stops.
    } else if (!document.hidden && this.#view?.online !== false) {
      try {
        const blob = await this.#ctx.api.blob(`/api/v1/cameras/${encodeURIComponent(this.#name)}/latest.jpg`);
        const url = URL.createObjectURL(blob);
        const next = new Image();
        next.src = url;
        await next.decode().catch(() => undefined);
        if (this.#disposed || this.#mode !== 'still') {
          URL.revokeObjectURL(url);
          if (this.#disposed) return;
          this.#timer = window.setTimeout(() => void this.#loadSnapshot(), SNAPSHOT_MS);
          return;
        }
        this.#image.src = url;
        this.#image.hidden = false;
        if (this.#objectUrl) URL.revokeObjectURL(this.#objectUrl);
        this.#objectUrl = url;
        this.#caption.textContent = `Latest frame, ${clock(Date.now())}`;
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return; // the login form takes over
        this.#caption.textContent = refreshError(err) ?? 'Not updating while the appliance is unreachable.';
      }
    } else if (this.#view?.online === false) {
      this.#caption.textContent = `No picture: the camera is offline${this.#view.offline_reason ? ` (${this.#view.offline_reason})` : ''}.`;
    }
    this.#timer = window.setTimeout(() => void this.#loadSnapshot(), SNAPSHOT_MS);
  }
}
