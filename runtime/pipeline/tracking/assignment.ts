/**
 * Minimum-cost assignment of rows to columns (the Hungarian method, in its shortest augmenting
 * path form, O(rows² · columns)). `cost` holds `rows × columns` numbers, row by row; needs
 * rows ≤ columns. Returns, for each row, its column. Tracking calls it with a few tracks and
 * detections per frame, so a dependency is not worth it: ~40 lines of our own, tested directly.
 */
export function minimumCostAssignment(cost: Float64Array, rows: number, columns: number): Int32Array {
  if (rows > columns) throw new Error(`assignment needs rows (${rows}) ≤ columns (${columns})`);
  // 1-based potentials and matches, column 0 being the virtual start of each augmenting path.
  const u = new Float64Array(rows + 1);
  const v = new Float64Array(columns + 1);
  const rowOf = new Int32Array(columns + 1);
  const way = new Int32Array(columns + 1);
  const minTo = new Float64Array(columns + 1);
  const used = new Uint8Array(columns + 1);
  for (let row = 1; row <= rows; row++) {
    rowOf[0] = row;
    let column0 = 0;
    minTo.fill(Number.POSITIVE_INFINITY);
    used.fill(0);
    do {
      used[column0] = 1;
      const row0 = rowOf[column0] as number;
      let delta = Number.POSITIVE_INFINITY;
      let column1 = 0;
      for (let column = 1; column <= columns; column++) {
        if (used[column]) continue;
        const reduced =
          (cost[(row0 - 1) * columns + column - 1] as number) - (u[row0] as number) - (v[column] as number);
        if (reduced < (minTo[column] as number)) {
          minTo[column] = reduced;
          way[column] = column0;
        }
        if ((minTo[column] as number) < delta) {
          delta = minTo[column] as number;
          column1 = column;
        }
      }
      for (let column = 0; column <= columns; column++) {
        if (used[column]) {
          u[rowOf[column] as number] = (u[rowOf[column] as number] as number) + delta;
          v[column] = (v[column] as number) - delta;
        } else {
          minTo[column] = (minTo[column] as number) - delta;
        }
      }
      column0 = column1;
    } while (rowOf[column0] !== 0);
    do {
      const previous = way[column0] as number;
      rowOf[column0] = rowOf[previous] as number;
      column0 = previous;
    } while (column0 !== 0);
  }
  const assigned = new Int32Array(rows);
  for (let column = 1; column <= columns; column++) {
    const row = rowOf[column] as number;
    if (row > 0) assigned[row - 1] = column - 1;
  }
  return assigned;
}
