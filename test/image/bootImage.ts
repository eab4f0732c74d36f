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
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TLSSocket } from 'node:tls';
import { DEMO_CONFIG_YAML, loadConfig } from '../../runtime/config/index';
import { freePort } from '../helpers/freePort';
import { tempDir } from '../helpers/tempDir';
import { readAnswer } from '../helpers/tls';
import { ensureSystemPackages } from '../setup/systemPackages';
import { OVERLAY_DIR, REPO } from './unitFile';

const BOOT_TIMEOUT_MS = Number(process.env.VIGIL_BOOT_TIMEOUT_MS ?? 15 * 60_000);
const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
const DEFAULT_IMAGE = join(REPO, 'image', 'out', `vigil-${VERSION}-arm64-test.img`);

/** What the boot test runs on this machine (the image build installs its own tools). */
const BOOT_TEST_REQUIREMENTS = [
  { command: 'qemu-system-aarch64', debianPackage: 'qemu-system-arm', why: 'boots the arm64 image' },
  {
    command: 'mcopy',
    debianPackage: 'mtools',
    why: 'reads kernel, initrd and cmdline.txt from the FAT partition',
  },
  { command: 'debugfs', debianPackage: 'e2fsprogs', why: 'writes the demo config into the ext4 root' },
  { command: 'sfdisk', debianPackage: 'fdisk', why: "reads the image's partition table" },
  { command: 'xz', debianPackage: 'xz-utils', why: 'decompresses a .img.xz' },
];

interface Partition {
  start: number;
  size: number;
}

/** The image to boot, building the test flavor when there is none. */
function imagePath(): string {
  const chosen = process.env.VIGIL_IMAGE;
  if (chosen) {
    if (!existsSync(chosen)) throw new Error(`VIGIL_IMAGE=${chosen} does not exist`);
    return chosen;
  }
  if (!existsSync(DEFAULT_IMAGE)) {
    console.error(`# ${DEFAULT_IMAGE} is missing: building it (image/build.sh --flavor test)`);
    execFileSync('bash', [join(REPO, 'image', 'build.sh'), '--flavor', 'test'], { stdio: 'inherit' });
  }
  return DEFAULT_IMAGE;
}

/** A private, writable copy of the image (the boot changes it), 1 GiB larger than built. */
function scratchDisk(image: string, dir: string): string {
  const disk = join(dir, 'disk.img');
  if (image.endsWith('.xz')) execFileSync('sh', ['-c', `xz -dc '${image}' > '${disk}'`]);
  else execFileSync('cp', ['--sparse=always', image, disk]);
  // Room for vigil-growroot to grow the root partition into, as on a real card.
  execFileSync('truncate', ['-s', `+1G`, disk]);
  return disk;
}

function partitions(disk: string): Partition[] {
  const table = JSON.parse(execFileSync('sfdisk', ['--json', disk], { encoding: 'utf8' })) as {
    partitiontable: { sectorsize?: number; partitions: Array<{ start: number; size: number }> };
  };
  const sector = table.partitiontable.sectorsize ?? 512;
  return table.partitiontable.partitions.map((p) => ({ start: p.start * sector, size: p.size * sector }));
}

/** Reads a file from the FAT boot partition with mtools (no mount). */
function bootFile(disk: string, boot: Partition, name: string, to?: string): string {
  const args = ['-n', '-i', `${disk}@@${boot.start}`, `::${name}`, to ?? '-'];
  return execFileSync('mcopy', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

/** The names at the top of the FAT boot partition, one a line. */
function bootPartitionFiles(disk: string, boot: Partition): string {
  return execFileSync('mdir', ['-b', '-i', `${disk}@@${boot.start}`, '::'], { encoding: 'utf8' });
}

/** Runs debugfs requests against the ext4 root partition inside the image file (no mount). */
function debugfs(disk: string, root: Partition, requests: string[], write = false): string {
  const dir = tempDir('vigil-debugfs-');
  const script = join(dir, 'requests');
  writeFileSync(script, `${requests.join('\n')}\n`);
  const args = [...(write ? ['-w'] : []), '-f', script, `${disk}?offset=${root.start}`];
  return execFileSync('debugfs', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Writes the demo configuration as /etc/vigil/config.yaml (root:vigil 0640, as the image has it). */
function installDemoConfig(disk: string, root: Partition, dir: string): void {
  const config = join(dir, 'demo.yaml');
  // Plus a real GPIO output on the virt machine's PL061 chip (its line 3 is the power button):
  // vigil only starts if gpioset, run by the sandboxed vigil user, can hold /dev/gpiochip0.
  // And the image's own web settings: HTTPS with the certificate the first boot makes, plain HTTP
  // redirecting to it.
  const { port, redirect_port, tls } = IMAGE_HTTP;
  const text = DEMO_CONFIG_YAML.replace(/^data_dir: .*$/m, 'data_dir: /var/lib/vigil')
    .replace(
      /^gpio:\n/m,
      'gpio:\n  relay:\n    driver: gpiod\n    chip: gpiochip0\n    pin: 0\n    direction: output\n',
    )
    .replace(
      /^http:\n {2}port: 8080\n/m,
      `http:\n  port: ${port}\n  redirect_port: ${redirect_port}\n  tls: { cert: ${tls?.cert}, key: ${tls?.key} }\n`,
    );
  assert.match(text, /driver: gpiod/);
  assert.match(text, /redirect_port: \d+/);
  writeFileSync(config, text);
  const group = debugfs(disk, root, ['cat /etc/group']);
  const gid = /^vigil:x:(\d+):/m.exec(group)?.[1];
  assert.ok(gid, 'the image has a vigil group');
  debugfs(
    disk,
    root,
    [
      'rm /etc/vigil/config.yaml',
      `write ${config} /etc/vigil/config.yaml`,
      'sif /etc/vigil/config.yaml uid 0',
      `sif /etc/vigil/config.yaml gid ${gid}`,
      'sif /etc/vigil/config.yaml mode 0100640',
    ],
    true,
  );
  assert.match(debugfs(disk, root, ['cat /etc/vigil/config.yaml']), /driver: sim/);
}

/** Kernel, initrd and command line as the Pi firmware would take them from config.txt/cmdline.txt. */
function bootFiles(
  disk: string,
  boot: Partition,
  dir: string,
): { kernel: string; initrd: string; cmdline: string } {
  const config = bootFile(disk, boot, 'config.txt');
  const kernelName = /^kernel=(\S+)/m.exec(config)?.[1];
  const initrdName = /^initramfs\s+(\S+)/m.exec(config)?.[1];
  assert.ok(kernelName && initrdName, `config.txt names no kernel/initramfs:\n${config}`);
  const kernel = join(dir, 'vmlinuz');
  const initrd = join(dir, 'initrd.img');
  bootFile(disk, boot, kernelName, kernel);
  bootFile(disk, boot, initrdName, initrd);
  // The Pi's consoles (tty0, ttyS1) become the virt machine's PL011 UART.
  const cmdline = bootFile(disk, boot, 'cmdline.txt')
    .trim()
    .split(/\s+/)
    .filter((word) => !word.startsWith('console=') && word !== 'quiet')
    // The journal goes to the console too: vigil's own log lines end up in the console log.
    .concat('console=ttyAMA0', 'systemd.journald.forward_to_console=1')
    .join(' ');
  assert.match(cmdline, /root=LABEL=RASPIROOT/);
  return { kernel, initrd, cmdline };
}

/** Terminal colour/cursor sequences systemd writes to the console. */
const ANSI_ESCAPE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g');

interface Console {
  lines: string[];
  waitFor(pattern: RegExp, timeoutMs: number): Promise<string>;
}

function watchConsole(qemu: ChildProcess, logFile: string): Console {
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  const log = createWriteStream(logFile);
  let partial = '';
  const onData = (chunk: Buffer) => {
    log.write(chunk);
    // Strip terminal colours and carriage returns systemd writes to the console.
    const text = partial + chunk.toString('utf8').replace(ANSI_ESCAPE, '').replace(/\r/g, '');
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    for (const wake of waiters) wake();
  };
  qemu.stdout?.on('data', onData);
  qemu.stderr?.on('data', onData);
  qemu.once('exit', () => {
    for (const wake of waiters) wake();
  });
  return {
    lines,
    waitFor: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find((line) => pattern.test(line));
          if (found !== undefined) {
            done();
            resolve(found);
          } else if (qemu.exitCode !== null || qemu.signalCode !== null) {
            done();
            reject(new Error(`QEMU exited before ${pattern}; console: ${logFile}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${pattern} on the console within ${timeoutMs / 1000} s; console: ${logFile}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
  };
}

/** The image's web settings (HTTPS port, redirect port, certificate files). */
const IMAGE_HTTP = (() => {
  const loaded = loadConfig({ file: join(OVERLAY_DIR, 'etc/vigil/config.yaml'), env: {} });
  if (!loaded.ok) throw new Error('the image config does not validate');
  return loaded.config.http;
})();

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** SHA-256 fingerprint of the server's certificate (HTTPS). */
  fingerprint?: string;
}

/**
 * One request (a GET without `body`). Over HTTPS the self-signed certificate is accepted as a
 * browser's user would accept it after comparing fingerprints: the caller compares `fingerprint`
 * with the console's.
 */
function get(url: string, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const https = url.startsWith('https:');
    const options = {
      timeout: 10_000,
      ...(https ? { rejectUnauthorized: false } : {}),
      ...(body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' } }),
    };
    const outgoing = (https ? httpsRequest : httpRequest)(url, options, (response) => {
      const fingerprint = https
        ? (response.socket as TLSSocket).getPeerX509Certificate()?.fingerprint256
        : undefined;
      readAnswer(response).then(
        (answer) => resolve({ ...answer, ...(fingerprint ? { fingerprint } : {}) }),
        reject,
      );
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error('no answer within 10 s')));
    outgoing.on('error', reject);
    outgoing.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function getUntil(url: string, ok: (status: number) => boolean, deadline: number): Promise<Answer> {
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const answer = await get(url);
      if (ok(answer.status)) return answer;
      last = `HTTP ${answer.status}: ${answer.body}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await sleep(2_000);
  }
  throw new Error(`${url}: ${last}`);
}

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
  for (const service of body.services) assert.equal(service.state, 'running', service.name);
  const page = await getUntil(`${base}/`, (s) => s === 200, deadline);
  assert.match(String(page.headers['content-type']), /text\/html/);
  assert.match(page.body, /vigil/i);
  // Plain HTTP only redirects, to the device's HTTPS port.
  const redirect = await get(`http://127.0.0.1:${ports.http}/api/v1/health?x=1`);
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
  assert.equal((await get(`${base}/api/v1/auth/login`, { password: firstPassword })).status, 401);
  const login = await get(`${base}/api/v1/auth/login`, { password: resetPassword });
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
    ensureSystemPackages(BOOT_TEST_REQUIREMENTS);
    const image = imagePath();
    const dir = tempDir('vigil-boot-');
    console.error(`# image: ${image} (${(statSync(image).size / 2 ** 20).toFixed(0)} MiB)`);
    const disk = scratchDisk(image, dir);
    const [boot, root] = partitions(disk);
    assert.ok(boot && root, 'two partitions: FAT boot, ext4 root');
    installDemoConfig(disk, root, dir);
    // Ask for a password reset, as someone holding the card would.
    writeFileSync(join(dir, 'empty'), '');
    execFileSync('mcopy', ['-i', `${disk}@@${boot.start}`, join(dir, 'empty'), '::vigil-reset-password']);
    assert.match(bootPartitionFiles(disk, boot), /vigil-reset-password/i);
    const { kernel, initrd, cmdline } = bootFiles(disk, boot, dir);
    const ports = { https: await freePort(), http: await freePort() };
    const consoleLog = join(dir, 'console.log');
    const started = Date.now();
    const qemu = spawn(
      'qemu-system-aarch64',
      [
        ...['-M', 'virt', '-cpu', 'cortex-a72', '-smp', '2', '-m', '1024', '-accel', 'tcg,thread=multi'],
        ...['-nographic', '-no-reboot', '-kernel', kernel, '-initrd', initrd, '-append', cmdline],
        ...['-drive', `file=${disk},format=raw,if=virtio`],
        // Only this machine's loopback reaches the forwarded port.
        ...[
          '-netdev',
          `user,id=net0,hostfwd=tcp:127.0.0.1:${ports.https}-:${IMAGE_HTTP.port},hostfwd=tcp:127.0.0.1:${ports.http}-:${IMAGE_HTTP.redirect_port}`,
          '-device',
          // romfile=: no network-boot ROM (qemu-system-arm without its Recommends has none to load).
          'virtio-net-pci,netdev=net0,romfile=',
        ],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
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
