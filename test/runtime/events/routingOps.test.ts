import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NOT_APPLICABLE } from '../../../runtime/events/enrichment/types';
import { enrichmentOps } from '../../../runtime/events/routingOps';

describe('enrichmentOps', () => {
  it('stores what happened: no row for an enricher with nothing to add, one for a skip that says why', () => {
    const ops = enrichmentOps('e-1', [
      { enricher: 'metadata', status: 'success', durationMs: 1, attempts: 1, data: { camera: 'front' } },
      { enricher: 'thumbnail', status: 'skipped', durationMs: 0, attempts: 0, error: NOT_APPLICABLE },
      {
        enricher: 'description',
        status: 'skipped',
        durationMs: 0,
        attempts: 0,
        error: "dependency 'metadata' did not succeed (failed)",
      },
      { enricher: 'face_identity', status: 'failed', durationMs: 2, attempts: 1, error: 'boom' },
    ]);
    assert.deepEqual(
      ops.map((op) => [op[1], op[2], op[3]]),
      [
        ['e-1', 'metadata', 'success'],
        ['e-1', 'description', 'skipped'],
        ['e-1', 'face_identity', 'failed'],
      ],
    );
    assert.equal(ops[0]?.[4], '{"camera":"front"}');
  });
});
