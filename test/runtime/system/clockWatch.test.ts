import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ClockWatch, describeJump } from '../../../runtime/system/clockWatch';
import { memoryLogger } from '../../helpers/memoryLogger';
import { tempDir } from '../../helpers/tempDir';
import { TestClock } from '../../helpers/testClock';

const YEAR = 365 * 86_400_000;

function watch(syncFile: string) {
  const clock = new TestClock(Date.parse('1970-01-01T00:00:30Z'));
  const { logger, lines } = memoryLogger();
  const jumps: number[] = [];
  const clockWatch = new ClockWatch({ clock, syncFile, logger });
  clockWatch.onJump((jump) => jumps.push(jump.deltaMs));
  const warnings = () => lines.filter((l) => l.level === 40).map((l) => l.msg);
  return { clock, clockWatch, jumps, warnings };
}

describe('the clock watch', () => {
  test('unsynchronised until timesyncd makes its file; synchronised without timesyncd or with an empty setting', () => {
    const dir = join(tempDir(), 'timesync');
    mkdirSync(dir);
    const file = join(dir, 'synchronized');
    const kit = watch(file);
    assert.equal(kit.clockWatch.synced, false);
    kit.clockWatch.check();
    assert.equal(kit.clockWatch.synced, false);
    writeFileSync(file, '');
    kit.clockWatch.check();
    assert.equal(kit.clockWatch.synced, true);

    assert.equal(watch(join(tempDir(), 'no-timesyncd', 'synchronized')).clockWatch.synced, true);
    assert.equal(watch('').clockWatch.synced, true);
  });

  test('a jump forwards of a year and one back of an hour are each reported once; time passing and drift are not', () => {
    const kit = watch('');
    kit.clock.advance(60_000);
    for (let i = 0; i < 3; i++) {
      kit.clock.jump(3000); // slewing, adding up between checks, each below the tolerance
      assert.equal(kit.clockWatch.check(), null);
    }
    kit.clock.jump(YEAR);
    assert.equal(kit.clockWatch.check()?.deltaMs, YEAR);
    kit.clock.advance(1000);
    assert.equal(kit.clockWatch.check(), null, 'the same jump is not reported again');
    kit.clock.jump(-3_600_000);
    kit.clockWatch.check();
    kit.clockWatch.check();
    assert.deepEqual(kit.jumps, [YEAR, -3_600_000]);
    assert.deepEqual(kit.warnings(), ['clock jumped +365 d', 'clock jumped -1 h']);
    assert.deepEqual(kit.clockWatch.health(), { synced: true, jumps: 2, last_jump: '-1 h' });
  });

  test('describes jumps as a person reads them', () => {
    assert.equal(describeJump(8000), '+8 s');
    assert.equal(describeJump(-90_000), '-1.5 min');
    assert.equal(describeJump(-3_599_500), '-1 h', 'as measured, a little under the hour');
    assert.equal(describeJump(56 * YEAR), '+20440 d');
  });
});
