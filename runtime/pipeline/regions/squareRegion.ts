import { type Box, clamp } from '../../../base/geometry';
import type { DetectionRegion, FrameSize, RegionReason } from '../types';

/** The side every region gets at least: the model's input size, or the frame's short side when that is smaller. */
export function minRegionSide(frame: FrameSize, modelInputSize: number): number {
  return Math.max(1, Math.round(Math.min(modelInputSize, frame.width, frame.height)));
}

/** A square of `side` pixels centred on (cx, cy), moved (not shrunk) so it lies inside the frame. */
export function squareAt(
  cx: number,
  cy: number,
  side: number,
  frame: FrameSize,
  reason: RegionReason,
): DetectionRegion {
  const x = Math.round(clamp(cx - side / 2, 0, frame.width - side));
  const y = Math.round(clamp(cy - side / 2, 0, frame.height - side));
  return { x, y, width: side, height: side, reason };
}

/**
 * Appends to `out` the squares covering a pixel box grown by `multiplier` about its centre: one
 * square of at least `minSide` normally. A square cannot be larger than the frame's short side,
 * so a box longer than that (a bus across a wide frame) gets a row of squares along it.
 */
export function appendSquaresAround(
  box: Box,
  frame: FrameSize,
  minSide: number,
  multiplier: number,
  reason: RegionReason,
  out: DetectionRegion[],
): void {
  const cx = (box[0] + box[2]) / 2;
  const cy = (box[1] + box[3]) / 2;
  const halfWidth = ((box[2] - box[0]) * multiplier) / 2;
  const halfHeight = ((box[3] - box[1]) * multiplier) / 2;
  const shortSide = Math.min(frame.width, frame.height);
  const side = Math.round(clamp(Math.max(minSide, halfWidth * 2, halfHeight * 2), 1, shortSide));
  const left = clamp(cx - halfWidth, 0, frame.width);
  const right = clamp(cx + halfWidth, 0, frame.width);
  const top = clamp(cy - halfHeight, 0, frame.height);
  const bottom = clamp(cy + halfHeight, 0, frame.height);
  const columns = right - left > side ? Math.ceil((right - left) / side) : 1;
  const rows = bottom - top > side ? Math.ceil((bottom - top) / side) : 1;
  for (let row = 0; row < rows; row++) {
    const centreY = rows === 1 ? cy : top + side / 2 + (row * (bottom - top - side)) / (rows - 1);
    for (let column = 0; column < columns; column++) {
      const centreX = columns === 1 ? cx : left + side / 2 + (column * (right - left - side)) / (columns - 1);
      out.push(squareAt(centreX, centreY, side, frame, reason));
    }
  }
}

/** A region as an [x1, y1, x2, y2] pixel box. */
export function regionBox(region: DetectionRegion): Box {
  return [region.x, region.y, region.x + region.width, region.y + region.height];
}
