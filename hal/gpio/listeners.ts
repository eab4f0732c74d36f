import type { Logger } from '../../base/logger';

/** Change callbacks of one input; a throwing callback is logged and does not stop the others. */
export class ChangeListeners {
  readonly #callbacks = new Set<(value: boolean, at: number) => void>();
  readonly #name: string;
  readonly #logger: Logger | undefined;

  constructor(name: string, logger: Logger | undefined) {
    this.#name = name;
    this.#logger = logger;
  }

  /** Adds a callback; returns its unsubscribe. */
  add(cb: (value: boolean, at: number) => void): () => void {
    // A wrapper per call, so subscribing the same function twice yields two independent subscriptions.
    const entry = (value: boolean, at: number): void => cb(value, at);
    this.#callbacks.add(entry);
    return () => void this.#callbacks.delete(entry);
  }

  /** Calls every callback. */
  emit(value: boolean, at: number): void {
    for (const cb of this.#callbacks) {
      try {
        cb(value, at);
      } catch (err) {
        this.#logger?.error({ err, line: this.#name }, 'gpio input change callback failed');
      }
    }
  }

  /** Forgets every callback. */
  clear(): void {
    this.#callbacks.clear();
  }
}
