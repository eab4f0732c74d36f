import type { RgbImage } from '../../base/image/rgbImage';
import type { Polygon } from '../config/schema/zones';
import type { SnapshotSaver } from '../media/snapshots/snapshotSaver';
import type { SnapshotCandidate, TrackedObject, TrackerUpdate } from './tracking/index';

/** Least time (frame ms) between snapshot refreshes on `update`; `new` and `end` never wait for it. */
const REFRESH_INTERVAL_MS = 10_000;

interface ObjectState {
  /** The best sighting's frame while it is not in the files yet; let go of once saved. */
  unsaved: { frame: RgbImage; best: SnapshotCandidate } | null;
  /** The clean snapshot's path, once one was saved. */
  path: string | null;
  /** Frame time of the latest save attempt (a failing disk is retried at most this often on updates). */
  triedAt: number;
}

export interface ObjectSnapshotsOptions {
  camera: string;
  saver: SnapshotSaver;
  /** The camera's zones, outlined on the annotated variant. */
  zones: Readonly<Record<string, { coordinates: Polygon }>>;
  refreshIntervalMs?: number;
}

/**
 * One camera's snapshot policy. Holds the frame of each live track's best sighting (at most one
 * frame per track; frames are never reused by the sources, so holding the reference is enough) and
 * writes it when the object is reported: at `new`, so the first event already has its snapshot; at
 * `end` when a better sighting came since, so the kept one is the best; and on `update` at most
 * every `refreshIntervalMs` when a better sighting came.
 */
export class ObjectSnapshots {
  readonly #options: ObjectSnapshotsOptions;
  readonly #refreshMs: number;
  readonly #objects = new Map<string, ObjectState>();

  constructor(options: ObjectSnapshotsOptions) {
    this.#options = options;
    this.#refreshMs = options.refreshIntervalMs ?? REFRESH_INTERVAL_MS;
  }

  /** Frames held (one per live track at most). */
  get heldFrames(): number {
    let held = 0;
    for (const state of this.#objects.values()) if (state.unsaved) held++;
    return held;
  }

  /**
   * After each tracker update, with the frame it saw: keeps the frame for every track whose best
   * sighting it is, and lets go of tracks that are gone without an end (tentative ones).
   * `live` is every live track; the update's ended ones are kept until their `end` is reported.
   */
  keep(update: TrackerUpdate, frame: RgbImage, live: readonly TrackedObject[]): void {
    for (const track of update.bestChanged) {
      const state = this.#objects.get(track.id) ?? { unsaved: null, path: null, triedAt: -Infinity };
      state.unsaved = { frame, best: track.best };
      this.#objects.set(track.id, state);
    }
    if (this.#objects.size === 0) return;
    const alive = new Set<string>();
    for (const track of live) alive.add(track.id);
    for (const track of update.ended) alive.add(track.id);
    for (const id of this.#objects.keys()) if (!alive.has(id)) this.#objects.delete(id);
  }

  /**
   * The snapshot path (relative to data_dir) to put on the object's `phase` event, writing the
   * files first when that is due; undefined while none could be saved. `end` lets go of the object.
   */
  async pathFor(
    track: TrackedObject,
    phase: 'new' | 'update' | 'end',
    timestamp: number,
  ): Promise<string | undefined> {
    const state = this.#objects.get(track.id);
    if (!state) return undefined;
    const due =
      state.unsaved !== null && (phase !== 'update' || timestamp - state.triedAt >= this.#refreshMs);
    if (due && state.unsaved) {
      const { frame, best } = state.unsaved;
      state.triedAt = timestamp;
      const files = await this.#options.saver.save({
        camera: this.#options.camera,
        objectId: track.id,
        label: track.label,
        score: best.score,
        box: best.box,
        zones: track.zones,
        frame,
        at: track.startedAt,
        zonesConfig: this.#options.zones,
      });
      if (files) {
        state.path = files.snapshot;
        // A better sighting may have arrived while writing; only let go of the one just written.
        if (state.unsaved?.best === best) state.unsaved = null;
      }
    }
    if (phase === 'end') this.#objects.delete(track.id);
    return state.path ?? undefined;
  }

  /** Lets go of an object that ended without being reported. */
  forget(id: string): void {
    this.#objects.delete(id);
  }

  /** Lets go of everything (the camera stopped). */
  clear(): void {
    this.#objects.clear();
  }
}
