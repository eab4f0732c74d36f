import type { Frame } from '../../../hal/camera/types';
import type { DetectionRegion, FrameSize } from '../types';
import { minRegionSide, squareAt } from './squareRegion';
import { signatureChanged, tileSignature } from './tileSignature';

/**
 * A whole-frame pass is cut into at most this many tiles; a larger frame gets larger tiles (each
 * scaled down by the detector). 6 covers 768×576 at a 320 input and 1280×720 at a 416 or 512 one.
 */
const MAX_TILES = 6;

/**
 * The squares a whole-frame look is cut into: model-input-sized tiles spread evenly over the frame
 * (overlapping where the frame is not a multiple of the side), so a distant person reaches the
 * model at native scale instead of being squeezed with the whole frame into one input. A frame no
 * larger than the model input (on both sides) is one whole-frame region.
 */
export function fullFrameTiles(frame: FrameSize, modelInputSize: number): DetectionRegion[] {
  const whole: DetectionRegion = { x: 0, y: 0, width: frame.width, height: frame.height, reason: 'full' };
  if (frame.width <= modelInputSize && frame.height <= modelInputSize) return [whole];
  const shortSide = Math.min(frame.width, frame.height);
  let side = minRegionSide(frame, modelInputSize);
  const count = (s: number) => Math.ceil(frame.width / s) * Math.ceil(frame.height / s);
  while (side < shortSide && count(side) > MAX_TILES) side = Math.min(shortSide, Math.ceil(side * 1.25));
  const columns = Math.ceil(frame.width / side);
  const rows = Math.ceil(frame.height / side);
  if (columns * rows === 1) return [whole];
  const tiles: DetectionRegion[] = [];
  for (let row = 0; row < rows; row++) {
    const cy = spread(row, rows, side, frame.height);
    for (let column = 0; column < columns; column++) {
      tiles.push(squareAt(spread(column, columns, side, frame.width), cy, side, frame, 'full'));
    }
  }
  return tiles;
}

/** Centre of tile `index` of `count` tiles of `side` spread from edge to edge of `length`. */
function spread(index: number, count: number, side: number, length: number): number {
  if (count === 1) return length / 2;
  return side / 2 + (index * (length - side)) / (count - 1);
}

/**
 * A tile whose picture has not changed by this much in any block (mean brightness, 0–255) since
 * the detector last looked at it is not looked at again: an idle scene then costs no detector call,
 * while a slow walker, too slow for motion, changes the blocks they cross within a pass or two.
 * Sensor noise averages out over a block; a lighting change moves every block and triggers a look.
 */
const SCENE_CHANGE_LEVELS = 6;
/** However still a tile stays, the detector looks at it again after this long. */
const UNCHANGED_RECHECK_MS = 60_000;

/**
 * Schedules the low-rate whole-frame look for one camera: every `intervalSeconds`, while the
 * camera is not busy, a pass over all of `fullFrameTiles` starts, one tile per frame so that no
 * frame pays for more than one extra detector call. Given the frame, tiles whose picture has not
 * changed since the detector's last look at them are passed over (see SCENE_CHANGE_LEVELS). A
 * started pass always finishes. A frame whose regions already cover the whole frame counts as a
 * finished pass. `intervalSeconds` 0: never.
 */
export class FullFramePass {
  readonly #intervalMs: number;
  readonly #tiles: readonly DetectionRegion[];
  /** Next tile of the running pass, or -1 between passes. */
  #next = -1;
  #lastPassAt = Number.NEGATIVE_INFINITY;
  /** Per tile: when the detector last looked at it, and what it showed then. */
  readonly #looks: Array<{ at: number; signature: Float32Array } | undefined> = [];

  constructor(intervalSeconds: number, frame: FrameSize, modelInputSize: number) {
    this.#intervalMs = intervalSeconds * 1000;
    this.#tiles = fullFrameTiles(frame, modelInputSize);
  }

  /**
   * The tile to add to this frame's regions, or null. `busy`: something moving is tracked and
   * motion is strong (the regions already follow it; the pass waits). `covered`: this frame's
   * regions are already the whole frame. `frame`: when given, unchanged tiles are passed over.
   */
  tileFor(timestamp: number, busy: boolean, covered: boolean, frame?: Frame): DetectionRegion | null {
    if (this.#intervalMs <= 0) return null;
    if (covered) {
      this.#next = -1;
      this.#lastPassAt = timestamp;
      if (frame) {
        for (const [index, tile] of this.#tiles.entries()) this.#remember(index, tile, frame, timestamp);
      }
      return null;
    }
    if (this.#next < 0) {
      if (busy || timestamp - this.#lastPassAt < this.#intervalMs) return null;
      this.#next = 0;
      this.#lastPassAt = timestamp;
    }
    while (this.#next >= 0) {
      const index = this.#next;
      const tile = this.#tiles[index] as DetectionRegion;
      this.#next = index + 1 < this.#tiles.length ? index + 1 : -1;
      if (!frame) return tile;
      const signature = tileSignature(frame, tile);
      const last = this.#looks[index];
      const still =
        last !== undefined &&
        timestamp - last.at < UNCHANGED_RECHECK_MS &&
        !signatureChanged(last.signature, signature, SCENE_CHANGE_LEVELS);
      if (still) continue;
      this.#looks[index] = { at: timestamp, signature };
      return tile;
    }
    return null;
  }

  #remember(index: number, tile: DetectionRegion, frame: Frame, timestamp: number): void {
    this.#looks[index] = { at: timestamp, signature: tileSignature(frame, tile) };
  }
}
