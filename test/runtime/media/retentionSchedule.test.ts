import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startRetentionSchedule } from '../../../runtime/media/retention/retentionSchedule';
import type { SweepResult, SweepTrigger } from '../../../runtime/media/retention/retentionTypes';
import { memoryLogger } from '../../helpers/memoryLogger';

/** A stand-in for MediaRetention that records what triggered each sweep. */
function fakeRetention() {
  const triggers: SweepTrigger[] = [];
  const state = { low: false, stuck: false, fail: false };
  return {
    triggers,
    state,
    retention: {
      belowFloor: () => state.low,
      sweep: async (_now: number, trigger: SweepTrigger): Promise<SweepResult> => {
        triggers.push(trigger);
        if (state.fail) throw new Error('disk I/O error');
        return { held_over_limit: state.stuck ? ['low_space'] : [] } as unknown as SweepResult;
      },
    },
  };
}

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(5);
  }
}

describe('retention schedule', () => {
  test('sweeps at start-up, on the cron schedule (device time zone), and stops', async () => {
    const fake = fakeRetention();
    const { logger } = memoryLogger();
    const schedule = startRetentionSchedule({
      retention: fake.retention,
      cron: '* * * * * *',
      timezone: 'Europe/Berlin',
      logger,
    });
    assert.deepEqual(fake.triggers, ['startup']);
    assert.ok(schedule.nextRun() instanceof Date);
    await until(() => fake.triggers.includes('schedule'));
    await schedule.stop();
    const count = fake.triggers.length;
    await sleep(1100);
    assert.equal(fake.triggers.length, count, 'nothing after stop');
  });

  test('sweeps when free space falls below the floor, and backs off when nothing more can go', async () => {
    const fake = fakeRetention();
    const { logger } = memoryLogger();
    let now = 1_000_000;
    const schedule = startRetentionSchedule({
      retention: fake.retention,
      cron: '0 0 1 1 *',
      timezone: 'UTC',
      logger,
      freeSpaceCheckMs: 10,
      lowSpaceBackoffMs: 60_000,
      now: () => now,
    });
    await sleep(40);
    assert.deepEqual(fake.triggers, ['startup'], 'enough space: no extra sweeps');

    fake.state.low = true;
    await until(() => fake.triggers.filter((t) => t === 'low_space').length >= 2);

    fake.state.stuck = true;
    const before = fake.triggers.length;
    await until(() => fake.triggers.length > before);
    const stuckAt = fake.triggers.length;
    await sleep(50);
    assert.equal(fake.triggers.length, stuckAt, 'quiet during the back-off');
    now += 60_000;
    await until(() => fake.triggers.length > stuckAt);
    await schedule.stop();
  });

  test('logs a failed sweep and carries on', async () => {
    const fake = fakeRetention();
    fake.state.fail = true;
    const { logger, lines } = memoryLogger();
    const schedule = startRetentionSchedule({
      retention: fake.retention,
      cron: '0 0 1 1 *',
      timezone: 'UTC',
      logger,
    });
    await until(() =>
      lines.some((line) => line.msg === 'media retention sweep failed; the next trigger retries'),
    );
    const line = lines.find((l) => l.trigger === 'startup');
    assert.equal((line?.err as { message?: string } | undefined)?.message, 'disk I/O error');
    await schedule.stop();
  });
});
