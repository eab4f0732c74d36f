import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Service } from '../../../runtime/lifecycle/service';
import { ServiceRunner } from '../../../runtime/lifecycle/serviceRunner';
import { memoryLogger } from '../../helpers/memoryLogger';

/** A service that records its calls in a shared journal; behaviour chosen per test. */
function recordingService(
  name: string,
  journal: string[],
  behaviour: { failStart?: boolean; hangStop?: boolean; failStop?: boolean } = {},
): Service {
  return {
    name,
    async start() {
      journal.push(`start ${name}`);
      if (behaviour.failStart) throw new Error(`${name} cannot start`);
    },
    async stop() {
      journal.push(`stop ${name}`);
      if (behaviour.hangStop) await new Promise(() => {});
      if (behaviour.failStop) throw new Error(`${name} refused to stop`);
    },
  };
}

describe('ServiceRunner', () => {
  test('starts in declared order and stops in reverse', async () => {
    const journal: string[] = [];
    const runner = new ServiceRunner(
      ['store', 'bus', 'web'].map((n) => recordingService(n, journal)),
      { logger: memoryLogger().logger, serviceStopMs: 1000 },
    );
    await runner.startAll();
    assert.deepEqual(
      runner.statuses().map((s) => s.state),
      ['running', 'running', 'running'],
    );
    const report = await runner.stopAll(5000);
    assert.deepEqual(journal, [
      'start store',
      'start bus',
      'start web',
      'stop web',
      'stop bus',
      'stop store',
    ]);
    assert.deepEqual(report, { clean: true, order: ['web', 'bus', 'store'], timedOut: [], failed: [] });
  });

  test('a failed start stops what already started and names the service', async () => {
    const journal: string[] = [];
    const runner = new ServiceRunner(
      [
        recordingService('store', journal),
        recordingService('web', journal, { failStart: true }),
        recordingService('mqtt', journal),
      ],
      { logger: memoryLogger().logger, serviceStopMs: 1000 },
    );
    await assert.rejects(runner.startAll(), /service 'web' failed to start: web cannot start/);
    assert.deepEqual(journal, ['start store', 'start web', 'stop web', 'stop store']);
    assert.equal(runner.statuses().find((s) => s.name === 'mqtt')?.state, 'idle');
  });

  test('a hung stop is abandoned after its timeout and the rest still stop', async () => {
    const journal: string[] = [];
    const { logger, lines } = memoryLogger();
    const runner = new ServiceRunner(
      [
        recordingService('store', journal),
        recordingService('camera', journal, { hangStop: true }),
        recordingService('web', journal),
      ],
      { logger, serviceStopMs: 50 },
    );
    await runner.startAll();
    const report = await runner.stopAll(5000);
    assert.deepEqual(report.order, ['web', 'camera', 'store']);
    assert.deepEqual(report.timedOut, ['camera']);
    assert.equal(report.clean, false);
    assert.equal(runner.statuses().find((s) => s.name === 'camera')?.state, 'failed');
    assert.equal(runner.statuses().find((s) => s.name === 'store')?.state, 'stopped');
    assert.ok(lines.some((l) => l.msg === 'service stop timed out' && l.service === 'camera'));
  });

  test('the overall budget caps the sum of the stops', async () => {
    const journal: string[] = [];
    const runner = new ServiceRunner(
      [
        recordingService('a', journal, { hangStop: true }),
        recordingService('b', journal, { hangStop: true }),
      ],
      { logger: memoryLogger().logger, serviceStopMs: 10_000 },
    );
    await runner.startAll();
    const startedAt = performance.now();
    const report = await runner.stopAll(200);
    const elapsed = performance.now() - startedAt;
    assert.deepEqual(report.timedOut, ['b', 'a']);
    assert.ok(elapsed < 2000, `stopAll took ${elapsed} ms with a 200 ms budget`);
  });

  test('a stop that throws is reported as failed', async () => {
    const journal: string[] = [];
    const runner = new ServiceRunner([recordingService('gpio', journal, { failStop: true })], {
      logger: memoryLogger().logger,
      serviceStopMs: 1000,
    });
    await runner.startAll();
    const report = await runner.stopAll(1000);
    assert.deepEqual(report.failed, ['gpio']);
    assert.equal(runner.statuses()[0]?.error, 'gpio refused to stop');
  });

  test('rejects two services with one name', () => {
    const journal: string[] = [];
    assert.throws(
      () =>
        new ServiceRunner([recordingService('web', journal), recordingService('web', journal)], {
          logger: memoryLogger().logger,
          serviceStopMs: 1,
        }),
      /service 'web' is declared twice/,
    );
  });
});
