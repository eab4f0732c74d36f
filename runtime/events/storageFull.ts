import { RequestError } from '../../base/requestError';

/** What a client is told when the data partition refused a write: what is full, and what to do. */
const STORAGE_FULL_MESSAGE =
  'the data partition (data_dir: database and media) is full, so this was not stored; ' +
  'free space on it (delete old recordings or lower retention) and send it again';

/** A write refused because the partition holding data_dir is full; the web layer answers 507. */
export class StorageFullError extends RequestError {
  constructor() {
    super('storage_full', STORAGE_FULL_MESSAGE, null);
    this.name = 'StorageFullError';
  }
}

/** Whether a failed write failed for lack of space: SQLite's SQLITE_FULL, or the system's ENOSPC. */
function isStorageFull(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  return code.startsWith('SQLITE_FULL') || code === 'ENOSPC';
}

/** A spell of a full partition, as health and the `system` event report it. */
export interface StorageFullSpell {
  /** Epoch ms of the first write refused for lack of space. */
  since: number;
  /** Writes refused since then. */
  refused: number;
}

/**
 * Whether the event log's writes currently fail for lack of space. A refused write starts (or
 * extends) a spell; the next write that commits ends it and hands it to `onResumed`, so the
 * appliance recovers by itself once space returns, without a restart.
 */
export class StorageFullTracker {
  readonly #onResumed: (spell: StorageFullSpell, at: number) => void;
  readonly #now: () => number;
  #spell: StorageFullSpell | null = null;

  constructor(onResumed: (spell: StorageFullSpell, at: number) => void, now: () => number = Date.now) {
    this.#onResumed = onResumed;
    this.#now = now;
  }

  /** The spell in progress, or null while writes commit. */
  get spell(): StorageFullSpell | null {
    return this.#spell;
  }

  /** Reports a write that failed; returns whether it was for lack of space. */
  failed(err: unknown): boolean {
    if (!isStorageFull(err)) return false;
    this.#spell ??= { since: this.#now(), refused: 0 };
    this.#spell.refused += 1;
    return true;
  }

  /** Reports a write that committed: a spell in progress is over. */
  committed(): void {
    const spell = this.#spell;
    if (spell === null) return;
    this.#spell = null;
    this.#onResumed(spell, this.#now());
  }
}
