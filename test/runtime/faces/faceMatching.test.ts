import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DescriptorIndex } from '../../../runtime/faces/matching/descriptorIndex';
import { faceVerdict } from '../../../runtime/faces/matching/faceVerdict';

/** A unit vector in 4 dimensions at `angle` radians from the first axis, in the plane of the first two. */
function at(angle: number): Float32Array {
  return Float32Array.from([Math.cos(angle), Math.sin(angle), 0, 0]);
}

describe('face verdicts', () => {
  test('a passing blacklisted match wins over a closer known match', () => {
    const verdict = faceVerdict(
      { name: 'alice', list: 'known', score: 0.95 },
      { name: 'mallory', list: 'blacklist', score: 0.7 },
      0.6,
    );
    assert.deepEqual(verdict, { kind: 'blacklisted', name: 'mallory', score: 0.7 });
  });

  test('known when only the known match passes; unknown with the closest score otherwise', () => {
    assert.deepEqual(
      faceVerdict(
        { name: 'alice', list: 'known', score: 0.8 },
        { name: 'mallory', list: 'blacklist', score: 0.5 },
        0.6,
      ),
      { kind: 'known', name: 'alice', score: 0.8 },
    );
    assert.deepEqual(
      faceVerdict(
        { name: 'alice', list: 'known', score: 0.4 },
        { name: 'mallory', list: 'blacklist', score: 0.55 },
        0.6,
      ),
      { kind: 'unknown', name: null, score: 0.55 },
    );
    assert.deepEqual(faceVerdict(null, null, 0.6), { kind: 'unknown', name: null, score: 0 });
  });
});

describe('descriptor index', () => {
  const people = [
    { id: 1, name: 'alice', list: 'known' as const },
    { id: 2, name: 'mallory', list: 'blacklist' as const },
  ];
  const index = new DescriptorIndex(
    people,
    [
      { personId: 1, descriptor: at(0) },
      { personId: 1, descriptor: at(0.3) },
      { personId: 2, descriptor: at(1.2) },
      { personId: 3, descriptor: at(0.6) }, // nobody's: ignored
      { personId: 2, descriptor: new Float32Array(3) }, // wrong length: ignored
    ],
    4,
  );

  test('matches by cosine similarity against every descriptor of every person', () => {
    assert.equal(index.size, 3);
    const nearAlice = index.match(at(0.25), 0.6);
    assert.equal(nearAlice.kind, 'known');
    assert.equal(nearAlice.name, 'alice');
    assert.ok(Math.abs(nearAlice.score - Math.cos(0.05)) < 1e-6);
    const nearMallory = index.match(at(1.1), 0.6);
    assert.deepEqual([nearMallory.kind, nearMallory.name], ['blacklisted', 'mallory']);
  });

  test('between the two, the blacklisted person wins once they pass the threshold', () => {
    // At 0.7 rad: cos(0.4)=0.92 to alice's second descriptor, cos(0.5)=0.88 to mallory.
    const between = index.match(at(0.7), 0.6);
    assert.deepEqual([between.kind, between.name], ['blacklisted', 'mallory']);
    assert.ok(Math.abs(between.score - Math.cos(0.5)) < 1e-6);
    const strict = index.match(at(0.7), 0.9);
    assert.deepEqual([strict.kind, strict.name], ['known', 'alice']);
    assert.equal(index.match(at(0.7), 0.95).kind, 'unknown');
  });

  test('an empty gallery says unknown with score 0', () => {
    assert.deepEqual(new DescriptorIndex([], [], 4).match(at(0), 0.6), {
      kind: 'unknown',
      name: null,
      score: 0,
    });
  });
});
