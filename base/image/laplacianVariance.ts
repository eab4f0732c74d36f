/**
 * Variance of the 4-neighbour Laplacian over the interior of a `columns × rows` gray image: how much
 * sharp detail it holds. Blurred images score low. 0 when it is too small to have an interior.
 * The tracker ranks snapshots by it; face recognition rejects blurred faces by it.
 */
export function laplacianVariance(gray: Float32Array, columns: number, rows: number): number {
  if (columns < 3 || rows < 3) return 0;
  let sum = 0;
  let sumOfSquares = 0;
  for (let row = 1; row < rows - 1; row++) {
    for (let column = 1; column < columns - 1; column++) {
      const at = row * columns + column;
      const laplacian =
        4 * (gray[at] as number) -
        (gray[at - 1] as number) -
        (gray[at + 1] as number) -
        (gray[at - columns] as number) -
        (gray[at + columns] as number);
      sum += laplacian;
      sumOfSquares += laplacian * laplacian;
    }
  }
  const count = (rows - 2) * (columns - 2);
  const mean = sum / count;
  return Math.max(0, sumOfSquares / count - mean * mean);
}
