import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SdNotifier } from '../../../runtime/lifecycle/sdNotify';
import type { Service } from '../../../runtime/lifecycle/service';
import { ServiceRunner } from '../../../runtime/lifecycle/serviceRunner';
import { GracefulShutdown, installProcessHooks } from '../../../runtime/lifecycle/shutdown';
import { memoryLogger } from '../../helpers/memoryLogger';

function setup(stopMs = 0) {
  const { logger, lines } = memoryLogger();
  const stops: string[] = [];
  const service = (name: string): Service => ({
    name,
    start: async () => {},
    stop: async () => {
      stops.push(name);
      await new Promise((resolve) => setTimeout(resolve, stopMs));
    },
  });
  const runner = new ServiceRunner([service('store'), service('web')], { logger, serviceStopMs: 1000 });
  const shutdown = new GracefulShutdown({
    runner,
    notifier: new SdNotifier({}, logger),
    logger,
    budgetMs: 5000,
  });
  const exits: number[] = [];
  let exited: (code: number) => void = () => {};
  const firstExit = new Promise<number>((resolve) => {
    exited = resolve;
  });
  const remove = installProcessHooks({
    shutdown,
    logger,
    budgetMs: 5000,
    exit: (code) => {
      exits.push(code);
      exited(code);
    },
  });
  return { runner, shutdown, stops, exits, firstExit, remove, lines };
}

describe('process hooks', () => {
  test('SIGTERM runs one graceful shutdown and exits 0', async () => {
    const { runner, stops, firstExit, remove } = setup();
    await runner.startAll();
    process.emit('SIGTERM', 'SIGTERM');
    assert.equal(await firstExit, 0);
    assert.deepEqual(stops, ['web', 'store']);
    remove();
  });

  test('the shutdown is idempotent: a second run returns the same result', async () => {
    const { runner, shutdown, stops, remove } = setup();
    await runner.startAll();
    const [a, b] = await Promise.all([shutdown.run('first'), shutdown.run('second')]);
    assert.equal(a, b);
    assert.deepEqual(stops, ['web', 'store']);
    remove();
  });

  test('a second signal during shutdown exits 1 at once', async () => {
    const { runner, exits, firstExit, remove, lines } = setup(300);
    await runner.startAll();
    process.emit('SIGINT', 'SIGINT');
    process.emit('SIGINT', 'SIGINT');
    assert.equal(await firstExit, 1);
    assert.ok(lines.some((l) => l.msg === 'second signal during shutdown: exiting now'));
    remove();
    assert.deepEqual(exits, [1]);
  });

  test('an uncaught exception is logged as fatal and exits 1', async () => {
    const { firstExit, remove, lines } = setup();
    // Call our listener directly: emitting the event would also reach node:test's own handler.
    const ours = process.listeners('uncaughtException').at(-1);
    ours?.(new Error('camera driver exploded'), 'uncaughtException');
    assert.equal(await firstExit, 1);
    const fatal = lines.find((l) => l.level === 60);
    assert.match(JSON.stringify(fatal), /camera driver exploded/);
    remove();
  });
});
