import { closest } from '../../base/closest';
import type { Cause } from './alarmJournal';
import { CommandError } from './commandError';

/** A mode change, as listeners and the API see it. */
export interface ModeChange {
  mode: string;
  previous: string;
  at: number;
  cause: Cause;
}

/** Where mode changes are made durable (the alarm journal). */
export interface ModeStore {
  saveMode(mode: string, previous: string, cause: Cause, at?: number): Promise<void>;
}

/**
 * The alarm mode (disarmed / home / away, names from `alarm.modes`, least armed first). A change
 * is durable before it takes effect or is acknowledged, so a power cut never disarms the alarm.
 * Changes are applied one at a time, in the order asked.
 */
export class AlarmModes {
  readonly modes: readonly string[];
  readonly #store: ModeStore;
  readonly #listeners: Array<(change: ModeChange) => void | Promise<void>> = [];
  #mode: string;
  #last: ModeChange | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: { modes: readonly string[]; initial: string; store: ModeStore }) {
    this.modes = options.modes;
    this.#mode = options.initial;
    this.#store = options.store;
  }

  get current(): string {
    return this.#mode;
  }

  /** The last change made while running, if any. */
  get lastChange(): ModeChange | undefined {
    return this.#last;
  }

  /** True in the least armed mode, where no output ever fires. */
  get disarmed(): boolean {
    return this.#mode === this.modes[0];
  }

  /** Calls `listener` after every change (it runs before `set` resolves). */
  onChange(listener: (change: ModeChange) => void | Promise<void>): void {
    this.#listeners.push(listener);
  }

  /**
   * Switches to `mode`; resolves once the change is durable and every listener has run, with
   * the change, or undefined when the mode already was `mode`. Throws CommandError for a mode
   * that is not one of `alarm.modes`, changing nothing.
   */
  set(mode: unknown, cause: Cause): Promise<ModeChange | undefined> {
    if (typeof mode !== 'string' || !this.modes.includes(mode)) {
      const suggestion = typeof mode === 'string' ? closest(mode, this.modes) : undefined;
      const hint = suggestion === undefined ? '' : ` — did you mean '${suggestion}'?`;
      return Promise.reject(
        new CommandError(
          'invalid',
          `mode ${JSON.stringify(mode)} is not one of alarm.modes (${this.modes.join(', ')})${hint}`,
          'mode',
        ),
      );
    }
    const next = this.#queue.then(() => this.#apply(mode, cause));
    this.#queue = next.catch(() => {});
    return next;
  }

  async #apply(mode: string, cause: Cause): Promise<ModeChange | undefined> {
    if (mode === this.#mode) return undefined;
    const change: ModeChange = { mode, previous: this.#mode, at: Date.now(), cause };
    await this.#store.saveMode(mode, change.previous, cause, change.at);
    this.#mode = mode;
    this.#last = change;
    for (const listener of this.#listeners) await listener(change);
    return change;
  }
}
