/**
 * What the QEMU tests of the image share (`bootImage.ts`, `powerCut.ts`): the image and a private
 * copy of it, its partitions found by file-system label, files read and written inside them
 * without mounting (mtools, debugfs), the demo configuration, QEMU itself with its console, and
 * HTTPS requests to the booted Vigil.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TLSSocket } from 'node:tls';
import { DEMO_CONFIG_YAML, loadConfig } from '../../runtime/config/index';
import { tempDir } from '../helpers/tempDir';
import { readAnswer } from '../helpers/tls';
import type { SystemRequirement } from '../setup/systemPackages';
import { OVERLAY_DIR, REPO } from './unitFile';

export const BOOT_TIMEOUT_MS = Number(process.env.VIGIL_BOOT_TIMEOUT_MS ?? 15 * 60_000);
const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
const DEFAULT_IMAGE = join(REPO, 'image', 'out', `vigil-${VERSION}-arm64-test.img`);

/** What the QEMU tests run on this machine (the image build installs its own tools). */
export const QEMU_TEST_REQUIREMENTS: readonly SystemRequirement[] = [
  { command: 'qemu-system-aarch64', debianPackage: 'qemu-system-arm', why: 'boots the arm64 image' },
  {
    command: 'mcopy',
    debianPackage: 'mtools',
    why: 'reads kernel, initrd and cmdline.txt from the FAT partition',
  },
  {
    command: 'debugfs',
    debianPackage: 'e2fsprogs',
    why: 'writes the demo config into the ext4 root, reads the database out of it',
  },
  { command: 'blkid', debianPackage: 'util-linux', why: 'finds the partitions by file-system label' },
  { command: 'sfdisk', debianPackage: 'fdisk', why: "reads the image's partition table" },
  { command: 'xz', debianPackage: 'xz-utils', why: 'decompresses a .img.xz' },
];

/** A partition of the disk image: where it starts, its size, and its file system's type and label. */
export interface Partition {
  start: number;
  size: number;
  type: string;
  label: string;
}

/** The image to boot, building the test flavor when there is none. */
export function imagePath(): string {
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
export function scratchDisk(image: string, dir: string): string {
  const disk = join(dir, 'disk.img');
  if (image.endsWith('.xz')) execFileSync('sh', ['-c', `xz -dc '${image}' > '${disk}'`]);
  else execFileSync('cp', ['--sparse=always', image, disk]);
  // Room for vigil-growroot to grow the root partition into, as on a real card.
  execFileSync('truncate', ['-s', `+1G`, disk]);
  return disk;
}

/** Every partition of the disk image, with its file system's type and label (blkid). */
export function partitions(disk: string): Partition[] {
  const table = JSON.parse(execFileSync('sfdisk', ['--json', disk], { encoding: 'utf8' })) as {
    partitiontable: { sectorsize?: number; partitions: Array<{ start: number; size: number }> };
  };
  const sector = table.partitiontable.sectorsize ?? 512;
  return table.partitiontable.partitions.map((p) => {
    const start = p.start * sector;
    const size = p.size * sector;
    let probe = '';
    try {
      probe = execFileSync(
        'blkid',
        ['--probe', '--output', 'export', '--offset', String(start), '--size', String(size), disk],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
      );
    } catch {
      // blkid exits 2 when it recognises no file system there: an empty type and label.
    }
    const value = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(probe)?.[1] ?? '';
    return { start, size, type: value('TYPE'), label: value('LABEL') };
  });
}

/**
 * The partitions the tests need, by role: `boot` (FAT, the Pi firmware's), `root` (the ext4
 * system), `data` (where /etc/vigil and /var/lib/vigil live: a partition labelled like data when
 * the image has one, else the root file system).
 */
export function partitionRoles(disk: string): { boot: Partition; root: Partition; data: Partition } {
  const all = partitions(disk);
  const boot = all.find((p) => p.type === 'vfat');
  const root = all.find((p) => p.type === 'ext4' && p.label === 'RASPIROOT');
  const data = all.find((p) => p.type === 'ext4' && /data/i.test(p.label)) ?? root;
  const seen = all.map((p) => `${p.type || '?'}:${p.label || '?'}`).join(', ');
  assert.ok(boot && root && data, `a FAT boot and an ext4 RASPIROOT partition (found ${seen})`);
  return { boot, root, data };
}

/** Reads a file from the FAT boot partition with mtools (no mount). */
function bootFile(disk: string, boot: Partition, name: string, to?: string): string {
  const args = ['-n', '-i', `${disk}@@${boot.start}`, `::${name}`, to ?? '-'];
  return execFileSync('mcopy', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

/** The names at the top of the FAT boot partition, one a line. */
export function bootPartitionFiles(disk: string, boot: Partition): string {
  return execFileSync('mdir', ['-b', '-i', `${disk}@@${boot.start}`, '::'], { encoding: 'utf8' });
}

/** Runs debugfs requests against an ext4 partition inside the image file (no mount). */
export function debugfs(disk: string, part: Partition, requests: string[], write = false): string {
  const dir = tempDir('vigil-debugfs-');
  const script = join(dir, 'requests');
  writeFileSync(script, `${requests.join('\n')}\n`);
  const args = [...(write ? ['-w'] : []), '-f', script, `${disk}?offset=${part.start}`];
  return execFileSync('debugfs', args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** The image's web settings (HTTPS port, redirect port, certificate files). */
export const IMAGE_HTTP = (() => {
  const loaded = loadConfig({ file: join(OVERLAY_DIR, 'etc/vigil/config.yaml'), env: {} });
  if (!loaded.ok) throw new Error('the image config does not validate');
  return loaded.config.http;
})();

/**
 * The demo configuration as the image serves it: data in /var/lib/vigil, a real GPIO output on
 * the virt machine's PL061 chip (its line 3 is the power button; vigil only starts if gpioset, run
 * by the sandboxed vigil user, can hold /dev/gpiochip0), and the image's own web settings (HTTPS
 * with the certificate the first boot makes, plain HTTP redirecting to it). `extra` edits it further.
 */
export function demoImageConfig(extra: (yaml: string) => string = (yaml) => yaml): string {
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
  return extra(text);
}

/** Writes `text` as /etc/vigil/config.yaml (root:vigil 0640, as the image has it). */
export function installConfig(disk: string, part: Partition, dir: string, text: string): void {
  const config = join(dir, 'config.yaml');
  writeFileSync(config, text);
  const group = debugfs(disk, part, ['cat /etc/group']);
  const gid = /^vigil:x:(\d+):/m.exec(group)?.[1];
  assert.ok(gid, 'the image has a vigil group');
  debugfs(
    disk,
    part,
    [
      'rm /etc/vigil/config.yaml',
      `write ${config} /etc/vigil/config.yaml`,
      'sif /etc/vigil/config.yaml uid 0',
      `sif /etc/vigil/config.yaml gid ${gid}`,
      'sif /etc/vigil/config.yaml mode 0100640',
    ],
    true,
  );
  // debugfs echoes each request it reads from a file before its answer.
  const written = debugfs(disk, part, ['cat /etc/vigil/config.yaml']).replace(/^debugfs: .*\n/, '');
  assert.equal(written, text);
}

/** Kernel, initrd and command line as the Pi firmware would take them from config.txt/cmdline.txt. */
export function bootFiles(
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

/** Host ports forwarded to the guest's HTTPS and plain HTTP (redirect) ports. */
export interface ForwardedPorts {
  https: number;
  http: number;
}

/**
 * The QEMU command line: the image's kernel on QEMU's generic arm64 `virt` machine (software
 * emulation), the disk as virtio-blk, user networking with the web ports forwarded to this
 * machine's loopback only.
 */
export function qemuArgs(
  disk: string,
  files: { kernel: string; initrd: string; cmdline: string },
  ports: ForwardedPorts,
): string[] {
  return [
    ...['-M', 'virt', '-cpu', 'cortex-a72', '-smp', '2', '-m', '1024', '-accel', 'tcg,thread=multi'],
    ...[
      '-nographic',
      '-no-reboot',
      '-kernel',
      files.kernel,
      '-initrd',
      files.initrd,
      '-append',
      files.cmdline,
    ],
    ...['-drive', `file=${disk},format=raw,if=virtio`],
    ...[
      '-netdev',
      `user,id=net0,hostfwd=tcp:127.0.0.1:${ports.https}-:${IMAGE_HTTP.port},hostfwd=tcp:127.0.0.1:${ports.http}-:${IMAGE_HTTP.redirect_port}`,
      '-device',
      // romfile=: no network-boot ROM (qemu-system-arm without its Recommends, ipxe-qemu, has
      // none to load and would stop with 'failed to find romfile "efi-virtio.rom"').
      'virtio-net-pci,netdev=net0,romfile=',
    ],
  ];
}

/** Starts QEMU on the disk; its console (stdout and stderr) is for `watchConsole`. */
export function startQemu(args: string[]): ChildProcess {
  return spawn('qemu-system-aarch64', args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Terminal colour/cursor sequences systemd writes to the console. */
const ANSI_ESCAPE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g');

/** The guest's serial console, line by line. */
export interface Console {
  lines: string[];
  /** The first line matching `pattern`; rejects when QEMU exits or the time is up first. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<string>;
}

export function watchConsole(qemu: ChildProcess, logFile: string): Console {
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
    log.end();
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

/** An HTTP(S) answer, with the body as text. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** SHA-256 fingerprint of the server's certificate (HTTPS). */
  fingerprint?: string;
}

/** What one request carries besides its URL. */
export interface RequestOptions {
  /** Sent as JSON with POST. */
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * One request (a GET without `body`). Over HTTPS the self-signed certificate is accepted as a
 * browser's user would accept it after comparing fingerprints: the caller compares `fingerprint`
 * with the console's.
 */
export function request(url: string, options: RequestOptions = {}): Promise<Answer> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const https = url.startsWith('https:');
    const headers = {
      ...options.headers,
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    };
    const outgoing = (https ? httpsRequest : httpRequest)(
      url,
      {
        timeout: timeoutMs,
        headers,
        ...(https ? { rejectUnauthorized: false } : {}),
        ...(options.body === undefined ? {} : { method: 'POST' }),
      },
      (response) => {
        const fingerprint = https
          ? (response.socket as TLSSocket).getPeerX509Certificate()?.fingerprint256
          : undefined;
        readAnswer(response).then(
          (answer) => resolve({ ...answer, ...(fingerprint ? { fingerprint } : {}) }),
          reject,
        );
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    outgoing.on('error', reject);
    outgoing.end(options.body === undefined ? undefined : JSON.stringify(options.body));
  });
}

/** Asks again every 2 s until `ok(status)` or the deadline (then throws the last answer). */
export async function getUntil(
  url: string,
  ok: (status: number) => boolean,
  deadline: number,
  headers?: Record<string, string>,
): Promise<Answer> {
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const answer = await request(url, headers ? { headers } : {});
      if (ok(answer.status)) return answer;
      last = `HTTP ${answer.status}: ${answer.body}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await sleep(2_000);
  }
  throw new Error(`${url}: ${last}`);
}
