import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { forceOutputsOff } from '../../../hal/gpio/forceOff';
import { gpioCommand } from '../../../runtime/cli/gpioCommand';
import { tempDir } from '../../helpers/tempDir';
import {
  fakeGpiodTools,
  fakeLevel,
  lineConfig,
  setFakeLevel,
  sysfsPin,
  sysfsRead,
  sysfsTree,
  TEST_GPIO_TIMING,
} from './fixtures/gpioFixtures';

describe('forceOutputsOff (ExecStopPost after a crash)', () => {
  it('drives every output OFF (sysfs and gpiod), leaves inputs alone, reports each line', async () => {
    const dir = tempDir('vigil-gpio-forceoff-');
    const root = sysfsTree(join(dir, 'gpio'));
    // A "crashed" daemon left the siren ON (high) and the active-low relay ON (low).
    const siren = sysfsPin(root, 17, 1);
    writeFileSync(join(siren, 'direction'), 'out\n');
    const relay = sysfsPin(root, 27, 0);
    writeFileSync(join(relay, 'direction'), 'out\n');
    sysfsPin(root, 4, 1);
    const state = join(dir, 'state');
    const tools = fakeGpiodTools(state, 2);
    setFakeLevel(state, 'gpiochip0', 22, 1);
    const results = await forceOutputsOff(
      {
        siren: lineConfig({ driver: 'sysfs', sysfs_root: root, pin: 17 }),
        relay: lineConfig({ driver: 'sysfs', sysfs_root: root, pin: 27, active_low: true }),
        pir: lineConfig({ driver: 'sysfs', sysfs_root: root, pin: 4, direction: 'input' }),
        strobe: lineConfig({ driver: 'gpiod', pin: 22 }),
        demo: lineConfig({ driver: 'sim', pin: 5 }),
      },
      { tools, timing: TEST_GPIO_TIMING },
    );
    assert.equal(sysfsRead(root, 17, 'value'), '0');
    assert.equal(sysfsRead(root, 17, 'direction'), 'low');
    assert.equal(sysfsRead(root, 27, 'value'), '1');
    assert.equal(sysfsRead(root, 27, 'direction'), 'high');
    assert.equal(sysfsRead(root, 4, 'value'), '1', 'inputs untouched');
    assert.equal(sysfsRead(root, 4, 'direction'), 'in');
    assert.equal(fakeLevel(state, 'gpiochip0', 22), 0);
    assert.deepEqual(results.map((r) => [r.name, r.ok, r.level]).sort(), [
      ['demo', true, 0],
      ['relay', true, 1],
      ['siren', true, 0],
      ['strobe', true, 0],
    ]);
  });

  it('tries every line when one fails', async () => {
    const root = sysfsTree(join(tempDir('vigil-gpio-forceoff2-'), 'gpio'), [6]);
    const results = await forceOutputsOff(
      {
        broken: lineConfig({ driver: 'sysfs', sysfs_root: join(root, 'missing'), pin: 5 }),
        good: lineConfig({ driver: 'sysfs', sysfs_root: root, pin: 6 }),
      },
      { timing: { exportWaitMs: 50 } },
    );
    const byName = Object.fromEntries(results.map((r) => [r.name, r]));
    assert.equal(byName.broken?.ok, false);
    assert.match(byName.broken?.error ?? '', /ENOENT/);
    assert.equal(byName.good?.ok, true);
    assert.equal(sysfsRead(root, 6, 'value'), '0');
  });

  it('reports a line of a driver it does not know as failed, never as silently off', async () => {
    const unknown = { ...lineConfig({ pin: 9 }), driver: 'gpiochip-x' } as unknown as ReturnType<
      typeof lineConfig
    >;
    const [result] = await forceOutputsOff({ mystery: unknown });
    assert.equal(result?.ok, false);
    assert.match(result?.error ?? '', /unknown driver 'gpiochip-x'.*valid drivers: gpiod, sysfs, sim/);
  });

  it('`vigil gpio off --config FILE` loads the config and exits 0 when all are off', async () => {
    const dir = tempDir('vigil-gpio-cli-');
    const root = sysfsTree(join(dir, 'gpio'), [17]);
    writeFileSync(join(root, 'gpio17', 'value'), '1\n');
    const file = join(dir, 'config.yaml');
    writeFileSync(file, `gpio:\n  siren: { driver: sysfs, sysfs_root: ${root}, pin: 17 }\n`);
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) };
    assert.equal(await gpioCommand(['off', '--config', file], {}, io), 0, err.join(''));
    assert.equal(sysfsRead(root, 17, 'value'), '0');
    assert.match(out.join(''), /gpio\.siren: off \(sysfs, level 0\)/);
    assert.equal(await gpioCommand(['on'], {}, io), 2);
    assert.match(err.join(''), /usage: vigil gpio off/);
  });
});
