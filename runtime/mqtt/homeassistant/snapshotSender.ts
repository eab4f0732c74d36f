import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { resolveMediaPath } from '../../store/mediaPaths';

/**
 * Publishes each camera's latest object snapshot (a JPEG under data_dir), at most one per
 * camera per `intervalMs`: a busy scene updates its snapshot many times a second, and every
 * copy is a retained message of tens of kilobytes. The newest one is always sent in the end.
 */
export class SnapshotSender {
  readonly #dataDir: string;
  readonly #intervalMs: number;
  readonly #send: (camera: string, jpeg: Buffer) => Promise<void>;
  readonly #onError: (camera: string, err: unknown) => void;
  readonly #cameras = new Map<string, { path: string; sentAt: number; timer?: NodeJS.Timeout }>();

  constructor(options: {
    dataDir: string;
    intervalMs?: number;
    send: (camera: string, jpeg: Buffer) => Promise<void>;
    onError: (camera: string, err: unknown) => void;
  }) {
    this.#dataDir = resolve(options.dataDir);
    this.#intervalMs = options.intervalMs ?? 1000;
    this.#send = options.send;
    this.#onError = options.onError;
  }

  /** A new snapshot file (relative to data_dir) for `camera`. */
  offer(camera: string, path: string): void {
    const state = this.#cameras.get(camera) ?? { path, sentAt: 0 };
    state.path = path;
    this.#cameras.set(camera, state);
    if (state.timer) return; // the pending send picks up this newer file
    const wait = state.sentAt + this.#intervalMs - Date.now();
    if (wait <= 0) {
      void this.#sendLatest(camera);
      return;
    }
    state.timer = setTimeout(() => {
      state.timer = undefined;
      void this.#sendLatest(camera);
    }, wait);
    state.timer.unref();
  }

  /** Sends the latest snapshot of every camera again (after a reconnect: the broker may have lost them). */
  resendAll(): Promise<void> {
    return Promise.all([...this.#cameras.keys()].map((camera) => this.#sendLatest(camera))).then(
      () => undefined,
    );
  }

  stop(): void {
    for (const state of this.#cameras.values()) clearTimeout(state.timer);
    this.#cameras.clear();
  }

  async #sendLatest(camera: string): Promise<void> {
    const state = this.#cameras.get(camera);
    if (!state) return;
    state.sentAt = Date.now();
    try {
      // The path comes from an event's data: never read outside data_dir.
      const file = resolveMediaPath(this.#dataDir, state.path);
      if (file === null) throw new Error(`${state.path} is not inside data_dir`);
      await this.#send(camera, await readFile(file));
    } catch (err) {
      this.#onError(camera, err);
    }
  }
}
