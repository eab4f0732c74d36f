/**
 * A person picture ready to paste: packed RGB plus per-pixel coverage (0..255) that fades
 * out over a few pixels at the borders, so the photo's own background blends into the scene.
 */
export interface Sprite {
  width: number;
  height: number;
  rgb: Buffer;
  alpha: Uint8Array;
  /** Per row, the columns [start, end) that are fully opaque and can be copied as is. */
  opaqueStart: Int32Array;
  opaqueEnd: Int32Array;
}

/** Builds a sprite from packed RGB, fading the outer `feather` pixels. */
export function makeSprite(rgb: Buffer, width: number, height: number, feather: number): Sprite {
  const alpha = new Uint8Array(width * height);
  const opaqueStart = new Int32Array(height);
  const opaqueEnd = new Int32Array(height);
  const ramp = (distance: number): number => Math.min(1, (distance + 0.5) / Math.max(1, feather));
  for (let y = 0; y < height; y++) {
    const rowCoverage = ramp(Math.min(y, height - 1 - y));
    let start = width;
    let end = 0;
    for (let x = 0; x < width; x++) {
      const value = Math.round(255 * rowCoverage * ramp(Math.min(x, width - 1 - x)));
      alpha[y * width + x] = value;
      if (value === 255) {
        start = Math.min(start, x);
        end = x + 1;
      }
    }
    opaqueStart[y] = start;
    opaqueEnd[y] = Math.max(start, end);
  }
  return { width, height, rgb, alpha, opaqueStart, opaqueEnd };
}

/**
 * Pastes `sprite` with its top-left corner at (left, top) into a packed RGB frame, clipped
 * to the frame. Opaque runs are copied with Buffer.copy; only the feathered border is blended.
 */
export function pasteSprite(
  frame: Buffer,
  frameWidth: number,
  frameHeight: number,
  sprite: Sprite,
  left: number,
  top: number,
): void {
  const x0 = Math.max(0, left);
  const x1 = Math.min(frameWidth, left + sprite.width);
  const y0 = Math.max(0, top);
  const y1 = Math.min(frameHeight, top + sprite.height);
  if (x0 >= x1 || y0 >= y1) return;
  for (let y = y0; y < y1; y++) {
    const sy = y - top;
    const rowStart = sy * sprite.width;
    const opaqueFrom = Math.max(x0, left + (sprite.opaqueStart[sy] ?? 0));
    const opaqueTo = Math.min(x1, left + (sprite.opaqueEnd[sy] ?? 0));
    if (opaqueFrom < opaqueTo) {
      blendRun(frame, frameWidth, sprite, y, sy, left, x0, opaqueFrom);
      sprite.rgb.copy(
        frame,
        (y * frameWidth + opaqueFrom) * 3,
        (rowStart + opaqueFrom - left) * 3,
        (rowStart + opaqueTo - left) * 3,
      );
      blendRun(frame, frameWidth, sprite, y, sy, left, opaqueTo, x1);
    } else {
      blendRun(frame, frameWidth, sprite, y, sy, left, x0, x1);
    }
  }
}

function blendRun(
  frame: Buffer,
  frameWidth: number,
  sprite: Sprite,
  y: number,
  sy: number,
  left: number,
  from: number,
  to: number,
): void {
  for (let x = from; x < to; x++) {
    const si = sy * sprite.width + (x - left);
    const a = sprite.alpha[si] ?? 0;
    if (a === 0) continue;
    const di = (y * frameWidth + x) * 3;
    const s = si * 3;
    for (let c = 0; c < 3; c++) {
      const under = frame[di + c] ?? 0;
      frame[di + c] = under + (((sprite.rgb[s + c] ?? 0) - under) * a) / 255;
    }
  }
}
