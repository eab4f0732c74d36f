import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_DETECTOR } from '../../../hal/accel/detectorSchema';
import type { ModelInfo } from '../../../hal/accel/types';
import { WorkerModelRunner } from '../../../hal/accel/worker/workerModelRunner';
import type { TensorData } from '../../../models/types';
import { memoryLogger } from '../../helpers/memoryLogger';

const SCRIPT = new URL('./fixtures/crashableModelWorker.ts', import.meta.url);

/** The model of the default detector (the schema's default), so this follows a change of default. */
function defaultModel(): string {
  const detector: { model?: string } = DEFAULT_DETECTOR;
  assert.ok(detector.model, 'the default detector runs a built-in model');
  return detector.model;
}

/** A grey input of the model's own input shape. */
function input(info: ModelInfo): TensorData {
  const shape = (info.inputs[0]?.shape ?? []).map((dim) => (typeof dim === 'number' && dim > 0 ? dim : 1));
  return { data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(0.5), shape };
}

/** Runs the model once; returns the answering thread and when it ran there. */
async function timedRun(runner: WorkerModelRunner, model: string, info: ModelInfo) {
  const outputs = await runner.run(model, input(info));
  assert.equal(outputs.length, info.outputs.length + 1, 'the model outputs, then the timing');
  const [thread = -1, start = 0, end = 0] = outputs.at(-1)?.data ?? [];
  return { thread, start, end };
}

describe('detector pool with the real model', { timeout: 300_000 }, () => {
  const model = defaultModel();
  const { logger } = memoryLogger();
  const runner = new WorkerModelRunner({
    engine: { engine: 'tfjs', backend: 'wasm' },
    label: 'pool',
    logger,
    instances: 2,
    script: SCRIPT,
    // Generous: this machine is shared, and a loaded core slows a call several times.
    callTimeoutMs: 60_000,
  });
  let info: ModelInfo;

  before(async () => {
    info = await runner.load(model);
  });
  after(() => runner.close());

  it('answers two calls at once on two instances', async () => {
    const [a, b] = await Promise.all([timedRun(runner, model, info), timedRun(runner, model, info)]);
    assert.notEqual(a.thread, b.thread, 'each call on its own worker thread');
    assert.ok(a.start < b.end && b.start < a.end, `the runs overlap: ${JSON.stringify([a, b])}`);
  });

  it('restarts a crashed instance while the other finishes its call, then both answer', async () => {
    const before = await Promise.all([timedRun(runner, model, info), timedRun(runner, model, info)]);
    // The first call takes the first instance; the crash goes to the idle second one.
    const running = timedRun(runner, model, info);
    await assert.rejects(
      runner.run('crash', input(info)),
      /pool #2: model worker crashed: crashed on purpose/,
    );
    const survivor = await running;
    assert.ok(
      before.some((run) => run.thread === survivor.thread),
      'the other instance kept its thread',
    );
    assert.equal(runner.restarts(), 1);
    const afterCrash = await Promise.all([timedRun(runner, model, info), timedRun(runner, model, info)]);
    const threads = new Set(afterCrash.map((run) => run.thread));
    assert.equal(threads.size, 2, 'two instances answer again');
    assert.ok(
      afterCrash.some((run) => !before.some((old) => old.thread === run.thread)),
      'one of them is a new thread',
    );
  });
});
