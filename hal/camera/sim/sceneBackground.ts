/**
 * A static backdrop: a pale sky fading to a wall, a darker ground with a lighter path where
 * people walk. Plain gradients, so an empty scene has no motion at all.
 */
export function sceneBackground(width: number, height: number): Buffer {
  const frame = Buffer.alloc(width * height * 3);
  const horizon = Math.round(height * 0.55);
  const pathTop = Math.round(height * 0.78);
  for (let y = 0; y < height; y++) {
    const color = rowColor(y, height, horizon, pathTop);
    const row = Buffer.from(color);
    for (let x = 0; x < width; x++) row.copy(frame, (y * width + x) * 3);
  }
  return frame;
}

function rowColor(y: number, height: number, horizon: number, pathTop: number): [number, number, number] {
  if (y < horizon) return mix([150, 175, 200], [205, 210, 212], y / horizon);
  if (y < pathTop) return mix([105, 118, 96], [86, 98, 80], (y - horizon) / Math.max(1, pathTop - horizon));
  return mix([168, 160, 145], [140, 133, 120], (y - pathTop) / Math.max(1, height - pathTop));
}

function mix(a: [number, number, number], b: [number, number, number], t: number): [number, number, number] {
  return [0, 1, 2].map((i) => Math.round((a[i] ?? 0) + ((b[i] ?? 0) - (a[i] ?? 0)) * t)) as [
    number,
    number,
    number,
  ];
}
