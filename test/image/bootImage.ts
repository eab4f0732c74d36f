/**
 * Boot test of the Raspberry Pi image (`npm run test:image`; not in the default suite: it takes
 * minutes). Boots the image's own kernel, initrd and root partition on QEMU's generic arm64
 * `virt` machine (software emulation, cortex-a72), with Vigil's demo configuration (served over
 * HTTPS as the image's own config serves it) written into the root file system, waits for systemd
 * to report vigil.service started (Type=notify: after READY=1), and checks from this machine,
 * through the image's firewall, that the status page and /api/v1/health answer over HTTPS with the
 * certificate whose fingerprint the console showed, and that plain HTTP only redirects.
 *
 * The image: VIGIL_IMAGE (.img or .img.xz), else image/out/vigil-<version>-arm64-test.img,
 * built first with `image/build.sh --flavor test` when it is missing (needs root).
 * It does not exercise the Pi's GPU firmware, config.txt or device trees (see image/README.md).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { freePort } from '../helpers/freePort';
import { tempDir } from '../helpers/tempDir';
import { ensureSystemPackages } from '../setup/systemPackages';
import {
  BOOT_TIMEOUT_MS,
  bootFiles,
  bootPartitionFiles,
  type Console,
  demoImageConfig,
  getUntil,
  IMAGE_HTTP,
  imagePath,
  installConfig,
  partitionRoles,
  QEMU_TEST_REQUIREMENTS,
  qemuArgs,
  request,
  scratchDisk,
  startQemu,
  watchConsole,
} from './qemuKit';

interface Health {
  status: string;
  device: { id: string };
  board: Record<string, unknown>;
  services: Array<{ name: string; state: string }>;
}

/** Waits for vigil.service to be started (READY=1), then checks it from this machine. */
async function checkBootedVigil(
  consoleOut: Console,
  ports: { https: number; http: number },
  started: number,
): Promise<void> {
  const seconds = () => ((Date.now() - started) / 1000).toFixed(0);
  const outcome = await consoleOut.waitFor(
    /Started vigil\.service|Failed to start vigil\.service/,
    BOOT_TIMEOUT_MS,
  );
  assert.match(outcome, /Started/, 'vigil.service failed to start');
  const failed = consoleOut.lines.filter((line) =>
    /Failed to start (nftables|vigil[\w-]*)\.service/.test(line),
  );
  assert.deepEqual(failed, [], 'the firewall and every Vigil unit started');
  assert.ok(
    consoleOut.lines.some((line) => /Finished nftables\.service/.test(line)),
    'the firewall is loaded (and lets the forwarded web ports through)',
  );
  const startedAfter = seconds();
  const deadline = Date.now() + 120_000;
  const base = `https://127.0.0.1:${ports.https}`;
  const health = await getUntil(`${base}/api/v1/health`, (s) => s === 200, deadline);
  const body = JSON.parse(health.body) as Health;
  const healthyAfter = seconds();
  assert.equal(body.status, 'ok');
  assert.equal(body.device.id, 'demo');
  assert.ok(body.services.length > 0);
  for (const service of body.services) assert.equal(service.state, 'up', service.name); // the open health answer: up or down
  const page = await getUntil(`${base}/`, (s) => s === 200, deadline);
  assert.match(String(page.headers['content-type']), /text\/html/);
  assert.match(page.body, /vigil/i);
  // Plain HTTP only redirects, to the device's HTTPS port.
  const redirect = await request(`http://127.0.0.1:${ports.http}/api/v1/health?x=1`);
  assert.equal(redirect.status, 308);
  assert.equal(redirect.headers.location, `https://127.0.0.1:${IMAGE_HTTP.port}/api/v1/health?x=1`);
  assert.equal(redirect.body, '');

  console.error(`# vigil.service started after ${startedAfter} s; healthy after ${healthyAfter} s`);
  console.error(`# services: ${body.services.map((s) => `${s.name}=${s.state}`).join(' ')}`);
  console.error(`# board: ${JSON.stringify(body.board)}`);
  const firstBoot = consoleOut.lines.filter((line) =>
    /vigil-(firstboot|growroot|password): |Vigil admin password: /.test(line),
  );
  for (const line of firstBoot) console.error(`# console: ${line.trim()}`);
  // Twice: made by the first boot, then replaced by the reset the boot partition asked for; each
  // only once, though the test forwards the journal to the console too (a password that reached
  // the journal would show up a second time).
  const passwords = firstBoot.flatMap((line) => /Vigil admin password: (\S+)/.exec(line)?.[1] ?? []);
  assert.equal(passwords.length, 2, 'the first-boot and the reset password, on the console only');
  const [firstPassword, resetPassword] = passwords;
  assert.notEqual(firstPassword, resetPassword);
  assert.equal(
    (await request(`${base}/api/v1/auth/login`, { body: { password: firstPassword } })).status,
    401,
  );
  const login = await request(`${base}/api/v1/auth/login`, { body: { password: resetPassword } });
  assert.equal(login.status, 200, 'the password shown last logs in');
  assert.match(String(login.headers['set-cookie']), /;\s*Secure/i, 'the session cookie is Secure over HTTPS');
  const shown = consoleOut.lines.find((line) => /^\s*([0-9A-F]{2}:){31}[0-9A-F]{2}\s*$/.test(line))?.trim();
  assert.ok(shown, "the first boot shows the HTTPS certificate's SHA-256 fingerprint on the console");
  assert.equal(
    health.fingerprint,
    shown,
    'the certificate served is the one whose fingerprint the console shows',
  );
  assert.ok(
    firstBoot.some((line) => /vigil-growroot: .* grown from/.test(line)),
    'the root partition grew to the disk',
  );
}

describe('Raspberry Pi image boots to a healthy Vigil under QEMU', {
  timeout: BOOT_TIMEOUT_MS + 120_000,
}, () => {
  it('serves the status page and /api/v1/health with the demo configuration', async () => {
    ensureSystemPackages(QEMU_TEST_REQUIREMENTS);
    const image = imagePath();
    const dir = tempDir('vigil-boot-');
    console.error(`# image: ${image} (${(statSync(image).size / 2 ** 20).toFixed(0)} MiB)`);
    const disk = scratchDisk(image, dir);
    const { boot, data } = partitionRoles(disk);
    installConfig(disk, data, dir, demoImageConfig());
    // Ask for a password reset, as someone holding the card would.
    writeFileSync(join(dir, 'empty'), '');
    execFileSync('mcopy', ['-i', `${disk}@@${boot.start}`, join(dir, 'empty'), '::vigil-reset-password']);
    assert.match(bootPartitionFiles(disk, boot), /vigil-reset-password/i);
    const ports = { https: await freePort(), http: await freePort() };
    const consoleLog = join(dir, 'console.log');
    const started = Date.now();
    const qemu = startQemu(qemuArgs(disk, bootFiles(disk, boot, dir), ports));
    const consoleOut = watchConsole(qemu, consoleLog);
    try {
      await checkBootedVigil(consoleOut, ports, started);
      assert.doesNotMatch(
        bootPartitionFiles(disk, boot),
        /vigil-reset-password/i,
        'the reset request is deleted from the boot partition',
      );
    } catch (err) {
      const tail = consoleOut.lines.slice(-60).join('\n');
      throw new Error(`${err instanceof Error ? err.message : String(err)}\nlast console lines:\n${tail}`);
    } finally {
      if (qemu.exitCode === null) qemu.kill('SIGKILL');
      const keep = process.env.VIGIL_BOOT_KEEP_CONSOLE;
      if (keep) execFileSync('cp', [consoleLog, keep]);
    }
  });
});
