import { Api, ApiError, errorText } from './api';
import type { PanelContext, PanelModule } from './context';
import { byId, h, replace } from './dom';
import { alarmSwitch } from './header';
import { LiveStream, type StreamStatus } from './liveStream';
import { activityPanel } from './panels/activityPanel';
import { camerasPanel } from './panels/camerasPanel';
import { detectorsPanel } from './panels/detectorsPanel';
import { devicePanel } from './panels/devicePanel';
import { errorsPanel } from './panels/errorsPanel';
import { facesPanel } from './panels/facesPanel';
import { gpioPanel } from './panels/gpioPanel';
import { syncPanel } from './panels/syncPanel';
import { Resource } from './resource';
import type { Health, Session, Stats } from './types';

const HEALTH_MS = 5000;
const STATS_MS = 3000;
const RETRY_MS = 3000;

const STREAM_TEXT: Record<StreamStatus, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  stopped: 'off',
};

/**
 * The page: health in the header (open, polled even before login), then either the login form
 * (when the API answers 401) or the panels with their resources and the live stream.
 */
export class StatusApp {
  readonly #api: Api;
  readonly #health: Resource<Health>;
  readonly #stream: LiveStream;
  #modules: PanelModule[] = [];
  #resources: Array<Resource<unknown>> = [];
  #view: 'none' | 'login' | 'panels' = 'none';
  #unreachable: string | null = null;
  #retryTimer: number | undefined;
  #loginWaitTimer: number | undefined;

  constructor() {
    this.#api = new Api({
      onUnauthorized: () => {
        if (this.#view === 'panels') this.#showLogin('Your session has ended — log in again.');
      },
      onReachable: (reachable, error) => {
        this.#unreachable = reachable ? null : (error?.message ?? 'Cannot reach the appliance.');
        this.#renderProblem();
      },
    });
    this.#health = new Resource(() => this.#api.get<Health>('/api/v1/health', { accept: [503] }), HEALTH_MS);
    this.#health.subscribe(({ data }) => this.#renderHealth(data));
    this.#stream = new LiveStream({
      onEvent: (message) => {
        for (const m of this.#modules) m.onEvent?.(message.event);
      },
      onState: (message) => {
        if (message.topic === 'service') void this.#health.refresh();
        for (const m of this.#modules) m.onState?.(message);
      },
      onResync: () => {
        for (const m of this.#modules) m.onResync?.();
      },
      onStatus: (status) => this.#streamStatus(status),
    });
  }

  start(): void {
    this.#health.start();
    byId('login-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#login();
    });
    document.addEventListener('visibilitychange', () => {
      if (document.hidden) return;
      void this.#health.refresh();
      for (const resource of this.#resources) void resource.refresh();
    });
    void this.#checkSession();
  }

  /**
   * Asks who we are: 200 shows the panels, 401 the login form; no auth API means auth is off. The
   * page itself says when it was served without a login.
   */
  async #checkSession(): Promise<void> {
    clearTimeout(this.#retryTimer);
    // The server said so with the page: no need to hear a 401 from the API (only the first time).
    if (document.body.dataset.session === 'none') {
      delete document.body.dataset.session;
      this.#showLogin(null);
      return;
    }
    try {
      const session = await this.#api.get<Session>('/api/v1/auth/session', { authCall: true });
      this.#showPanels(session);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) this.#showLogin(null);
      else if (err instanceof ApiError && err.status === 404)
        this.#showPanels({ user: null, method: 'disabled', expires_at: null });
      else this.#retryTimer = window.setTimeout(() => void this.#checkSession(), RETRY_MS);
    }
  }

  async #login(): Promise<void> {
    const password = byId<HTMLInputElement>('password');
    const submit = byId<HTMLButtonElement>('login-submit');
    if (!password.value) {
      this.#loginError('Enter the admin password.');
      password.focus();
      return;
    }
    submit.disabled = true;
    let waiting = false;
    try {
      await this.#api.send('POST', '/api/v1/auth/login', { password: password.value }, { authCall: true });
      password.value = '';
      this.#loginError(null);
      await this.#checkSession();
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) {
        waiting = true;
        this.#rateLimited(err.retryAfter ?? 60);
      } else {
        this.#loginError(
          err instanceof ApiError && err.status === 401 ? err.message || 'wrong password' : errorText(err),
        );
      }
      password.select();
    } finally {
      if (!waiting) submit.disabled = false;
    }
  }

  /** "too many attempts, wait N s", counting down; the button comes back at zero. */
  #rateLimited(seconds: number): void {
    const submit = byId<HTMLButtonElement>('login-submit');
    clearTimeout(this.#loginWaitTimer);
    let left = Math.max(1, Math.ceil(seconds));
    const tick = () => {
      if (left <= 0) {
        submit.disabled = false;
        this.#loginError('You can try again now.');
        return;
      }
      this.#loginError(`Too many attempts, wait ${left} s.`);
      left--;
      this.#loginWaitTimer = window.setTimeout(tick, 1000);
    };
    submit.disabled = true;
    tick();
  }

  #loginError(message: string | null): void {
    const error = byId('login-error');
    const password = byId('password');
    error.textContent = message ?? '';
    error.hidden = message === null;
    if (message === null) password.removeAttribute('aria-invalid');
    else password.setAttribute('aria-invalid', 'true');
  }

  #showLogin(message: string | null): void {
    this.#teardown();
    this.#view = 'login';
    byId('panels').hidden = true;
    byId('login').hidden = false;
    byId('account').hidden = true;
    this.#loginError(message);
    if (message === null) byId('login-error').hidden = true;
    byId<HTMLInputElement>('password').focus();
  }

  #showPanels(session: Session): void {
    this.#teardown();
    this.#view = 'panels';
    byId('login').hidden = true;
    this.#renderAccount(session);

    /** Resources of the panels below the first screen: started once the first ones are drawn. */
    const later = new Set<Resource<unknown>>();
    let deferring = false;
    const resource = <T>(load: () => Promise<T>, intervalMs: number): Resource<T> => {
      const r = new Resource(load, intervalMs);
      this.#resources.push(r as Resource<unknown>);
      if (deferring) later.add(r as Resource<unknown>);
      return r;
    };
    const stats = resource(() => this.#api.get<Stats>('/api/v1/stats'), STATS_MS);
    const ctx: PanelContext = {
      api: this.#api,
      health: this.#health,
      stats,
      resource,
      streamLive: () => this.#stream.status === 'live',
    };
    const deferred = (build: () => PanelModule): PanelModule => {
      deferring = true;
      try {
        return build();
      } finally {
        deferring = false;
      }
    };
    // The faces panel first: it offers the event feed its "enroll this face".
    const faces = deferred(() => facesPanel(ctx));
    const first = [alarmSwitch(ctx), camerasPanel(ctx), activityPanel(ctx)];
    const rest = [
      deferred(() => devicePanel(ctx)),
      deferred(() => syncPanel(ctx)),
      deferred(() => detectorsPanel(ctx)),
      deferred(() => gpioPanel(ctx)),
      faces,
      deferred(() => errorsPanel(ctx)),
    ];
    this.#modules = [...first, ...rest];
    const main = byId('panels');
    const sections = (modules: PanelModule[]) =>
      modules.filter((m) => m.section.parentElement === null).map((m) => m.section);
    replace(main, ...sections(first));
    main.hidden = false;
    const started = this.#resources;
    for (const r of started) if (!later.has(r)) r.start();
    // The panels below the first screen join it (after it: nothing on screen moves) and load
    // once the first screen is drawn, so their layout and drawing are tasks of their own.
    whenIdle(() => {
      if (this.#resources !== started) return; // logged out meanwhile
      main.append(...sections(rest));
      for (const r of later) r.start();
    });
    // Health read while logged out is the open, minimal one: load the full one now.
    void this.#health.refresh();
    for (const m of this.#modules) m.onStreamStatus?.(false);
    this.#stream.start();
  }

  #teardown(): void {
    const modules = this.#modules;
    const resources = this.#resources;
    // Emptied first: stopping the stream must not make a panel poll again.
    this.#modules = [];
    this.#resources = [];
    for (const m of modules) m.dispose?.();
    for (const r of resources) r.stop();
    this.#stream.stop();
    byId('panels').replaceChildren();
  }

  #renderAccount(session: Session): void {
    const account = byId('account');
    if (session.method !== 'session') {
      account.hidden = true;
      account.replaceChildren();
      return;
    }
    const logout = h('button', { id: 'logout', type: 'button', class: 'secondary small' }, 'Log out');
    logout.addEventListener('click', async () => {
      logout.disabled = true;
      try {
        await this.#api.send('POST', '/api/v1/auth/logout', undefined, { authCall: true });
        this.#showLogin('You are logged out.');
      } catch (err) {
        logout.disabled = false;
        this.#unreachable = errorText(err);
        this.#renderProblem();
      }
    });
    replace(account, h('span', { class: 'muted' }, session.user ?? ''), ' ', logout);
    account.hidden = false;
  }

  #renderHealth(health: Health | undefined): void {
    // A 503 from a server that is closing carries fastify's error body, not a degraded health.
    if (!health?.device) return;
    byId('device').textContent = health.device.name;
    document.title = `${health.device.name} — Vigil`;
    const overall = byId('overall');
    overall.textContent = health.status;
    overall.dataset.state = health.status;
    this.#renderProblem();
  }

  /** The banner: the appliance unreachable, or services that failed (with their error). */
  #renderProblem(): void {
    const problem = byId('problem');
    const overall = byId('overall');
    if (this.#unreachable) {
      overall.textContent = 'unreachable';
      overall.dataset.state = 'failed';
      problem.textContent = this.#unreachable;
      problem.hidden = false;
      return;
    }
    const health = this.#health.data;
    if (health) {
      overall.textContent = health.status;
      overall.dataset.state = health.status;
    }
    const failed = failedServices(health);
    if (failed.length === 0) {
      problem.hidden = true;
      return;
    }
    problem.textContent = `Not everything is running: ${failed.join('; ')}. See journalctl -u vigil; the appliance retries on restart.`;
    problem.hidden = false;
  }

  #streamStatus(status: StreamStatus): void {
    const indicator = byId('stream-state');
    indicator.dataset.state = status;
    indicator.textContent = STREAM_TEXT[status];
    indicator.title = status === 'live' ? 'Live updates on' : 'Live updates not connected; the page polls';
    indicator.hidden = status === 'stopped';
    for (const m of this.#modules) m.onStreamStatus?.(status === 'live');
  }
}

/** Runs `task` when the browser has a moment (at most a second from now). */
function whenIdle(task: () => void): void {
  if ('requestIdleCallback' in window) window.requestIdleCallback(task, { timeout: 1000 });
  else setTimeout(task, 300);
}

/**
 * The services that failed, with their error when the health is the full one (logged in); the
 * open health only says which are down, so those are named when the appliance failed.
 */
function failedServices(health: Health | undefined): string[] {
  if (!health) return [];
  if ('board' in health) {
    return health.services
      .filter((s) => s.state === 'failed')
      .map((s) => `${s.name} failed${s.error ? ` (${s.error})` : ''}`);
  }
  if (health.status !== 'failed') return [];
  return health.services.filter((s) => s.state === 'down').map((s) => `${s.name} is down`);
}
