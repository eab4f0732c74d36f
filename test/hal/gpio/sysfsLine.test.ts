import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGpioLine } from '../../../hal/gpio/createGpioLine';
import { tempDir } from '../../helpers/tempDir';
import {
  eventually,
  lineConfig,
  sysfsPin,
  sysfsRead,
  sysfsTree,
  TEST_GPIO_TIMING,
} from './fixtures/gpioFixtures';
import { gpioLineContract } from './gpioLineContract';

const root = sysfsTree(join(tempDir('vigil-gpio-sysfs-'), 'gpio'));

gpioLineContract({
  name: 'sysfs (temporary tree)',
  section: (pin) => {
    sysfsPin(root, pin, 0);
    return { driver: 'sysfs', sysfs_root: root };
  },
  level: (_line, config) => {
    const text = sysfsRead(root, config.pin, 'value');
    return text === '1' ? 1 : 0;
  },
  drive: (_line, config, level) => writeFileSync(join(root, `gpio${config.pin}`, 'value'), `${level}\n`),
  readsInitialLevel: true,
});

describe('sysfs driver specifics', () => {
  it('exports a missing pin and waits for gpioN/ to appear', async () => {
    const tree = sysfsTree(join(tempDir('vigil-gpio-export-'), 'gpio'));
    const opening = createGpioLine({
      name: 'siren',
      config: lineConfig({ driver: 'sysfs', sysfs_root: tree, pin: 17 }),
      timing: TEST_GPIO_TIMING,
    });
    // Play the kernel: the directory appears some time after `export` is written.
    await eventually('the export write', () => sysfsReadExport(tree) === '17');
    await sleep(50);
    sysfsPin(tree, 17, 0);
    const line = await opening;
    assert.equal(sysfsRead(tree, 17, 'direction'), 'low', 'output with an initial low level, no glitch');
    await line.close();
  });

  it('fails clearly when the pin never appears', async () => {
    const tree = sysfsTree(join(tempDir('vigil-gpio-noexport-'), 'gpio'));
    await assert.rejects(
      createGpioLine({
        name: 'siren',
        config: lineConfig({ driver: 'sysfs', sysfs_root: tree, pin: 5 }),
        timing: { ...TEST_GPIO_TIMING, exportWaitMs: 100 },
      }),
      /gpio5 did not appear within 100 ms/,
    );
  });

  it('an active-low output starts as "high" and resets the kernel active_low to 0', async () => {
    const tree = sysfsTree(join(tempDir('vigil-gpio-al-'), 'gpio'), [9]);
    writeFileSync(join(tree, 'gpio9', 'active_low'), '1\n');
    const line = await createGpioLine({
      name: 'relay',
      config: lineConfig({ driver: 'sysfs', sysfs_root: tree, pin: 9, active_low: true }),
      timing: TEST_GPIO_TIMING,
    });
    assert.equal(sysfsRead(tree, 9, 'direction'), 'high');
    assert.equal(sysfsRead(tree, 9, 'active_low'), '0');
    await line.close();
  });

  it('an input sets direction "in"', async () => {
    const tree = sysfsTree(join(tempDir('vigil-gpio-in-'), 'gpio'), [4]);
    writeFileSync(join(tree, 'gpio4', 'direction'), 'out\n');
    const line = await createGpioLine({
      name: 'pir',
      config: lineConfig({ driver: 'sysfs', sysfs_root: tree, pin: 4, direction: 'input' }),
      timing: TEST_GPIO_TIMING,
    });
    assert.equal(sysfsRead(tree, 4, 'direction'), 'in');
    await line.close();
  });
});

function sysfsReadExport(tree: string): string {
  try {
    return readFileSync(join(tree, 'export'), 'utf8').trim();
  } catch {
    return '';
  }
}
