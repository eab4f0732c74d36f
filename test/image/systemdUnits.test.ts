import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { DAEMON_ENV, DAEMON_NODE_OPTIONS } from '../../build';
import packageJson from '../../package.json' with { type: 'json' };
import { loadConfig } from '../../runtime/config/index';
import { sysfsPin, sysfsRead, sysfsTree } from '../hal/gpio/fixtures/gpioFixtures';
import { tempDir } from '../helpers/tempDir';
import { VIGIL_BUNDLE } from '../helpers/vigilProcess';
import { execArgv, OVERLAY_DIR, REPO, readUnit, UNITS_DIR, unitNames, unitValue } from './unitFile';

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
    const values = (key: string) => service.get('Service')?.get(key) ?? [];
    assert.equal(value('Type'), 'notify');
    assert.equal(value('Restart'), 'always');
    assert.ok(Number(value('WatchdogSec')) > 0);
    assert.equal(value('User'), 'vigil');
    assert.equal(value('ProtectSystem'), 'strict');
    assert.equal(value('CapabilityBoundingSet'), '');
    // /dev stays the host's, but only the device classes the hardware needs can be opened.
    assert.equal(value('PrivateDevices'), undefined);
    assert.equal(value('DevicePolicy'), 'closed');
    const classes = values('DeviceAllow').map((entry) => entry.split(/\s+/)[0]);
    assert.deepEqual(classes.sort(), [
      'char-apex',
      'char-dma_heap',
      'char-gpiochip',
      'char-hailo',
      'char-media',
      'char-usb_device',
      'char-video4linux',
    ]);
    // The legacy sysfs GPIO driver writes export and the line's files despite ProtectKernelTunables=.
    assert.equal(value('ProtectKernelTunables'), 'yes');
    const writable = values('ReadWritePaths').flatMap((entry) => entry.split(/\s+/));
    for (const path of ['/var/lib/vigil', '-/sys/class/gpio', '/sys/devices'])
      assert.ok(writable.includes(path), path);
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

  it('the daemon runs with the node options and environment build.ts names, from the unit and from npm start', () => {
    const unit = readUnit('vigil.service');
    const environment = Object.entries(DAEMON_ENV).map(([name, value]) => `${name}=${value}`);
    const unitEnvironment = (unit.get('Service')?.get('Environment') ?? []).flatMap((line) =>
      line.split(' '),
    );
    for (const pair of environment)
      assert.ok(unitEnvironment.includes(pair), `vigil.service lacks Environment=${pair}`);
    const start = execArgv(unitValue(unit, 'Service', 'ExecStart') ?? '');
    assert.deepEqual(start.slice(0, DAEMON_NODE_OPTIONS.length + 2), [
      IMAGE_NODE,
      ...DAEMON_NODE_OPTIONS,
      IMAGE_BUNDLE,
    ]);
    const npmStart = packageJson.scripts.start.split(' && ').at(-1) ?? '';
    assert.equal(
      npmStart,
      [...environment, 'node', ...DAEMON_NODE_OPTIONS, 'dist/vigil.mjs', 'run'].join(' '),
    );
  });

  it('the first-boot unit runs once, before vigil, and shows the password and fingerprint on the console only', () => {
    const unit = readUnit('vigil-firstboot.service');
    assert.equal(unitValue(unit, 'Unit', 'ConditionPathExists'), '!/var/lib/vigil/.firstboot-done');
    assert.match(unitValue(unit, 'Unit', 'Before') ?? '', /\bvigil\.service\b/);
    assertConsoleOnly(unit);
    assert.equal(unitValue(unit, 'Service', 'User'), 'vigil');
    const image = imageConfig();
    const tls = image.http.tls;
    assert.ok(tls, 'the image config serves HTTPS');
    const pre = (unit.get('Service')?.get('ExecStartPre') ?? []).map(execArgv);
    assert.deepEqual(
      pre.map((argv) => argv.slice(1)),
      [
        ['identity', IMAGE_CONFIG],
        ['certificate', dirname(tls.cert)],
      ],
    );
    assert.equal(join(dirname(tls.cert), 'cert.pem'), tls.cert, 'the certificate is where the config looks');
    assert.equal(join(dirname(tls.cert), 'key.pem'), tls.key);
    const start = execArgv(unitValue(unit, 'Service', 'ExecStart') ?? '');
    assert.deepEqual(start, ['/usr/lib/vigil/vigil-password', 'create', IMAGE_CONFIG, tls.cert]);
    const done = execArgv(unitValue(unit, 'Service', 'ExecStartPost') ?? '');
    assert.equal(done.at(-1), '/var/lib/vigil/.firstboot-done');
  });

  it('a file on the boot partition resets the password on the next boot, shown on the console only', () => {
    const unit = readUnit('vigil-password-reset.service');
    const conditions = unit.get('Unit')?.get('ConditionPathExists') ?? [];
    // Either name triggers it ("|"); the script deletes both.
    const requested = conditions.map((condition) => condition.replace(/^\|/, ''));
    assert.ok(conditions.every((condition) => condition.startsWith('|')));
    const script = readFileSync(join(OVERLAY_DIR, 'usr/lib/vigil/vigil-password'), 'utf8');
    const names = /^REQUEST_FILES="([^"]+)"$/m.exec(script)?.[1]?.split(' ') ?? [];
    // /boot/firmware is where the image mounts its FAT partition.
    const fstab = /^LABEL=RASPIFIRM\s+(\S+)\s+vfat\b/m.exec(
      readFileSync(join(REPO, 'image/customize.sh'), 'utf8'),
    );
    const boot = fstab?.[1] ?? '';
    assert.equal(boot, '/boot/firmware');
    assert.deepEqual(
      requested,
      names.map((name) => join(boot, name)),
    );
    assert.match(unitValue(unit, 'Unit', 'RequiresMountsFor') ?? '', /\/boot\/firmware/);
    assert.match(unitValue(unit, 'Unit', 'Before') ?? '', /\bvigil\.service\b/);
    assert.match(unitValue(unit, 'Unit', 'After') ?? '', /\bvigil-firstboot\.service\b/);
    assertConsoleOnly(unit);
    const tls = imageConfig().http.tls;
    assert.deepEqual(execArgv(unitValue(unit, 'Service', 'ExecStart') ?? ''), [
      '/usr/lib/vigil/vigil-password',
      'reset',
      IMAGE_CONFIG,
      tls?.cert,
    ]);
    // The request is deleted only after the new password was shown, as root without capabilities.
    const post = unitValue(unit, 'Service', 'ExecStartPost') ?? '';
    assert.ok(post.startsWith('!'), 'root for the FAT partition, inside the sandbox');
    assert.deepEqual(execArgv(post).slice(1), ['forget-request', boot]);
    assert.equal(unitValue(unit, 'Service', 'CapabilityBoundingSet'), '');
    const customize = readFileSync(join(REPO, 'image/customize.sh'), 'utf8');
    assert.match(customize, /systemctl enable [^\n]*(\\\n[^\n]*)*vigil-password-reset\.service/);
  });

  it('every unit that makes a password is sandboxed with root steps as "!" (capped), never "+"', () => {
    for (const name of ['vigil-firstboot.service', 'vigil-password-reset.service']) {
      const service = readUnit(name).get('Service');
      const commands = ['ExecStartPre', 'ExecStart', 'ExecStartPost'].flatMap(
        (key) => service?.get(key) ?? [],
      );
      for (const command of commands) assert.ok(!command.startsWith('+'), `${name}: ${command}`);
      assert.equal(service?.get('NoNewPrivileges')?.at(-1), 'yes');
      assert.equal(service?.get('PrivateNetwork')?.at(-1), 'yes', `${name} needs no network`);
    }
  });

  it('the offline security analysis scores every Vigil service within its limit', () => {
    const limits: Record<string, number> = {
      'vigil.service': 2.5,
      'vigil-central.service': 2.0,
      'vigil-firstboot.service': 5,
      'vigil-password-reset.service': 5,
    };
    const scores: string[] = [];
    for (const [name, limit] of Object.entries(limits)) {
      const result = spawnSync(
        'systemd-analyze',
        ['security', '--offline=true', '--no-pager', join(UNITS_DIR, name)],
        { encoding: 'utf8', env: { ...process.env, SYSTEMD_LOG_COLOR: '0', SYSTEMD_COLORS: '0' } },
      );
      const score = /Overall exposure level for \S+: (\d+\.\d+)/.exec(result.stdout)?.[1];
      assert.ok(score, `${name}: no score in\n${result.stdout}${result.stderr}`);
      scores.push(`${name} ${score}`);
      assert.ok(Number(score) <= limit, `${name} scores ${score}, above ${limit}:\n${result.stdout}`);
    }
    console.error(`# systemd-analyze security: ${scores.join(', ')}`);
  });

  it('vigil-central keeps to its own state directory, where central.yaml puts data_dir', () => {
    const unit = readUnit('vigil-central.service');
    const value = (key: string) => unitValue(unit, 'Service', key);
    assert.equal(value('StateDirectory'), 'vigil-central');
    assert.equal(value('WorkingDirectory'), '/var/lib/vigil-central');
    const writable = (unit.get('Service')?.get('ReadWritePaths') ?? []).join(' ');
    assert.doesNotMatch(writable, /\/var\/lib\/vigil(\s|$)/);
    assert.match(value('InaccessiblePaths') ?? '', /(^|\s)-?\/var\/lib\/vigil(\s|$)/);
    // The README's central.yaml.
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const example = /```yaml\n\s*(data_dir: [^\n]*)\n[^`]*central: \{ share_group/.exec(readme)?.[1];
    assert.equal(example, 'data_dir: /var/lib/vigil-central');
    // And the appliance cannot see the central receiver's data.
    assert.match(
      unitValue(readUnit('vigil.service'), 'Service', 'InaccessiblePaths') ?? '',
      /\/var\/lib\/vigil-central/,
    );
  });
});

/** stdout to the console only (the password is on it), stderr to the journal. */
function assertConsoleOnly(unit: ReturnType<typeof readUnit>): void {
  assert.equal(unitValue(unit, 'Service', 'StandardOutput'), 'tty');
  assert.equal(unitValue(unit, 'Service', 'TTYPath'), '/dev/console');
  assert.equal(unitValue(unit, 'Service', 'StandardError'), 'journal');
  // PrivateDevices= puts the unit on a device allow-list, which also decides whether systemd may
  // open the console as its stdout (found booting the image: "Failed at step STDOUT").
  assert.equal(unitValue(unit, 'Service', 'PrivateDevices'), 'yes');
  assert.ok((unit.get('Service')?.get('DeviceAllow') ?? []).includes('/dev/console w'));
}

function imageConfig() {
  const loaded = loadConfig({ file: join(OVERLAY_DIR, 'etc/vigil/config.yaml'), env: {} });
  assert.ok(loaded.ok);
  return loaded.config;
}
