import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RingBuffer } from '../../../runtime/bus/ringBuffer';

describe('RingBuffer', () => {
  it('stays FIFO across wrap-around and growth up to its limit', () => {
    const ring = new RingBuffer<number>(40);
    const expected: number[] = [];
    let next = 0;
    // Interleave pushes and shifts so the head wraps while storage grows from 16 to 40.
    for (let round = 0; round < 30; round++) {
      for (let i = 0; i < 3 && !ring.full; i++) {
        ring.push(next);
        expected.push(next++);
      }
      if (round % 2 === 0) assert.equal(ring.shift(), expected.shift());
    }
    assert.equal(ring.length, expected.length);
    assert.equal(ring.full, true);
    assert.throws(() => ring.push(-1), /full \(limit 40\)/);
    assert.deepEqual(ring.clear(), expected);
    assert.equal(ring.length, 0);
    assert.equal(ring.shift(), undefined);
  });
});
