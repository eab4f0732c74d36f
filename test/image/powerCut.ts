/**
 * Power-cut test of the Raspberry Pi image (`npm run test:powercut [-- --cuts N --seed S]`; opt-in,
 * not in the default suite: ~6 minutes a cut under emulation). Boots the test image under QEMU
 * (as bootImage.ts does) with the demo camera recording and a rule that cuts a clip of every
 * incident on it, posts events over HTTPS from this machine (keeping the log of every id answered
 * 201), and kills QEMU with SIGKILL — no shutdown, the guest's page cache lost — at a moment
 * drawn from a seeded generator (printed, to replay a run). Booting the same disk again N times,
 * after each cut it checks:
 *
 * - offline, what the next boot will find, read out of the ext4 partition with debugfs after
 *   e2fsck replayed its journal (as the kernel would at mount), then checked it read-only: the
 *   database (+ -wal) opened with better-sqlite3 passes `PRAGMA integrity_check` and holds every
 *   id acknowledged before the cut; every clip of an ended incident (`ready`) decodes with ffmpeg;
 *   the admin credential parses, the TLS certificate parses, the config is the one installed;
 *   no `*.part` left by this cut was already there at the previous one (start-up removes them);
 * - after the next boot, over HTTPS: health green (every service running), the last ids
 *   acknowledged before the cut served by `GET /api/v1/events/:id`, and the newest clip served
 *   by the API plays.
 *
 * Environment: VIGIL_IMAGE (see bootImage.ts), VIGIL_POWERCUT_CUTS (10), VIGIL_POWERCUT_SEED,
 * VIGIL_POWERCUT_KEEP (a directory: the consoles, the ack log and the e2fsck output are copied there).
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, cpSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../helpers/freePort';
import { tempDir } from '../helpers/tempDir';
import { ensureSystemPackages } from '../setup/systemPackages';
import { checkAfterCut, plays } from './powerCutChecks';
import {
  BOOT_TIMEOUT_MS,
  bootFiles,
  demoImageConfig,
  type ForwardedPorts,
  getUntil,
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

/** `--name value` from the command line, else the environment variable, else the default. */
function option(name: string, env: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const text = at >= 0 ? process.argv[at + 1] : process.env[env];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`--${name} / ${env} must be a whole number, not '${text}'`);
  return value;
}

const CUTS = option('cuts', 'VIGIL_POWERCUT_CUTS', 10);
const SEED = option('seed', 'VIGIL_POWERCUT_SEED', Math.floor(Math.random() * 2 ** 31));
/** The cut falls this long after vigil answered healthy (uniform, seeded). */
const CUT_AFTER_MS = { min: 10_000, max: 120_000 };
const TOKEN = 'powercut-token-0123456789abcdef';
const AUTH = { authorization: `Bearer ${TOKEN}` };
/** Each posted object lasts this long, so incidents end (idle_seconds below) and clips get cut. */
const OBJECT_MS = 15_000;

const REQUIREMENTS = [
  ...QEMU_TEST_REQUIREMENTS,
  {
    command: 'e2fsck',
    debianPackage: 'e2fsprogs',
    why: 'replays the ext4 journal after a cut, then checks the file system',
  },
  { command: 'ffprobe', debianPackage: 'ffmpeg', why: 'decodes the clips written before each cut' },
  { command: 'openssl', debianPackage: 'openssl', why: "parses the device's TLS certificate after each cut" },
];

/** mulberry32: a small seeded generator, so a run's cut moments can be replayed with its seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** The demo config plus: the token for this machine's requests, short incidents and clips, a clip of every incident. */
function powerCutConfig(): string {
  return demoImageConfig((yaml) => {
    const text = yaml
      .replace(/^http:\n/m, `http:\n  auth: { token: ${TOKEN} }\n`)
      .replace(/^ {2}demo:\n/m, '  demo:\n    record: { pre_capture: 4, post_capture: 4 }\n')
      .replace(
        /^alarm:\n/m,
        'alarm:\n  rules:\n    - name: powercut-clips\n      when: { all: [{ field: camera, op: eq, value: demo }, { field: type, op: eq, value: intrusion }] }\n      then: { route: [clip] }\n',
      )
      .concat('events:\n  incidents: { idle_seconds: 8 }\n');
    assert.match(text, /token: powercut/);
    assert.match(text, /post_capture: 4/);
    assert.match(text, /powercut-clips/);
    return text;
  });
}

/** Events posted from this machine; `acked` holds every id answered 201, also appended to `logFile`. */
class EventLoad {
  readonly acked: string[] = [];
  readonly #base: string;
  readonly #logFile: string;
  readonly #boot: number;
  #running = true;
  #sent = 0;
  #failed = 0;
  #workers: Promise<void>[] = [];

  constructor(base: string, logFile: string, boot: number) {
    this.#base = base;
    this.#logFile = logFile;
    this.#boot = boot;
  }

  start(previous: readonly string[]): void {
    this.acked.push(...previous);
    const started = Date.now();
    this.#workers = [0, 1].map(async () => {
      while (this.#running) {
        const n = this.#sent++;
        const id = `pc${this.#boot}-${n}`;
        const object = `walker-${this.#boot}-${Math.floor((Date.now() - started) / OBJECT_MS)}`;
        const body = {
          id,
          type: 'intrusion',
          camera: 'demo',
          label: 'person',
          object_id: object,
          data: { seq: n },
        };
        try {
          const answer = await request(`${this.#base}/api/v1/events`, {
            body,
            headers: AUTH,
            timeoutMs: 20_000,
          });
          if (answer.status === 201) {
            this.acked.push(id);
            appendFileSync(this.#logFile, `${id}\n`);
          } else this.#failed++;
        } catch {
          // Cut off mid-request (the power went): not acknowledged, so not owed.
          this.#failed++;
          await sleep(200);
        }
      }
    });
  }

  /** Stops posting; requests in flight end with the cut. */
  stop(): { sent: number; failed: number } {
    this.#running = false;
    return { sent: this.#sent, failed: this.#failed };
  }

  async settled(): Promise<void> {
    await Promise.all(this.#workers);
  }
}

interface CutRow {
  cut: string;
  momentS: number;
  acked: number;
  found: number;
  integrity: string;
  parts: number;
  partsSurvived: number;
  clips: string;
  fsck: string;
  healthyS: number | null;
}

interface Health {
  status: string;
  services: Array<{ name: string; state: string }>;
}

/** Waits for a green health (every service running) over HTTPS; seconds since QEMU started. */
async function waitHealthy(base: string, started: number, qemu: ChildProcess): Promise<number> {
  const deadline = started + BOOT_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (qemu.exitCode !== null || qemu.signalCode !== null) throw new Error('QEMU exited while booting');
    const answer = await getUntil(`${base}/api/v1/health`, (s) => s === 200, deadline, AUTH);
    const health = JSON.parse(answer.body) as Health;
    if (health.status === 'ok' && health.services.every((s) => s.state === 'running'))
      return (Date.now() - started) / 1000;
    await sleep(2_000);
  }
  throw new Error(`vigil was not healthy within ${BOOT_TIMEOUT_MS / 1000} s`);
}

/** After a boot: the last ids acknowledged before the cut are served, and the newest clip plays. */
async function checkOverApi(base: string, acked: readonly string[], dir: string): Promise<string> {
  for (const id of acked.slice(-20)) {
    const answer = await request(`${base}/api/v1/events/${encodeURIComponent(id)}`, { headers: AUTH });
    assert.equal(answer.status, 200, `GET /api/v1/events/${id} after the boot`);
  }
  const list = await request(`${base}/api/v1/incidents?limit=50`, { headers: AUTH });
  assert.equal(list.status, 200);
  const incidents = (
    JSON.parse(list.body) as { incidents: Array<{ clip_url: string | null; status: string }> }
  ).incidents;
  const withClip = incidents.find((incident) => incident.clip_url !== null && incident.status !== 'open');
  if (!withClip?.clip_url) return 'none yet';
  const file = join(dir, 'api-clip.mp4');
  const bytes = await fetchBinary(`${base}${withClip.clip_url}`);
  writeFileSync(file, bytes);
  assert.ok(plays(file), `${withClip.clip_url} plays`);
  return 'plays';
}

/** A GET whose body is bytes (a clip), over HTTPS with the self-signed certificate. */
function fetchBinary(url: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpsRequest(
      url,
      { headers: AUTH, rejectUnauthorized: false, timeout: 60_000 },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          response.statusCode === 200
            ? resolve(Buffer.concat(chunks))
            : reject(new Error(`${url}: HTTP ${response.statusCode}`)),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`${url}: no answer within 60 s`)));
    outgoing.on('error', reject);
    outgoing.end();
  });
}

function printRow(row: CutRow): void {
  console.error(
    `# ${row.cut.padEnd(6)} at ${String(row.momentS.toFixed(0)).padStart(4)} s | acked ${String(row.acked).padStart(6)} | found ${String(row.found).padStart(6)} | integrity ${row.integrity} | fsck ${row.fsck} | .part ${row.parts} (survived a start: ${row.partsSurvived}) | clips ${row.clips} | next boot healthy after ${row.healthyS === null ? '-' : `${row.healthyS.toFixed(0)} s`}`,
  );
}

describe('power cuts under QEMU', { timeout: (CUTS + 1) * (BOOT_TIMEOUT_MS + 10 * 60_000) }, () => {
  it(`${CUTS} cuts: the database, acknowledged events, clips, credential and config survive`, async () => {
    ensureSystemPackages(REQUIREMENTS);
    const image = imagePath();
    const dir = tempDir('vigil-powercut-');
    const random = seeded(SEED);
    console.error(
      `# image: ${image} (${(statSync(image).size / 2 ** 20).toFixed(0)} MiB); ${CUTS} cuts; seed ${SEED} (VIGIL_POWERCUT_SEED=${SEED} replays the moments)`,
    );
    const disk = scratchDisk(image, dir);
    const { boot, data } = partitionRoles(disk);
    const config = powerCutConfig();
    installConfig(disk, data, dir, config);
    const files = bootFiles(disk, boot, dir);
    const ackLog = join(dir, 'acked.log');
    writeFileSync(ackLog, '');
    let acked: string[] = [];
    let previousParts = new Set<string>();
    const rows: CutRow[] = [];
    try {
      // Boot 0 is the first boot; each boot but the last ends in a cut; the last is checked over the API and cut idle.
      for (let bootNo = 0; bootNo <= CUTS; bootNo++) {
        const ports: ForwardedPorts = { https: await freePort(), http: await freePort() };
        const base = `https://127.0.0.1:${ports.https}`;
        const started = Date.now();
        const qemu = startQemu(qemuArgs(disk, files, ports));
        const consoleLog = join(dir, `console-${bootNo}.log`);
        const consoleOut = watchConsole(qemu, consoleLog);
        const exited = new Promise<void>((resolve) => qemu.once('exit', () => resolve()));
        try {
          const healthyS = await waitHealthy(base, started, qemu);
          const previous = rows.at(-1);
          if (previous) previous.healthyS = healthyS;
          else console.error(`# first boot healthy after ${healthyS.toFixed(0)} s`);
          const apiClip = bootNo > 0 ? await checkOverApi(base, acked, dir) : '-';
          const removed = consoleOut.lines.find((line) => /removed unfinished media files/.test(line));
          if (previous) previous.clips += ` (API: ${apiClip}${removed ? '; start removed .part files' : ''})`;
          if (bootNo === CUTS) break;

          const load = new EventLoad(base, ackLog, bootNo);
          load.start(acked);
          const wait = CUT_AFTER_MS.min + random() * (CUT_AFTER_MS.max - CUT_AFTER_MS.min);
          await sleep(wait);
          qemu.kill('SIGKILL');
          await exited;
          const { sent, failed } = load.stop();
          await load.settled();
          acked = [...load.acked];
          const label = `cut${bootNo + 1}`;
          // Read again: the first boot grew the root partition to the disk.
          const after = checkAfterCut(disk, partitionRoles(disk).data, dir, label, acked, config);
          const survived = after.parts.filter((path) => previousParts.has(path));
          previousParts = new Set(after.parts);
          const row: CutRow = {
            cut: label,
            momentS: wait / 1000,
            acked: acked.length,
            found: after.found,
            integrity: after.integrity,
            parts: after.parts.length,
            partsSurvived: survived.length,
            clips: `${after.clips} play`,
            fsck: after.fsck,
            healthyS: null,
          };
          rows.push(row);
          printRow(row);
          console.error(`#        posted ${sent}, not acknowledged ${failed} (refused or cut off)`);
          assert.deepEqual(survived, [], '.part files a start should have removed');
        } finally {
          if (qemu.exitCode === null && qemu.signalCode === null) {
            qemu.kill('SIGKILL');
            await exited;
          }
        }
      }
      console.error('# summary (healthy: the boot after the cut)');
      for (const row of rows) printRow(row);
      assert.ok(acked.length > 0, 'events were acknowledged before the cuts');
    } finally {
      const keep = process.env.VIGIL_POWERCUT_KEEP;
      if (keep) {
        for (const name of readdirSync(dir).filter((n) => /^(console-|fsck-|acked)/.test(n)))
          cpSync(join(dir, name), join(keep, name));
      }
    }
  });
});
