import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createSimInput,
  createSimOutput,
  type SimInput,
  type SimOutput,
} from '../../../hal/gpio/sim/simLine';
import { lineConfig } from './fixtures/gpioFixtures';
import { gpioLineContract } from './gpioLineContract';

gpioLineContract({
  name: 'sim',
  section: () => ({ driver: 'sim' }),
  level: (line) => (line as SimOutput).history().at(-1)?.level,
  drive: (line, config, level) =>
    (line as SimInput | undefined)?.simulate((level === 1) !== config.active_low),
  readsInitialLevel: false,
});

describe('sim driver extras', () => {
  it('history() records every level applied with a timestamp, the initial OFF first', async () => {
    const before = Date.now();
    const line = await createSimOutput({ name: 'siren', config: lineConfig({ pin: 17, active_low: true }) });
    await line.set(true);
    await line.close();
    const history = line.history();
    assert.deepEqual(
      history.map((r) => [r.value, r.level]),
      [
        [false, 1],
        [true, 0],
        [false, 1],
      ],
    );
    assert.ok(history.every((r) => r.at >= before && r.at <= Date.now()));
  });

  it('simulate() is recorded raw, before debouncing', async () => {
    const line = await createSimInput({
      name: 'pir',
      config: lineConfig({ pin: 4, direction: 'input', debounce_ms: 1_000 }),
    });
    line.simulate(true);
    line.simulate(false);
    assert.deepEqual(
      line.history().map((r) => r.value),
      [true, false],
    );
    assert.equal(line.value(), false);
    await line.close();
  });
});
