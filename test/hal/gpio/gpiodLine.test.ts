import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createGpioLine } from '../../../hal/gpio/createGpioLine';
import {
  gpiogetArgs,
  gpiomonArgs,
  gpiosetArgs,
  parseGpiodMajor,
  parseGpiogetOutput,
  parseGpiomonLine,
} from '../../../hal/gpio/gpiod/gpiodArgs';
import type { GpioOutput } from '../../../hal/gpio/types';
import { memoryLogger } from '../../helpers/memoryLogger';
import { tempDir } from '../../helpers/tempDir';
import {
  eventually,
  fakeGpiodTools,
  fakeLevel,
  lineConfig,
  setFakeLevel,
  TEST_GPIO_TIMING,
} from './fixtures/gpioFixtures';
import { gpioLineContract } from './gpioLineContract';

for (const major of [2, 1] as const) {
  const state = join(tempDir(`vigil-gpio-gpiod${major}-`), 'state');
  const tools = fakeGpiodTools(state, major);
  gpioLineContract({
    name: `gpiod (libgpiod v${major} tool stand-ins)`,
    section: () => ({ driver: 'gpiod', chip: 'gpiochip0' }),
    options: { tools },
    level: (_line, config) => fakeLevel(state, config.chip, config.pin),
    drive: (_line, config, level) => setFakeLevel(state, config.chip, config.pin, level),
    readsInitialLevel: true,
    inputSettleMs: 150,
  });
}

describe('gpiod command lines and output parsing', () => {
  const line = { chip: 'gpiochip4', pin: 17 };

  it('builds v2 and v1 gpioset/gpioget/gpiomon arguments', () => {
    assert.deepEqual(gpiosetArgs(2, line, 1, true), ['--chip', 'gpiochip4', '17=1']);
    assert.deepEqual(gpiosetArgs(2, line, 0, false), ['-t0', '--chip', 'gpiochip4', '17=0']);
    assert.deepEqual(gpiosetArgs(1, line, 1, true), ['--mode=signal', 'gpiochip4', '17=1']);
    assert.deepEqual(gpiosetArgs(1, line, 0, false), ['gpiochip4', '17=0']);
    assert.deepEqual(gpiogetArgs(2, line, 'pull-down'), ['--bias', 'pull-down', '--chip', 'gpiochip4', '17']);
    assert.deepEqual(gpiogetArgs(1, line), ['gpiochip4', '17']);
    assert.deepEqual(gpiomonArgs(2, line, 'pull-up'), [
      '--bias',
      'pull-up',
      '--edges',
      'both',
      '--chip',
      'gpiochip4',
      '17',
    ]);
    assert.deepEqual(gpiomonArgs(1, line, 'pull-up'), ['--bias=pull-up', 'gpiochip4', '17']);
  });

  it('parses tool output of both versions', () => {
    assert.equal(parseGpiomonLine('10002.907638045\trising\t"GPIO17"'), 1);
    assert.equal(parseGpiomonLine('10002.907638045\tfalling\tgpiochip0 17'), 0);
    assert.equal(parseGpiomonLine('event: FALLING EDGE offset: 17 timestamp: [1.000000000]'), 0);
    assert.equal(parseGpiomonLine('event:  RISING EDGE offset: 17 timestamp: [1.000000000]'), 1);
    assert.equal(parseGpiomonLine('something else'), undefined);
    assert.equal(parseGpiogetOutput('"17"=active\n'), 1);
    assert.equal(parseGpiogetOutput('17=inactive\n'), 0);
    assert.equal(parseGpiogetOutput('1\n'), 1);
    assert.equal(parseGpiogetOutput('0\n'), 0);
    assert.equal(parseGpiogetOutput('error'), undefined);
    assert.equal(parseGpiodMajor('gpioset (libgpiod) v2.1.3\nCopyright ...'), 2);
    assert.equal(parseGpiodMajor('gpioset (libgpiod) v1.6.3'), 1);
  });
});

describe('gpiod driver specifics', () => {
  const state = join(tempDir('vigil-gpio-gpiod-x-'), 'state');
  const tools = fakeGpiodTools(state, 2);

  it('holds an output with a long-running gpioset and passes the bias to gpiomon', async () => {
    const output = (await createGpioLine({
      name: 'siren',
      config: lineConfig({ driver: 'gpiod', chip: 'gpiochip4', pin: 17 }),
      tools,
      timing: TEST_GPIO_TIMING,
    })) as GpioOutput;
    await output.set(true);
    assert.equal(fakeLevel(state, 'gpiochip4', 17), 1);
    await output.close();
    assert.equal(fakeLevel(state, 'gpiochip4', 17), 0);
    const input = await createGpioLine({
      name: 'pir',
      config: lineConfig({ driver: 'gpiod', pin: 4, direction: 'input', bias: 'pull-down' }),
      tools,
      timing: TEST_GPIO_TIMING,
    });
    await eventually('gpiomon to start', () =>
      readFileSync(join(state, 'gpiomon.args'), 'utf8').includes('--chip'),
    );
    assert.match(
      readFileSync(join(state, 'gpiomon.args'), 'utf8'),
      /--bias pull-down --edges both --chip gpiochip0 4/,
    );
    await input.close();
  });

  it('fails to open when gpioset cannot hold the line, with its message', async () => {
    await assert.rejects(
      createGpioLine({
        name: 'siren',
        config: lineConfig({ driver: 'gpiod', chip: 'gpiochip99', pin: 3 }),
        tools,
        timing: TEST_GPIO_TIMING,
      }),
      /did not hold the line: gpioset: unable to open chip 'gpiochip99'/,
    );
  });

  it('names the missing package when the tools are absent', async () => {
    await assert.rejects(
      createGpioLine({
        name: 'siren',
        config: lineConfig({ driver: 'gpiod', pin: 3 }),
        tools: { gpioset: join(state, 'no-such-gpioset') },
      }),
      /not found: install Debian's 'gpiod' package/,
    );
  });

  it('restarts gpiomon when it dies and catches up with the line', async () => {
    const { logger, lines } = memoryLogger();
    const input = await createGpioLine({
      name: 'door',
      config: lineConfig({ driver: 'gpiod', pin: 8, direction: 'input', debounce_ms: 0 }),
      tools,
      logger,
      timing: TEST_GPIO_TIMING,
    });
    assert.equal(input.direction, 'input');
    if (input.direction !== 'input') return;
    const seen: boolean[] = [];
    input.onChange((value) => seen.push(value));
    await eventually('gpiomon to start', () =>
      readFileSync(join(state, 'gpiomon.args'), 'utf8').includes(' 8'),
    );
    // Kill our gpiomon for pin 8 (by pid, a child of this process) as if it crashed; change the line meanwhile.
    const pids = ownChildren().filter(
      (pid) => cmdline(pid).includes('gpiomon') && cmdline(pid).endsWith('gpiochip0 8'),
    );
    assert.equal(pids.length, 1);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    setFakeLevel(state, 'gpiochip0', 8, 1);
    await eventually('the change seen after the restart', () => seen.length === 1);
    assert.deepEqual(seen, [true]);
    assert.ok(lines.some((l) => l.msg === 'gpiomon exited; restarting'));
    await input.close();
  });
});

/** Pids of this process's direct children (from /proc). */
function ownChildren(): number[] {
  const tasks = readdirSync(`/proc/${process.pid}/task`);
  return tasks.flatMap((task) =>
    readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
  );
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}
