import { rmSync } from 'node:fs';
import type { RecordingGap, Segment } from '../../../hal/camera/recording/types';
import type { ClipWindow } from './clipWindow';

/** Recorder gaps older than this are forgotten (no clip window reaches that far back). */
const GAP_MEMORY_MS = 6 * 60 * 60 * 1000;

/**
 * One camera's finished segments, oldest first, and the gaps its recorder reported. Segments go
 * once they are older than the ring's length and no clip being recorded needs them.
 */
export class RecordingRing {
  readonly camera: string;
  #segments: Segment[];
  #gaps: RecordingGap[] = [];

  constructor(camera: string, existing: readonly Segment[] = []) {
    this.camera = camera;
    this.#segments = [...existing].sort((a, b) => a.startedAt - b.startedAt);
  }

  add(segment: Segment): void {
    this.#segments.push(segment);
    if (this.#segments.length > 1 && (this.#segments.at(-2)?.startedAt ?? 0) > segment.startedAt)
      this.#segments.sort((a, b) => a.startedAt - b.startedAt);
  }

  addGap(gap: RecordingGap): void {
    this.#gaps.push(gap);
    const horizon = gap.to - GAP_MEMORY_MS;
    this.#gaps = this.#gaps.filter((g) => g.to >= horizon);
  }

  get segments(): readonly Segment[] {
    return this.#segments;
  }

  get gaps(): readonly RecordingGap[] {
    return this.#gaps;
  }

  /** End of the newest segment (0 when empty): a clip can be cut once this passes its window. */
  get recordedUntil(): number {
    return this.#segments.at(-1)?.endedAt ?? 0;
  }

  get bytes(): number {
    return this.#segments.reduce((sum, s) => sum + s.bytes, 0);
  }

  /**
   * Deletes segments that ended before `keepAfter` unless a held window overlaps them; returns
   * how many went.
   */
  prune(keepAfter: number, held: readonly ClipWindow[]): number {
    const keep: Segment[] = [];
    let removed = 0;
    for (const segment of this.#segments) {
      const needed =
        segment.endedAt >= keepAfter ||
        held.some(
          (w) => segment.endedAt > w.from && segment.startedAt < (w.until ?? Number.POSITIVE_INFINITY),
        );
      if (needed) {
        keep.push(segment);
        continue;
      }
      rmSync(segment.file, { force: true });
      removed++;
    }
    this.#segments = keep;
    return removed;
  }
}
