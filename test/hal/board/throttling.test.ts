import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readThrottling } from '../../../hal/board/throttling';
import { tempDir } from '../../helpers/tempDir';

function boardWith(word: string): string {
  const root = tempDir();
  const dir = join(root, 'sys/devices/platform/soc/soc:firmware');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'get_throttled'), `${word}\n`);
  return root;
}

describe('Raspberry Pi throttling', () => {
  it('names the conditions active now and those seen since boot', () => {
    assert.deepEqual(readThrottling(boardWith('50005')), {
      active: true,
      flags: ['under-voltage', 'under-voltage since boot', 'throttled', 'throttled since boot'],
    });
    assert.deepEqual(readThrottling(boardWith('80000')), {
      active: false,
      flags: ['soft temperature limit since boot'],
    });
    assert.deepEqual(readThrottling(boardWith('0')), { active: false, flags: [] });
  });

  it('is null where the firmware does not report it, or reports garbage', () => {
    assert.equal(readThrottling(tempDir()), null);
    assert.equal(readThrottling(boardWith('zz')), null);
  });
});
