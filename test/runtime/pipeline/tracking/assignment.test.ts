import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { minimumCostAssignment } from '../../../../runtime/pipeline/tracking/assignment';

/** The least total cost over every assignment, by trying them all (small sizes only). */
function bruteForce(cost: number[], rows: number, columns: number): number {
  let best = Number.POSITIVE_INFINITY;
  const used = new Array<boolean>(columns).fill(false);
  const walk = (row: number, total: number) => {
    if (row === rows) {
      best = Math.min(best, total);
      return;
    }
    for (let column = 0; column < columns; column++) {
      if (used[column]) continue;
      used[column] = true;
      walk(row + 1, total + (cost[row * columns + column] as number));
      used[column] = false;
    }
  };
  walk(0, 0);
  return best;
}

describe('minimumCostAssignment', () => {
  it('gives up the single cheapest pair when that makes the whole cheaper (where greedy fails)', () => {
    // Greedy takes row 0 → column 0 (0.1) and must give row 1 column 1 (0.9): 1.0 in all.
    const cost = new Float64Array([0.1, 0.2, 0.15, 0.9]);
    assert.deepEqual([...minimumCostAssignment(cost, 2, 2)], [1, 0]);
  });

  it('assigns every row to a distinct column when there are more columns', () => {
    const cost = new Float64Array([5, 1, 9, 4, 2, 1, 8, 7]);
    const assigned = [...minimumCostAssignment(cost, 2, 4)];
    assert.deepEqual(assigned, [1, 0]);
  });

  it('finds the least total on random matrices, as trying every assignment does', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    for (let trial = 0; trial < 200; trial++) {
      const rows = 1 + Math.floor(random() * 5);
      const columns = rows + Math.floor(random() * 3);
      const cost = Array.from({ length: rows * columns }, () => Math.round(random() * 100) / 10);
      const assigned = minimumCostAssignment(new Float64Array(cost), rows, columns);
      assert.equal(new Set(assigned).size, rows);
      const total = [...assigned].reduce(
        (sum, column, row) => sum + (cost[row * columns + column] as number),
        0,
      );
      assert.ok(Math.abs(total - bruteForce(cost, rows, columns)) < 1e-9, `trial ${trial}`);
    }
  });

  it('refuses more rows than columns', () => {
    assert.throws(() => minimumCostAssignment(new Float64Array(2), 2, 1), /rows \(2\) ≤ columns \(1\)/);
  });
});
