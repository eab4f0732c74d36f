/**
 * One API resource kept fresh: loaded on start, then every `intervalMs` while the page is
 * visible, and at once on `refresh()` (calls during a load coalesce into one more load).
 * Subscribers get the latest data or the error of the latest attempt.
 */

export interface ResourceState<T> {
  data: T | undefined;
  error: Error | undefined;
}

type Listener<T> = (state: ResourceState<T>) => void;

export class Resource<T> {
  readonly #load: () => Promise<T>;
  readonly #intervalMs: number;
  readonly #listeners = new Set<Listener<T>>();
  #state: ResourceState<T> = { data: undefined, error: undefined };
  #timer: number | undefined;
  #running = false;
  #inFlight: Promise<void> | undefined;
  #again = false;

  constructor(load: () => Promise<T>, intervalMs: number) {
    this.#load = load;
    this.#intervalMs = intervalMs;
  }

  get data(): T | undefined {
    return this.#state.data;
  }

  subscribe(listener: Listener<T>): void {
    this.#listeners.add(listener);
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    void this.refresh();
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#state = { data: undefined, error: undefined };
  }

  /** Loads now (or right after the load in progress); resolves when the data is in. */
  refresh(): Promise<void> {
    if (this.#inFlight) {
      this.#again = true;
      return this.#inFlight;
    }
    clearTimeout(this.#timer);
    this.#inFlight = this.#run().finally(() => {
      this.#inFlight = undefined;
      if (this.#again && this.#running) {
        this.#again = false;
        void this.refresh();
      } else {
        this.#schedule();
      }
    });
    return this.#inFlight;
  }

  /** Sets the data without a request (a live message or an action's answer said what it is). */
  set(data: T): void {
    this.#state = { data, error: undefined };
    this.#emit();
  }

  async #run(): Promise<void> {
    try {
      const data = await this.#load();
      if (!this.#running) return;
      this.#state = { data, error: undefined };
    } catch (err) {
      if (!this.#running) return;
      this.#state = { data: this.#state.data, error: err as Error };
    }
    this.#emit();
  }

  #schedule(): void {
    if (!this.#running || this.#intervalMs <= 0) return;
    clearTimeout(this.#timer);
    this.#timer = window.setTimeout(() => {
      if (document.hidden) this.#schedule();
      else void this.refresh();
    }, this.#intervalMs);
  }

  #emit(): void {
    for (const listener of this.#listeners) listener(this.#state);
  }
}
