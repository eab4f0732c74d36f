import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { AlarmJournal } from '../../../runtime/alarm/alarmJournal';
import { AlarmModes } from '../../../runtime/alarm/alarmModes';
import { ModeSchedules } from '../../../runtime/alarm/modeSchedules';
import { StoreService } from '../../../runtime/store/storeService';
import { ClockWatch } from '../../../runtime/system/clockWatch';
import { memoryLogger } from '../../helpers/memoryLogger';
import { tempDir } from '../../helpers/tempDir';
import { TestClock } from '../../helpers/testClock';

const HOUR = 3_600_000;
const MODES = ['disarmed', 'home', 'away'];

/** Arm at 22:00, disarm at 07:00 (UTC), on a real store, the clock moved by the test. */
async function schedulesKit(bootedAt: string) {
  const { logger } = memoryLogger();
  const store = new StoreService({
    file: join(tempDir(), 'vigil.db'),
    version: 'test',
    groupCommit: { maxBatch: 64, maxDelayMs: 1 },
    logger,
  });
  await store.start();
  const modes = new AlarmModes({
    modes: MODES,
    initial: 'home',
    store: new AlarmJournal(store.db, store.writer),
  });
  const clock = new TestClock(Date.parse(bootedAt));
  const clockWatch = new ClockWatch({ clock, syncFile: '', logger });
  const schedules = new ModeSchedules(modes, logger, clockWatch);
  schedules.start(
    [
      { cron: '0 22 * * *', mode: 'away' },
      { cron: '0 7 * * *', mode: 'disarmed' },
    ],
    'UTC',
  );
  after(async () => {
    await schedules.stop();
    await store.stop();
  });
  /** Lets the watch see a jump and the mode change it causes finish. */
  const settle = async () => {
    clockWatch.check();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await store.writer.write(() => undefined);
  };
  const changes = () =>
    store.db
      .prepare("SELECT state FROM audit WHERE subject_kind = 'alarm' AND actor = 'schedule' ORDER BY id")
      .pluck()
      .all() as string[];
  return { modes, clock, schedules, settle, changes };
}

test('a clock set back an hour does not fire the slot a schedule already fired', async () => {
  const kit = await schedulesKit('2026-06-01T21:59:59Z');
  const slot = Date.parse('2026-06-01T22:00:00Z');
  kit.clock.advance(1000);
  assert.equal(kit.schedules.fire(0, slot), true, 'node-cron fires the 22:00 slot');
  await kit.settle();
  assert.equal(kit.modes.current, 'away');
  await kit.modes.set('home', { actor: 'api', reason: 'the owner came home' });
  kit.clock.jump(-HOUR);
  await kit.settle();
  assert.equal(kit.schedules.fire(0, slot), false, 'the 22:00 slot comes round again an hour later');
  await kit.settle();
  assert.equal(kit.modes.current, 'home', 'the owner is not armed against again');
});

test('a clock set forwards a year over slots fires, once, the latest slot skipped', async () => {
  const kit = await schedulesKit('2025-05-01T12:00:00Z');
  kit.clock.jump(Date.parse('2026-06-01T23:30:00Z') - kit.clock.now());
  await kit.settle();
  assert.equal(
    kit.modes.current,
    'away',
    "22:00's arming, the latest slot before 23:30, not 07:00's disarming",
  );
  kit.clock.advance(1000);
  await kit.settle();
  assert.equal(kit.schedules.fire(0, Date.parse('2026-06-01T22:00:00Z')), false, 'and only once');
  assert.deepEqual(kit.changes(), ['away']);
});
