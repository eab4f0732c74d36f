import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DAEMON_NODE_OPTIONS } from '../../build';
import packageJson from '../../package.json' with { type: 'json' };
import { loadConfig } from '../../runtime/config/index';
import { sysfsPin, sysfsRead, sysfsTree } from '../hal/gpio/fixtures/gpioFixtures';
import { tempDir } from '../helpers/tempDir';
import { VIGIL_BUNDLE } from '../helpers/vigilProcess';
import { execArgv, OVERLAY_DIR, readUnit, UNITS_DIR, unitNames, unitValue } from './unitFile';

/** Where the image puts what the units run; the test maps these to the files built here. */
const IMAGE_NODE = '/usr/bin/node';
const IMAGE_BUNDLE = '/opt/vigil/vigil.mjs';
const IMAGE_CONFIG = '/etc/vigil/config.yaml';

/** The host's own unit directory: the targets and services our units order themselves against. */
function hostUnitDir(): string {
  const dir = ['/usr/lib/systemd/system', '/lib/systemd/system'].find((d) => existsSync(d));
  if (!dir) throw new Error('no systemd unit directory on this machine (Debian package: systemd)');
  return dir;
}

/**
 * A scratch root laid out like the image for what `systemd-analyze verify --root` checks: the
 * unit files in /etc/systemd/system, the overlay (first-boot scripts) as the image has it, the
 * bundle at /opt/vigil, and /usr/bin/node running this machine's node. verify checks that
 * every Exec*= program exists and is executable inside that root.
 */
function imageLikeRoot(): string {
  const root = tempDir('vigil-units-root-');
  cpSync(OVERLAY_DIR, root, { recursive: true });
  mkdirSync(join(root, 'etc/systemd/system'), { recursive: true });
  for (const name of unitNames()) cpSync(join(UNITS_DIR, name), join(root, 'etc/systemd/system', name));
  // A copy, with its absolute symlinks kept: they resolve inside the root through /lib -> usr/lib.
  cpSync(hostUnitDir(), join(root, 'usr/lib/systemd/system'), { recursive: true, verbatimSymlinks: true });
  symlinkSync('usr/lib', join(root, 'lib'));
  mkdirSync(join(root, 'usr/bin'), { recursive: true });
  writeFileSync(join(root, 'usr/bin/node'), `#!/bin/sh\nexec '${process.execPath}' "$@"\n`);
  chmodSync(join(root, 'usr/bin/node'), 0o755);
  mkdirSync(join(root, 'opt/vigil'), { recursive: true });
  symlinkSync(VIGIL_BUNDLE, join(root, 'opt/vigil/vigil.mjs'));
  return root;
}

/** Replaces the image's paths in an argv by the ones of this checkout. */
function mapToCheckout(argv: string[], config: string): string[] {
  const mapped: Record<string, string> = {
    [IMAGE_NODE]: process.execPath,
    [IMAGE_BUNDLE]: VIGIL_BUNDLE,
    [IMAGE_CONFIG]: config,
  };
  return argv.map((word) => mapped[word] ?? word);
}

describe('systemd units', () => {
  it('systemd-analyze verify passes for every unit, without a single warning', () => {
    const root = imageLikeRoot();
    const names = unitNames();
    assert.ok(names.includes('vigil.service') && names.includes('vigil-firstboot.service'));
    assert.ok(names.includes('vigil-central.service') && names.includes('var-lib-vigil-ring.mount'));
    for (const name of names) {
      const result = spawnSync(
        'systemd-analyze',
        ['verify', `--root=${root}`, '--man=no', join(root, 'etc/systemd/system', name)],
        { encoding: 'utf8', env: { ...process.env, SYSTEMD_LOG_COLOR: '0' } },
      );
      assert.equal(result.error, undefined, `systemd-analyze could not run: ${result.error}`);
      assert.equal(result.status, 0, `${name}:\n${result.stderr}${result.stdout}`);
      assert.equal(`${result.stderr}${result.stdout}`.trim(), '', `${name} has warnings`);
    }
  });

  it("vigil.service's ExecStopPost forces GPIO outputs off on the sysfs tree", () => {
    const unit = readUnit('vigil.service');
    const stopPost = unit.get('Service')?.get('ExecStopPost') ?? [];
    assert.equal(stopPost.length, 1, 'one ExecStopPost= command');
    const argv = execArgv(stopPost[0] ?? '');
    assert.equal(argv[0], IMAGE_NODE);
    assert.ok(argv.includes(IMAGE_CONFIG), 'it reads the appliance config');

    // A daemon that died with the siren ON (high) and an active-low relay ON (low).
    const dir = tempDir('vigil-stoppost-');
    const sysfs = sysfsTree(join(dir, 'gpio'));
    writeFileSync(join(sysfsPin(sysfs, 17, 1), 'direction'), 'out\n');
    writeFileSync(join(sysfsPin(sysfs, 27, 0), 'direction'), 'out\n');
    sysfsPin(sysfs, 4, 1);
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      [
        'gpio:',
        `  siren: { driver: sysfs, sysfs_root: ${sysfs}, pin: 17 }`,
        `  relay: { driver: sysfs, sysfs_root: ${sysfs}, pin: 27, active_low: true }`,
        `  pir: { driver: sysfs, sysfs_root: ${sysfs}, pin: 4, direction: input, sensor: motion }`,
        '',
      ].join('\n'),
    );
    const [program, ...args] = mapToCheckout(argv, config);
    const result = spawnSync(program ?? '', args, { encoding: 'utf8', timeout: 30_000 });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(sysfsRead(sysfs, 17, 'value'), '0', 'siren off');
    assert.equal(sysfsRead(sysfs, 17, 'direction'), 'low');
    assert.equal(sysfsRead(sysfs, 27, 'value'), '1', 'active-low relay off = high');
    assert.equal(sysfsRead(sysfs, 4, 'direction'), 'in', 'inputs untouched');
    assert.match(result.stdout, /gpio\.siren: off \(sysfs, level 0\)/);
    assert.match(result.stdout, /gpio\.relay: off \(sysfs, level 1\)/);
  });

  it('vigil.service runs as vigil with the groups the udev rules give devices to, hardened', () => {
    const service = readUnit('vigil.service');
    const value = (key: string) => unitValue(service, 'Service', key);
    assert.equal(value('Type'), 'notify');
    assert.equal(value('Restart'), 'always');
    assert.ok(Number(value('WatchdogSec')) > 0);
    assert.equal(value('User'), 'vigil');
    assert.equal(value('ProtectSystem'), 'strict');
    assert.equal(value('CapabilityBoundingSet'), '');
    // Devices stay reachable: no private /dev, no device allow-list (ProtectClock= implies one).
    assert.equal(value('PrivateDevices'), undefined);
    assert.equal(value('DevicePolicy'), undefined);
    assert.equal(value('DeviceAllow'), undefined);
    assert.equal(value('ProtectClock'), undefined);
    const groups = (value('SupplementaryGroups') ?? '').split(/\s+/);
    assert.deepEqual(groups.sort(), ['gpio', 'video']);
    const rules = readFileSync(join(OVERLAY_DIR, 'etc/udev/rules.d/60-vigil.rules'), 'utf8');
    for (const group of groups) assert.match(rules, new RegExp(`GROUP="${group}"`));
    const sysusers = readFileSync(join(OVERLAY_DIR, 'usr/lib/sysusers.d/vigil.conf'), 'utf8');
    assert.match(sysusers, /^u vigil\b/m);
    assert.match(sysusers, /^g gpio\b/m);
    for (const group of groups) assert.match(sysusers, new RegExp(`^m vigil\\s+${group}$`, 'm'));
  });

  it('the ring tmpfs is mounted where the appliance config puts the recording ring', () => {
    const loaded = loadConfig({ file: join(OVERLAY_DIR, 'etc/vigil/config.yaml'), env: {} });
    assert.ok(loaded.ok);
    const ring = join(loaded.config.data_dir, loaded.config.storage.ring_dir);
    const mount = readUnit('var-lib-vigil-ring.mount');
    assert.equal(unitValue(mount, 'Mount', 'Where'), ring);
    assert.equal(unitValue(mount, 'Mount', 'Type'), 'tmpfs');
    // systemd's name for a mount unit is its escaped path.
    const escaped = spawnSync('systemd-escape', ['--path', '--suffix=mount', ring], { encoding: 'utf8' });
    assert.equal(escaped.stdout.trim(), 'var-lib-vigil-ring.mount');
    assert.match(
      unitValue(readUnit('vigil.service'), 'Unit', 'RequiresMountsFor') ?? '',
      /\/var\/lib\/vigil\/ring/,
    );
  });

  it('the daemon runs with the node options build.ts names, from the unit and from npm start', () => {
    const start = execArgv(unitValue(readUnit('vigil.service'), 'Service', 'ExecStart') ?? '');
    assert.deepEqual(start.slice(0, DAEMON_NODE_OPTIONS.length + 2), [
      IMAGE_NODE,
      ...DAEMON_NODE_OPTIONS,
      IMAGE_BUNDLE,
    ]);
    const npmStart = packageJson.scripts.start.split(' && ').at(-1) ?? '';
    assert.equal(npmStart, ['node', ...DAEMON_NODE_OPTIONS, 'dist/vigil.mjs', 'run'].join(' '));
  });

  it('the first-boot unit runs once, before vigil, and shows its output on the console', () => {
    const unit = readUnit('vigil-firstboot.service');
    assert.equal(unitValue(unit, 'Unit', 'ConditionPathExists'), '!/var/lib/vigil/.firstboot-done');
    assert.match(unitValue(unit, 'Unit', 'Before') ?? '', /\bvigil\.service\b/);
    assert.equal(unitValue(unit, 'Service', 'StandardOutput'), 'journal+console');
    assert.equal(unitValue(unit, 'Service', 'User'), 'vigil');
    const start = execArgv(unitValue(unit, 'Service', 'ExecStart') ?? '');
    assert.deepEqual(start.slice(1), [IMAGE_BUNDLE, 'admin-password', '--config', IMAGE_CONFIG]);
    const done = execArgv(unitValue(unit, 'Service', 'ExecStartPost') ?? '');
    assert.equal(done.at(-1), '/var/lib/vigil/.firstboot-done');
  });
});
