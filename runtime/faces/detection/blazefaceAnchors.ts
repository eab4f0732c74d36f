/**
 * Anchor centres (pixels of the square model input) in blazeface's output order, as human's
 * `generateAnchors`: strides size/16 and size/8 with 2 and 6 anchors per cell (896 for 256).
 */
export function blazefaceAnchors(inputSize: number): Float32Array {
  const strides = [inputSize / 16, inputSize / 8];
  const perCell = [2, 6];
  const anchors: number[] = [];
  strides.forEach((stride, level) => {
    const cells = Math.floor((inputSize + stride - 1) / stride);
    for (let gridY = 0; gridY < cells; gridY++) {
      const anchorY = stride * (gridY + 0.5);
      for (let gridX = 0; gridX < cells; gridX++) {
        const anchorX = stride * (gridX + 0.5);
        for (let n = 0; n < (perCell[level] ?? 0); n++) anchors.push(anchorX, anchorY);
      }
    }
  });
  return Float32Array.from(anchors);
}
