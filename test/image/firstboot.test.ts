import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../runtime/config/index';
import { tempDir } from '../helpers/tempDir';
import { OVERLAY_DIR } from './unitFile';

const FIRSTBOOT = join(OVERLAY_DIR, 'usr/lib/vigil/vigil-firstboot');

/** A scratch root with what the script reads and writes on the device. */
function deviceRoot(options: { serial?: string; machineId: string }): { root: string; config: string } {
  const root = tempDir('vigil-firstboot-');
  mkdirSync(join(root, 'etc/vigil'), { recursive: true });
  mkdirSync(join(root, 'proc/sys/kernel'), { recursive: true });
  writeFileSync(join(root, 'etc/machine-id'), `${options.machineId}\n`);
  writeFileSync(join(root, 'etc/hostname'), 'vigil\n');
  writeFileSync(join(root, 'etc/hosts'), '127.0.0.1\tlocalhost\n127.0.1.1\tvigil\n');
  writeFileSync(join(root, 'proc/sys/kernel/hostname'), 'vigil\n');
  if (options.serial !== undefined) {
    mkdirSync(join(root, 'sys/firmware/devicetree/base'), { recursive: true });
    // The device tree property is NUL-terminated.
    writeFileSync(join(root, 'sys/firmware/devicetree/base/serial-number'), `${options.serial}\0`);
  }
  const config = join(root, 'etc/vigil/config.yaml');
  cpSync(join(OVERLAY_DIR, 'etc/vigil/config.yaml'), config);
  return { root, config };
}

function identity(root: string, config: string): string {
  const result = spawnSync('sh', [FIRSTBOOT, 'identity', config], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, VIGIL_FIRSTBOOT_ROOT: root },
  });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

function deviceId(config: string): string {
  const loaded = loadConfig({ file: config, env: {} });
  assert.ok(loaded.ok, 'the edited config still validates');
  return loaded.config.device.id;
}

describe('vigil-firstboot identity', () => {
  it("names the device after the Pi's serial number and keeps every comment of the config", () => {
    const { root, config } = deviceRoot({ serial: '10000000C0FFEE42', machineId: 'a'.repeat(32) });
    const before = readFileSync(config, 'utf8');
    const out = identity(root, config);
    assert.equal(deviceId(config), 'vigil-ffee42');
    assert.match(out, /device id vigil-ffee42/);
    const after = readFileSync(config, 'utf8');
    assert.equal(after, before.replace(/^ {2}id: vigil$/m, '  id: vigil-ffee42'), 'only device.id changed');
    assert.equal(readFileSync(join(root, 'etc/hostname'), 'utf8'), 'vigil-ffee42\n');
    assert.equal(readFileSync(join(root, 'proc/sys/kernel/hostname'), 'utf8'), 'vigil-ffee42\n');
    assert.match(readFileSync(join(root, 'etc/hosts'), 'utf8'), /^127\.0\.1\.1\tvigil-ffee42$/m);
    assert.doesNotMatch(readFileSync(join(root, 'etc/hosts'), 'utf8'), /\tvigil$/m);
  });

  it('falls back to the machine id without a board serial (QEMU, other boards)', () => {
    const { root, config } = deviceRoot({ machineId: '0123456789abcdef0123456789abcdef' });
    identity(root, config);
    assert.equal(deviceId(config), 'vigil-abcdef');
  });

  it('keeps a device id the user set before the first boot, and runs again without change', () => {
    const { root, config } = deviceRoot({ serial: '100000001234abcd', machineId: 'b'.repeat(32) });
    writeFileSync(config, readFileSync(config, 'utf8').replace(/^ {2}id: vigil$/m, '  id: porch_pi'));
    const out = identity(root, config);
    assert.equal(deviceId(config), 'porch_pi');
    assert.match(out, /porch_pi \(set in .*, kept\)/);
    assert.equal(
      readFileSync(join(root, 'etc/hostname'), 'utf8'),
      'porch-pi\n',
      '"_" is not valid in host names',
    );
    const text = readFileSync(config, 'utf8');
    identity(root, config);
    assert.equal(readFileSync(config, 'utf8'), text);
    assert.equal(readFileSync(join(root, 'etc/hosts'), 'utf8').match(/127\.0\.1\.1/g)?.length, 1);
  });
});
