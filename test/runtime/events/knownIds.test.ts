import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KnownIds } from '../../../runtime/events/knownIds';

describe('known ids', () => {
  test('never says no to an id it was given, also past the first filter (1 M ids)', () => {
    const known = new KnownIds();
    const count = 1_200_000;
    for (let i = 0; i < count; i++) known.add(`ev-${i}`);
    assert.equal(known.size, count);
    for (let i = 0; i < count; i += 7) assert.ok(known.mayContain(`ev-${i}`), `ev-${i} is missing`);
  });

  test('says "maybe" to about 1 % of ids it never saw', () => {
    const known = KnownIds.of(Array.from({ length: 200_000 }, () => crypto.randomUUID()));
    const trials = 100_000;
    let maybe = 0;
    for (let i = 0; i < trials; i++) if (known.mayContain(`unseen-${i}`)) maybe++;
    assert.ok(maybe / trials < 0.02, `${((100 * maybe) / trials).toFixed(2)} % false positives`);
  });
});
