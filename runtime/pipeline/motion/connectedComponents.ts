/** A box in working-image pixels (inclusive bounds) and how many changed pixels it holds. */
export interface PixelBox {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  area: number;
}

/** Scratch space for `findComponents`, sized for one working image. */
export interface ComponentScratch {
  labelled: Uint8Array;
  queue: Int32Array;
}

/** Fresh scratch space for `findComponents` on an image of `pixels` pixels. */
export function componentScratch(pixels: number): ComponentScratch {
  return { labelled: new Uint8Array(pixels), queue: new Int32Array(pixels) };
}

/**
 * 8-connected components of the set pixels of `blobs` (flood fill with a preallocated queue).
 * Each component's box and area count only the pixels set in `changed` (the raw threshold
 * output), so dilation joins pixels into one body without inflating its size. Components with
 * fewer than `minArea` changed pixels are dropped.
 */
export function findComponents(
  blobs: Uint8Array,
  changed: Uint8Array,
  width: number,
  height: number,
  minArea: number,
  scratch: ComponentScratch,
): PixelBox[] {
  const { labelled, queue } = scratch;
  labelled.fill(0);
  const boxes: PixelBox[] = [];
  for (let start = 0; start < blobs.length; start++) {
    if (blobs[start] === 0 || labelled[start] === 1) continue;
    labelled[start] = 1;
    queue[0] = start;
    let head = 0;
    let tail = 1;
    let minX = width;
    let minY = height;
    let maxX = -1;
    let maxY = -1;
    let area = 0;
    while (head < tail) {
      const i = queue[head++] as number;
      const y = (i / width) | 0;
      const x = i - y * width;
      if (changed[i] === 1) {
        area++;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
      const y0 = y > 0 ? y - 1 : 0;
      const y1 = y < height - 1 ? y + 1 : y;
      const x0 = x > 0 ? x - 1 : 0;
      const x1 = x < width - 1 ? x + 1 : x;
      for (let ny = y0; ny <= y1; ny++) {
        for (let nx = x0; nx <= x1; nx++) {
          const n = ny * width + nx;
          if (blobs[n] === 1 && labelled[n] === 0) {
            labelled[n] = 1;
            queue[tail++] = n;
          }
        }
      }
    }
    if (area > 0 && area >= minArea) boxes.push({ minX, minY, maxX, maxY, area });
  }
  return boxes;
}
