/**
 * The API client: JSON over same-origin fetch (the session cookie goes along). Every failure is an
 * ApiError carrying the server's `error` message, so panels can show it as is. A 401 also tells
 * the app to show the login form; a network failure tells it the appliance is unreachable.
 */

export class ApiError extends Error {
  constructor(
    /** HTTP status, or 0 when the appliance did not answer at all. */
    readonly status: number,
    message: string,
    readonly field: string | null = null,
    /** Seconds from a 429's Retry-After. */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get unreachable(): boolean {
    return this.status === 0;
  }
}

export interface ApiHooks {
  /** A request was refused for want of a login (not called for the login request itself). */
  onUnauthorized(): void;
  /** Whether the appliance answered: false on a network failure, true on any HTTP answer. */
  onReachable(reachable: boolean, error?: ApiError): void;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  /** Statuses that are an answer, not an error (e.g. 503 from health, which still has a body). */
  accept?: number[];
  /** A 401 is the answer (login, session check), not a reason to show the login form. */
  authCall?: boolean;
  signal?: AbortSignal;
}

export class Api {
  readonly #hooks: ApiHooks;

  constructor(hooks: ApiHooks) {
    this.#hooks = hooks;
  }

  get<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('GET', path, undefined, options);
  }

  send<T>(method: Method, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>(method, path, body, options);
  }

  /** A binary resource (an image) as a Blob, with the same error handling as JSON calls. */
  async blob(path: string, options: RequestOptions = {}): Promise<Blob> {
    const response = await this.#fetch('GET', path, undefined, options);
    if (!response.ok) throw await this.#error(response, options);
    return response.blob();
  }

  async request<T>(method: Method, path: string, body: unknown, options: RequestOptions): Promise<T> {
    const response = await this.#fetch(method, path, body, options);
    if (!response.ok && !options.accept?.includes(response.status))
      throw await this.#error(response, options);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError(response.status, `the appliance sent something that is not JSON for ${path}`);
    }
  }

  async #fetch(method: Method, path: string, body: unknown, options: RequestOptions): Promise<Response> {
    const init: RequestInit = {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { accept: 'application/json' },
      ...(options.signal ? { signal: options.signal } : {}),
    };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { accept: 'application/json', 'content-type': 'application/json' };
    }
    let response: Response;
    try {
      response = await fetch(path, init);
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      const error = new ApiError(
        0,
        `Cannot reach the appliance (${(err as Error).message}). Check that it is powered and on the network, and that vigil is running: journalctl -u vigil`,
      );
      this.#hooks.onReachable(false, error);
      throw error;
    }
    this.#hooks.onReachable(true);
    return response;
  }

  async #error(response: Response, options: RequestOptions): Promise<ApiError> {
    let message = `${response.status} ${response.statusText || 'error'}`;
    let field: string | null = null;
    try {
      const body = (await response.json()) as { error?: unknown; field?: unknown };
      if (typeof body.error === 'string') message = body.error;
      if (typeof body.field === 'string') field = body.field;
    } catch {
      // Not JSON: keep the status line.
    }
    const retryHeader = response.headers.get('retry-after');
    const retryAfter = retryHeader !== null && /^\d+$/.test(retryHeader) ? Number(retryHeader) : null;
    if (response.status === 401 && !options.authCall) this.#hooks.onUnauthorized();
    return new ApiError(response.status, message, field, retryAfter);
  }
}

/** The message to show for any failure. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * What a panel shows for a failed background refresh: the server's message, or nothing when the
 * banner already says the appliance is unreachable or the login form has taken over.
 */
export function refreshError(err: unknown): string | null {
  if (err === undefined || err === null) return null;
  if (err instanceof ApiError && (err.unreachable || err.status === 401)) return null;
  return errorText(err);
}
