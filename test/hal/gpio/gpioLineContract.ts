import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGpioLine } from '../../../hal/gpio/createGpioLine';
import type { GpioLineConfig } from '../../../hal/gpio/gpioSchema';
import type { GpioInput, GpioLine, GpioLineOptions, GpioOutput } from '../../../hal/gpio/types';
import { eventually, lineConfig, TEST_GPIO_TIMING } from './fixtures/gpioFixtures';

type Level = 0 | 1;

/** What the shared suite needs to know about one driver. */
export interface GpioContractTarget {
  /** Shown in test names. */
  name: string;
  /** The driver part of a config section for `pin` (driver, chip or sysfs_root). */
  section(pin: number): Record<string, unknown>;
  /** Extra factory options (tool paths). */
  options?: Partial<GpioLineOptions>;
  /** The physical level an output drives now (undefined: never driven). */
  level(line: GpioOutput, config: GpioLineConfig): Level | undefined;
  /** Puts a physical level on an input's wire (before or after opening it). */
  drive(line: GpioInput | undefined, config: GpioLineConfig, level: Level): void | Promise<void>;
  /** Whether a level put on the wire before opening is read at open (sim inputs start inactive). */
  readsInitialLevel: boolean;
  /** Time for a freshly opened input to start watching (gpiomon's start-up). */
  inputSettleMs?: number;
}

/**
 * The behaviour every GPIO driver promises: outputs start and end OFF, `active_low` inverts
 * the physical level; inputs read logically, report debounced changes, ignore bounces.
 */
export function gpioLineContract(target: GpioContractTarget): void {
  let nextPin = 2;
  const opened: GpioLine[] = [];

  async function open<T extends GpioLine>(
    section: Record<string, unknown>,
    before?: (config: GpioLineConfig) => void | Promise<void>,
  ) {
    const pin = nextPin++;
    const config = lineConfig({ ...target.section(pin), pin, ...section });
    await before?.(config);
    const line = (await createGpioLine({
      name: `line${pin}`,
      config,
      timing: TEST_GPIO_TIMING,
      ...target.options,
    })) as T;
    opened.push(line);
    if (line.direction === 'input' && target.inputSettleMs) await sleep(target.inputSettleMs);
    return { line, config };
  }

  describe(`GPIO contract: ${target.name}`, () => {
    // Inside the suite, so lines close before file-level hooks remove temporary trees.
    after(async () => {
      await Promise.all(opened.map((line) => line.close()));
    });

    describe('outputs', () => {
      it('start OFF: low when active-high, state() false', async () => {
        const { line, config } = await open<GpioOutput>({ direction: 'output' });
        assert.equal(line.direction, 'output');
        assert.equal(line.state(), false);
        assert.equal(target.level(line, config), 0);
      });

      it('set(true)/set(false) drive the line high/low and state() follows', async () => {
        const { line, config } = await open<GpioOutput>({ direction: 'output' });
        await line.set(true);
        assert.equal(line.state(), true);
        assert.equal(target.level(line, config), 1);
        await line.set(false);
        assert.equal(line.state(), false);
        assert.equal(target.level(line, config), 0);
      });

      it('active_low inverts the physical level: OFF is high, ON is low', async () => {
        const { line, config } = await open<GpioOutput>({ direction: 'output', active_low: true });
        assert.equal(target.level(line, config), 1);
        await line.set(true);
        assert.equal(line.state(), true);
        assert.equal(target.level(line, config), 0);
        await line.close();
        assert.equal(target.level(line, config), 1, 'closed active-low output must be high (off)');
      });

      it('close() leaves the line OFF, is idempotent, and set() afterwards fails', async () => {
        const { line, config } = await open<GpioOutput>({ direction: 'output' });
        await line.set(true);
        await Promise.all([line.close(), line.close()]);
        assert.equal(target.level(line, config), 0);
        assert.equal(line.state(), false);
        await assert.rejects(line.set(true), /after close/);
      });

      it('applies concurrent set() calls in call order', async () => {
        const { line, config } = await open<GpioOutput>({ direction: 'output' });
        await Promise.all([line.set(true), line.set(false), line.set(true)]);
        assert.equal(line.state(), true);
        assert.equal(target.level(line, config), 1);
      });
    });

    describe('inputs', () => {
      if (target.readsInitialLevel) {
        it('read the level present at open, logically (active_low inverts)', async () => {
          const high = await open<GpioInput>({ direction: 'input' }, (c) => target.drive(undefined, c, 1));
          assert.equal(high.line.direction, 'input');
          assert.equal(high.line.value(), true);
          const inverted = await open<GpioInput>({ direction: 'input', active_low: true }, (c) =>
            target.drive(undefined, c, 1),
          );
          assert.equal(inverted.line.value(), false);
        });
      }

      it('report a change held longer than debounce_ms, with when it began', async () => {
        const { line, config } = await open<GpioInput>({ direction: 'input', debounce_ms: 30 });
        assert.equal(line.value(), false);
        const seen: Array<[boolean, number]> = [];
        line.onChange((value, at) => seen.push([value, at]));
        const before = Date.now();
        await target.drive(line, config, 1);
        await eventually('the rising change', () => seen.length === 1);
        assert.equal(seen[0]?.[0], true);
        assert.ok((seen[0]?.[1] ?? 0) >= before - 5, 'at is when the change began');
        assert.equal(line.value(), true);
        await target.drive(line, config, 0);
        await eventually('the falling change', () => seen.length === 2);
        assert.equal(seen[1]?.[0], false);
        assert.equal(line.value(), false);
      });

      it('active_low inputs report a low wire as true', async () => {
        const { line, config } = await open<GpioInput>(
          { direction: 'input', active_low: true, debounce_ms: 0 },
          (c) => target.drive(undefined, c, 1),
        );
        const seen: boolean[] = [];
        line.onChange((value) => seen.push(value));
        await target.drive(line, config, 0);
        await eventually('the change to active', () => seen.length === 1);
        assert.deepEqual(seen, [true]);
        assert.equal(line.value(), true);
      });

      it('ignore bounces shorter than debounce_ms and report the settled value once', async () => {
        const { line, config } = await open<GpioInput>({ direction: 'input', debounce_ms: 200 });
        const seen: boolean[] = [];
        const unsubscribe = line.onChange((value) => seen.push(value));
        // A contact bouncing every 40 ms, ending where it started: nothing to report.
        for (const level of [1, 0, 1, 0, 1, 0] as const) {
          await target.drive(line, config, level);
          await sleep(40);
        }
        await sleep(300);
        assert.deepEqual(seen, [], 'bounces must not be reported');
        assert.equal(line.value(), false);
        // Bouncing then settling high: one change.
        for (const level of [1, 0, 1, 0, 1] as const) {
          await target.drive(line, config, level);
          await sleep(40);
        }
        await eventually('the settled change', () => seen.length === 1);
        await sleep(250);
        assert.deepEqual(seen, [true]);
        unsubscribe();
        await target.drive(line, config, 0);
        await sleep(300);
        assert.deepEqual(seen, [true], 'no calls after unsubscribe');
      });

      it('close() stops reporting', async () => {
        const { line, config } = await open<GpioInput>({ direction: 'input', debounce_ms: 0 });
        const seen: boolean[] = [];
        line.onChange((value) => seen.push(value));
        await line.close();
        await target.drive(line, config, 1);
        await sleep(100);
        assert.deepEqual(seen, []);
      });
    });
  });
}
