import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { WorkerModelRunner } from '../../../hal/accel/worker/workerModelRunner';
import type { TensorData } from '../../../models/types';
import { memoryLogger } from '../../helpers/memoryLogger';

const SCRIPT = new URL('./fixtures/scriptedWorker.ts', import.meta.url);
const CALL_TIMEOUT_MS = 400;

const runners: WorkerModelRunner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.close()));
});

function scriptedRunner(instances = 1) {
  const { logger, lines } = memoryLogger();
  const runner = new WorkerModelRunner({
    engine: { engine: 'tfjs', backend: 'wasm' },
    label: 'test runner',
    logger,
    instances,
    script: SCRIPT,
    callTimeoutMs: CALL_TIMEOUT_MS,
    loadTimeoutMs: 5000,
  });
  runners.push(runner);
  return { runner, lines };
}

function tensor(...values: number[]): TensorData {
  return { data: Float32Array.from(values), shape: [values.length] };
}

/** The id of the worker thread that answered an echo. */
async function echoThread(runner: WorkerModelRunner): Promise<number> {
  const [, thread] = await runner.run('echo', tensor(1));
  return thread?.data[0] ?? -1;
}

describe('WorkerModelRunner supervisor', () => {
  it('runs calls in a worker thread, moving the input buffer instead of copying it', async () => {
    const { runner } = scriptedRunner();
    const input = tensor(1, 2, 3);
    const [output] = await runner.run('echo', input);
    assert.deepEqual(Array.from(output?.data ?? []), [1, 2, 3]);
    assert.equal(input.data.length, 0, 'input buffer should have been transferred (detached)');
    assert.ok((await echoThread(runner)) > 0);
  });

  it('rejects a stuck call after the timeout, replaces the worker, and works again', async () => {
    const { runner, lines } = scriptedRunner();
    const firstThread = await echoThread(runner);
    await runner.load('hang');
    const started = performance.now();
    const stuck = runner.run('hang', tensor(0));
    const queued = runner.run('echo', tensor(5));
    await assert.rejects(
      stuck,
      /test runner: model worker gave no answer to run of hang within 400 ms; it was restarted/,
    );
    await assert.rejects(queued, /restarted/);
    const waited = performance.now() - started;
    assert.ok(
      waited >= CALL_TIMEOUT_MS - 20 && waited < CALL_TIMEOUT_MS + 3000,
      `rejected after ${waited} ms`,
    );
    assert.equal(runner.restarts(), 1);
    assert.ok(lines.some((line) => line.msg === 'model worker replaced' && line.level === 40));
    const secondThread = await echoThread(runner);
    assert.notEqual(secondThread, firstThread, 'a new thread should answer');
  });

  it('replaces a crashed worker, failing its call with the crash, and works again', async () => {
    const { runner } = scriptedRunner();
    await assert.rejects(runner.run('crash', tensor(0)), /test runner: model worker crashed: scripted crash/);
    assert.equal(runner.restarts(), 1);
    const [output] = await runner.run('echo', tensor(7));
    assert.deepEqual(Array.from(output?.data ?? []), [7]);
  });

  it('passes a failing call through without restarting the worker', async () => {
    const { runner } = scriptedRunner();
    await assert.rejects(runner.run('fail', tensor(0)), /^Error: scripted failure$/);
    await assert.rejects(runner.load('unloadable'), /scripted load failure/);
    assert.equal(runner.restarts(), 0);
    assert.ok((await echoThread(runner)) > 0);
  });

  it('does not restart a worker that is slow in total but answers each call in time', async () => {
    const { runner } = scriptedRunner();
    // Three 250 ms calls queued at once: 750 ms in all, but never 400 ms without an answer.
    const calls = [1, 2, 3].map(() => runner.run('slow', tensor(250)));
    await Promise.all(calls);
    assert.equal(runner.restarts(), 0);
  });

  it('loads a model in every instance and runs concurrent calls on different instances', async () => {
    const { runner } = scriptedRunner(2);
    assert.equal(runner.instances(), 2);
    const info = await runner.load('echo');
    assert.match(info.executionProvider, /^thread \d+$/);
    // A quick call beside a slow one goes to the other instance and finishes first (one worker
    // would answer them in order).
    const order: string[] = [];
    await Promise.all([
      runner.run('slow', tensor(300)).then(() => order.push('slow')),
      runner.run('echo', tensor(1)).then(() => order.push('echo')),
    ]);
    assert.deepEqual(order, ['echo', 'slow']);
    const threads = new Set(await Promise.all([echoThread(runner), echoThread(runner)]));
    assert.equal(threads.size, 2);
  });

  it('replaces a crashed instance while the other goes on answering', async () => {
    const { runner } = scriptedRunner(2);
    await runner.load('echo');
    const slow = runner.run('slow', tensor(300)); // the least busy: instance 1
    await assert.rejects(runner.run('crash', tensor(0)), /test runner #2: model worker crashed/);
    await slow;
    assert.equal(runner.restarts(), 1);
    const threads = new Set(await Promise.all([echoThread(runner), echoThread(runner)]));
    assert.equal(threads.size, 2, 'both instances answer after the restart');
  });

  it('rejects calls after close()', async () => {
    const { runner } = scriptedRunner();
    await echoThread(runner);
    await runner.close();
    await assert.rejects(runner.run('echo', tensor(1)), /test runner: model runner is closed/);
  });
});
