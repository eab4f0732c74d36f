import type { WorkingGeometry } from './workingGeometry';

/** A polygon as `[x, y]` points, each a fraction (0..1) of the frame's width and height. */
export type FractionPolygon = readonly (readonly [number, number])[];

/**
 * Rasterises mask polygons onto the working image: 1 where a working pixel's centre lies inside
 * any polygon (even-odd rule per polygon), 0 elsewhere. Scanline fill, run only when the mask
 * changes. Centres are taken in frame pixels so the mask lines up with the block layout.
 */
export function rasterisePolygonMask(
  polygons: readonly FractionPolygon[],
  geometry: WorkingGeometry,
): Uint8Array {
  const { width, height, columnStarts, rowStarts, frameWidth, frameHeight } = geometry;
  const mask = new Uint8Array(width * height);
  const centresX = new Float64Array(width);
  for (let x = 0; x < width; x++) {
    centresX[x] = ((columnStarts[x] as number) + (columnStarts[x + 1] as number)) / 2 / frameWidth;
  }
  const crossings: number[] = [];
  for (const polygon of polygons) {
    if (polygon.length < 3) continue;
    for (let y = 0; y < height; y++) {
      const centreY = ((rowStarts[y] as number) + (rowStarts[y + 1] as number)) / 2 / frameHeight;
      crossings.length = 0;
      for (let k = 0; k < polygon.length; k++) {
        const [ax, ay] = polygon[k] as readonly [number, number];
        const [bx, by] = polygon[(k + 1) % polygon.length] as readonly [number, number];
        if (ay > centreY !== by > centreY) crossings.push(ax + ((centreY - ay) * (bx - ax)) / (by - ay));
      }
      crossings.sort((a, b) => a - b);
      for (let c = 0; c + 1 < crossings.length; c += 2) {
        const from = crossings[c] as number;
        const to = crossings[c + 1] as number;
        for (let x = 0; x < width; x++) {
          const centreX = centresX[x] as number;
          if (centreX >= from && centreX < to) mask[y * width + x] = 1;
        }
      }
    }
  }
  return mask;
}

/** How many pixels of a mask are not masked. */
export function unmaskedCount(mask: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] === 0) count++;
  return count;
}
