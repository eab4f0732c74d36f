/**
 * Turns raw samples or edges into stable changes: a new value must hold for `ms` before it is
 * reported (a bounce back cancels it). `at` of a reported change is when the raw change began.
 */
export class Debouncer {
  #stable: boolean;
  #pending: { value: boolean; at: number; timer: NodeJS.Timeout } | undefined;
  readonly #ms: number;
  readonly #emit: (value: boolean, at: number) => void;

  constructor(initial: boolean, ms: number, emit: (value: boolean, at: number) => void) {
    this.#stable = initial;
    this.#ms = ms;
    this.#emit = emit;
  }

  /** The last stable value. */
  get value(): boolean {
    return this.#stable;
  }

  /** Feeds one raw reading (a sample or the level after an edge) seen at `at`. */
  feed(raw: boolean, at = Date.now()): void {
    if (this.#pending?.value === raw) return;
    this.cancel();
    if (raw === this.#stable) return;
    if (this.#ms <= 0) {
      this.#commit(raw, at);
      return;
    }
    const wait = Math.max(0, this.#ms - (Date.now() - at));
    const timer = setTimeout(() => this.#commit(raw, at), wait);
    this.#pending = { value: raw, at, timer };
  }

  /** Drops a change still waiting out its debounce time. */
  cancel(): void {
    if (this.#pending) clearTimeout(this.#pending.timer);
    this.#pending = undefined;
  }

  #commit(value: boolean, at: number): void {
    this.#pending = undefined;
    this.#stable = value;
    this.#emit(value, at);
  }
}
