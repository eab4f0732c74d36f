import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readDeviceFigures } from '../../../../runtime/system/deviceFigures';
import { tempDir } from '../../../helpers/tempDir';

const percent = (value: number | null) => value === null || (value >= 0 && value <= 100);

describe('device figures', () => {
  it('reads load, memory and the disk holding data_dir, each a percentage or null', async () => {
    const figures = await readDeviceFigures(tempDir());
    assert.ok(percent(figures.cpu_load), `cpu_load ${figures.cpu_load}`);
    assert.equal(typeof figures.memory_used_percent, 'number', 'every Linux reports memory');
    assert.ok(percent(figures.memory_used_percent));
    assert.equal(typeof figures.disk_used_percent, 'number', 'the temp dir lies on some filesystem');
    assert.ok(percent(figures.disk_used_percent));
    assert.ok(figures.cpu_temperature === null || Number.isFinite(figures.cpu_temperature));
  });

  it('never throws, even for a data_dir that does not exist yet', async () => {
    const figures = await readDeviceFigures(join(tempDir(), 'missing', 'deeper'));
    assert.equal(typeof figures.memory_used_percent, 'number');
    // df's mount table still covers a missing path (by prefix); statfs alone could not.
    assert.ok(percent(figures.disk_used_percent));
  });
});
