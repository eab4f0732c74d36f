import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { createGpioLine } from '../../../hal/gpio/createGpioLine';
import type { SimOutput } from '../../../hal/gpio/index';
import type { Cause } from '../../../runtime/alarm/alarmJournal';
import { CommandError } from '../../../runtime/alarm/commandError';
import { OutputController } from '../../../runtime/alarm/outputController';
import { lineConfig } from '../../hal/gpio/fixtures/gpioFixtures';
import { memoryLogger } from '../../helpers/memoryLogger';

const T0 = Date.parse('2026-11-23T12:00:00Z');
const RULE: Cause = { actor: 'rules', reason: 'event ev-1: face_blacklisted on door' };
const HAND: Cause = { actor: 'api', reason: 'test' };

interface Row {
  state: string;
  actor: string;
  reason: string;
  at: number;
}

/** A controller on a real sim output, with its recorded audit rows; the clock is faked. */
async function controllerFor(section: Record<string, unknown>) {
  const config = lineConfig({ pin: 17, ...section });
  const line = (await createGpioLine({ name: 'siren', config })) as SimOutput;
  const rows: Row[] = [];
  const controller = new OutputController({
    line,
    config,
    logger: memoryLogger().logger,
    recorder: {
      recordOutput: async (_output, state, cause, at = Date.now()) => void rows.push({ state, ...cause, at }),
    },
  });
  /** The sim line's logical levels after the initial OFF, with ms since T0. */
  const levels = () =>
    line
      .history()
      .slice(1)
      .map((r) => [r.at - T0, r.value] as const);
  return { controller, line, rows, levels };
}

/** Lets queued line writes and audit promises settle without moving the fake clock. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

/** Moves the fake clock in 50 ms steps, letting writes settle in between so they record their own time. */
async function advance(ms: number): Promise<void> {
  for (let left = ms; left > 0; left -= 50) {
    mock.timers.tick(Math.min(50, left));
    await settle();
  }
}

describe('OutputController (fake clock)', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: T0 }));
  afterEach(() => mock.timers.reset());

  it('steady: a rule activation is on until max_on, then off, whatever else happens', async () => {
    const { controller, rows, levels } = await controllerFor({ max_on: 60 });
    const outcome = await controller.trigger(RULE, T0);
    assert.equal(outcome.result, 'started');
    assert.equal(controller.state().on, true);
    assert.equal(controller.state().active_until, T0 + 60_000);
    await advance(30_000);
    // A new reason to sound while on does not run it past max_on from when it began.
    assert.equal((await controller.trigger(RULE, Date.now())).result, 'already_on');
    await advance(29_999);
    assert.equal(controller.state().on, true);
    await advance(1);
    assert.equal(controller.state().on, false);
    assert.deepEqual(levels(), [
      [0, true],
      [60_000, false],
    ]);
    assert.deepEqual(
      rows.map((r) => [r.state, r.actor, r.at - T0]),
      [
        ['on', 'rules', 0],
        ['off', 'system', 60_000],
      ],
    );
    assert.match(rows[1]?.reason ?? '', /max_on of 60 s reached/);
    await controller.close();
  });

  it('pulse: on_ms on, off_ms off, repeated, and OFF at the end', async () => {
    const { controller, levels } = await controllerFor({
      pattern: 'pulse',
      on_ms: 300,
      off_ms: 200,
      max_on: 2,
    });
    await controller.trigger(RULE);
    await advance(2_000);
    assert.deepEqual(levels(), [
      [0, true],
      [300, false],
      [500, true],
      [800, false],
      [1000, true],
      [1300, false],
      [1500, true],
      [1800, false],
      [2000, false],
    ]);
    assert.equal(controller.state().active, false);
    await controller.close();
  });

  it('sequence: the custom on/off list, repeated; stopping while on records the end', async () => {
    const { controller, levels, rows } = await controllerFor({
      pattern: 'sequence',
      sequence: [100, 100, 100, 700],
    });
    await controller.trigger(RULE);
    await advance(1_250);
    assert.deepEqual(levels(), [
      [0, true],
      [100, false],
      [200, true],
      [300, false],
      [1000, true],
      [1100, false],
      [1200, true],
    ]);
    await controller.close();
    assert.equal(levels().at(-1)?.[1], false, 'close() leaves the line OFF');
    assert.deepEqual(
      rows.map((r) => [r.state, r.reason]),
      [
        ['on', RULE.reason],
        ['off', 'vigil stopping'],
      ],
    );
  });

  it('max_on cuts a manual switch-on without a duration, and a manual duration above max_on is refused', async () => {
    const { controller, rows } = await controllerFor({ max_on: 5 });
    await assert.rejects(controller.switchOn(HAND, 6_000), (err: unknown) => {
      assert.ok(err instanceof CommandError);
      assert.equal(err.field, 'duration_seconds');
      assert.match(err.message, /at most gpio\.siren\.max_on \(5\)/);
      return true;
    });
    await assert.rejects(controller.switchOn(HAND, -1), CommandError);
    assert.equal(controller.state().on, false, 'a refused command changed the output');
    assert.equal(rows.length, 0, 'a refused command was recorded as a change');
    await controller.switchOn(HAND);
    await advance(5_000);
    assert.equal(controller.state().on, false);
    assert.deepEqual(
      rows.map((r) => r.state),
      ['on', 'off'],
    );
    await controller.close();
  });

  it('a manual duration switches off when it ends', async () => {
    const { controller, levels, rows } = await controllerFor({ max_on: 60 });
    await controller.switchOn(HAND, 2_000);
    await advance(2_000);
    assert.deepEqual(levels(), [
      [0, true],
      [2_000, false],
    ]);
    assert.match(rows[1]?.reason ?? '', /requested duration elapsed/);
    await controller.close();
  });

  it('cooldown: rule activations are refused for cooldown_seconds after it switched off', async () => {
    const { controller, rows } = await controllerFor({ max_on: 10, cooldown_seconds: 30 });
    await controller.trigger(RULE);
    await advance(10_000);
    const refused = await controller.trigger(RULE);
    assert.equal(refused.result, 'cooling_down');
    assert.equal(controller.state().on, false);
    await advance(29_999);
    assert.equal((await controller.trigger(RULE)).result, 'cooling_down');
    await advance(1);
    assert.equal((await controller.trigger(RULE)).result, 'started');
    assert.deepEqual(
      rows.map((r) => r.state),
      ['on', 'off', 'suppressed', 'suppressed', 'on'],
    );
    await controller.close();
  });

  it('silence: switches off at once and holds against rule activations until it ends', async () => {
    const { controller, rows } = await controllerFor({ max_on: 600, silence_seconds: 120 });
    await controller.trigger(RULE);
    await advance(1_000);
    const until = await controller.silence(HAND);
    assert.equal(until, T0 + 1_000 + 120_000);
    assert.equal(controller.state().on, false);
    assert.equal(controller.state().silenced_until, until);
    await advance(60_000);
    assert.equal((await controller.trigger(RULE)).result, 'silenced');
    assert.equal(controller.state().on, false);
    await advance(60_000);
    assert.equal(controller.state().silenced_until, null);
    assert.equal((await controller.trigger(RULE)).result, 'started');
    assert.deepEqual(
      rows.map((r) => r.state),
      ['on', 'silenced', 'suppressed', 'on'],
    );
    assert.match(rows[2]?.reason ?? '', /silenced until .*: event ev-1/);
    await assert.rejects(controller.silence(HAND, 0), /more than 0/);
    await controller.close();
  });

  it('a manual switch-on lifts a silence', async () => {
    const { controller } = await controllerFor({});
    await controller.silence(HAND, 300);
    await controller.switchOn(HAND, 1_000);
    assert.equal(controller.state().on, true);
    assert.equal(controller.state().silenced_until, null);
    await controller.close();
  });

  it('refuses a stale command, e.g. redelivered after a restart long after its event', async () => {
    const { controller, rows } = await controllerFor({ max_on: 120 });
    const outcome = await controller.trigger(RULE, T0 - 121_000);
    assert.equal(outcome.result, 'stale');
    assert.equal(controller.state().on, false);
    assert.equal(rows[0]?.state, 'suppressed');
    await controller.close();
  });

  it('switchOff stops the pattern and says whether anything was on', async () => {
    const { controller, levels } = await controllerFor({ pattern: 'pulse', on_ms: 100, off_ms: 100 });
    assert.equal(await controller.switchOff(HAND), false);
    await controller.trigger(RULE);
    await advance(150);
    assert.equal(await controller.switchOff(HAND), true);
    await advance(1_000);
    assert.deepEqual(levels(), [
      [0, true],
      [100, false],
      [150, false],
    ]);
    await controller.close();
  });
});
