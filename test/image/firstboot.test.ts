import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { connect, createServer } from 'node:tls';
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
  // Progress goes to stderr (the journal); the unit's stdout is the console.
  assert.equal(result.stdout, '');
  return result.stderr;
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

/** Runs `vigil-firstboot certificate DIR` in the scratch root, the key given to whoever runs the test. */
function certificate(root: string, dir: string): string {
  const result = spawnSync('sh', [FIRSTBOOT, 'certificate', dir], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      VIGIL_FIRSTBOOT_ROOT: root,
      VIGIL_FIRSTBOOT_OWNER: userInfo().username,
      VIGIL_FIRSTBOOT_GROUP: spawnSync('id', ['-gn'], { encoding: 'utf8' }).stdout.trim(),
    },
  });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, '', 'nothing for the console');
  return result.stderr;
}

describe('vigil-firstboot certificate', () => {
  it("makes a self-signed EC P-256 certificate for the device's names, the key readable by its owner only", async () => {
    const { root, config } = deviceRoot({ serial: '10000000C0FFEE42', machineId: 'c'.repeat(32) });
    identity(root, config);
    const dir = join(root, 'etc/vigil/tls');
    const out = certificate(root, dir);

    const cert = new X509Certificate(readFileSync(join(dir, 'cert.pem')));
    const key = createPrivateKey(readFileSync(join(dir, 'key.pem')));
    assert.equal(cert.subject, 'CN=vigil-ffee42');
    assert.equal(cert.subjectAltName, 'DNS:vigil-ffee42, DNS:vigil-ffee42.local');
    assert.equal(cert.issuer, cert.subject, 'self-signed');
    assert.equal(cert.ca, false, 'browsers refuse a CA certificate as a server certificate');
    assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.ok(cert.checkPrivateKey(key), 'the key belongs to the certificate');
    const years = (Date.parse(cert.validTo) - Date.now()) / (365.25 * 86_400_000);
    assert.ok(years > 19, `valid for ${years.toFixed(1)} years`);
    assert.ok(cert.keyUsage?.includes('1.3.6.1.5.5.7.3.1'), 'for TLS servers');

    assert.equal(statSync(join(dir, 'key.pem')).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'cert.pem')).mode & 0o777, 0o644);
    assert.equal(statSync(dir).mode & 0o777, 0o750);
    assert.deepEqual(readdirSync(dir).sort(), ['cert.pem', 'key.pem'], 'no temporary files left');
    assert.ok(out.includes(cert.fingerprint256), `the journal line names the fingerprint: ${out}`);

    // It serves HTTPS, and a client sees the fingerprint the console shows.
    const server = createServer({
      cert: readFileSync(join(dir, 'cert.pem')),
      key: readFileSync(join(dir, 'key.pem')),
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const socket = connect({
        host: '127.0.0.1',
        port,
        servername: 'vigil-ffee42.local',
        ca: cert.toString(),
      });
      await once(socket, 'secureConnect');
      assert.equal(socket.getPeerX509Certificate()?.fingerprint256, cert.fingerprint256);
      socket.destroy();
    } finally {
      server.close();
    }
  });

  it('keeps a certificate that is there, and starts over when one of the pair is missing', () => {
    const { root, config } = deviceRoot({ machineId: 'd'.repeat(32) });
    identity(root, config);
    const dir = join(root, 'etc/vigil/tls');
    certificate(root, dir);
    const first = readFileSync(join(dir, 'cert.pem'), 'utf8');
    assert.match(certificate(root, dir), /kept/);
    assert.equal(readFileSync(join(dir, 'cert.pem'), 'utf8'), first);
    // A power cut between the two renames leaves the new key without its certificate.
    rmSync(join(dir, 'cert.pem'));
    certificate(root, dir);
    const second = new X509Certificate(readFileSync(join(dir, 'cert.pem')));
    assert.notEqual(second.toString(), first);
    assert.ok(second.checkPrivateKey(createPrivateKey(readFileSync(join(dir, 'key.pem')))));
  });
});
