import type { PixelBox } from './connectedComponents';

/**
 * Merges boxes that overlap or lie within `gap` pixels of each other (repeatedly, so chains
 * merge too) into their bounding box with the summed area. Keeps a person whose legs and torso
 * came out as separate blobs one region. Returns a new array; the inputs are not changed.
 */
export function mergeNearbyBoxes(boxes: readonly PixelBox[], gap: number): PixelBox[] {
  const merged = boxes.map((b) => ({ ...b }));
  let changed = true;
  while (changed && merged.length > 1) {
    changed = false;
    // Sweep in x order: once a box starts beyond the current one's reach, no later one is near.
    merged.sort((a, b) => a.minX - b.minX);
    for (let i = 0; i < merged.length; i++) {
      const a = merged[i] as PixelBox;
      for (let j = i + 1; j < merged.length; j++) {
        const b = merged[j] as PixelBox;
        if (b.minX > a.maxX + gap + 1) break;
        if (b.minY > a.maxY + gap + 1 || a.minY > b.maxY + gap + 1) continue;
        a.minX = Math.min(a.minX, b.minX);
        a.minY = Math.min(a.minY, b.minY);
        a.maxX = Math.max(a.maxX, b.maxX);
        a.maxY = Math.max(a.maxY, b.maxY);
        a.area += b.area;
        merged.splice(j, 1);
        changed = true;
        j = i; // a grew: look at every later box again
      }
    }
  }
  return merged;
}
