/**
 * How a detect-size frame maps onto the small grayscale image motion is computed on. Each
 * working pixel averages one block of frame pixels; block edges are spread evenly so the blocks
 * cover the whole frame even when its size is not a multiple of the scale.
 */
export interface WorkingGeometry {
  frameWidth: number;
  frameHeight: number;
  width: number;
  height: number;
  /** `width + 1` frame columns: block `x` spans columns `columnStarts[x]` to `columnStarts[x + 1] - 1`. */
  columnStarts: Int32Array;
  /** `height + 1` frame rows, like `columnStarts`. */
  rowStarts: Int32Array;
  /** Frame pixels per working pixel (about; edge blocks may differ by one row or column). */
  pixelsPerWorkingPixel: number;
}

/**
 * Rows of the working image. Frigate's motion frame is 100 rows high; about 90 keeps a 640×360
 * detect frame at exactly a quarter of its size and the per-frame cost flat at higher resolutions.
 */
export const DEFAULT_WORKING_HEIGHT = 90;

/** The working image for a frame size: the frame shrunk by a whole factor (≥ 1), aspect kept. */
export function workingGeometry(
  frameWidth: number,
  frameHeight: number,
  targetHeight = DEFAULT_WORKING_HEIGHT,
): WorkingGeometry {
  if (!(frameWidth >= 1 && frameHeight >= 1)) {
    throw new Error(`motion: frame size ${frameWidth}×${frameHeight} is not usable — check cameras.*.detect`);
  }
  const scale = Math.max(1, Math.round(frameHeight / targetHeight));
  const width = Math.max(1, Math.round(frameWidth / scale));
  const height = Math.max(1, Math.round(frameHeight / scale));
  return {
    frameWidth,
    frameHeight,
    width,
    height,
    columnStarts: blockStarts(frameWidth, width),
    rowStarts: blockStarts(frameHeight, height),
    pixelsPerWorkingPixel: (frameWidth * frameHeight) / (width * height),
  };
}

function blockStarts(frameSize: number, blocks: number): Int32Array {
  const starts = new Int32Array(blocks + 1);
  for (let i = 0; i <= blocks; i++) starts[i] = Math.floor((i * frameSize) / blocks);
  return starts;
}
