import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { OutputState } from '../../../runtime/alarm/outputController';
import { type App, buildApp } from '../../../runtime/app';
import { loadConfig } from '../../../runtime/config/index';
import { makePersonVideo } from '../../fixtures/personVideo';
import { freePort } from '../../helpers/freePort';
import { tempDir } from '../../helpers/tempDir';
import { sampleCell } from '../faces/faceImages';

interface EventView {
  id: string;
  type: string;
  timestamp: number;
  severity: string;
  state: string;
  tags: string[];
  data: Record<string, unknown>;
  decision: { routes?: string[]; matched?: string[] } | null;
}

/** States after which an event has been through rules and routing. */
const PROCESSED = ['routed', 'filtered', 'dead_lettered'];

/**
 * This process's child processes as `pid (name) state command`, from /proc: the app's are its
 * ffmpeg camera decoders. tsx's own esbuild service (started when a worker thread loads
 * TypeScript) is not the app's and is left out.
 */
function childPids(): string[] {
  const pids: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && !stat.includes('(esbuild)')) {
        const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
        pids.push(`${entry} ${stat.slice(stat.indexOf('('), stat.lastIndexOf(')') + 3)}${cmdline}`);
      }
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms: number) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(100);
  }
}

/**
 * The whole app in this process (real models in worker threads, ffmpeg file camera, SQLite,
 * sim GPIO) watching `video`, with a `siren` output and the alarm in `mode`. Mallory
 * (samples.jpg cell 1) is enrolled on the blacklist through `POST /api/v1/faces` once the app
 * runs; the video loops, so a pass missed before the enrollment is seen again.
 */
async function startAlarmApp(dir: string, video: string, mode: string) {
  const port = await freePort();
  const yaml = [
    'device: { id: alarm-e2e, name: Alarm end to end }',
    `data_dir: ${join(dir, 'data')}`,
    `http: { host: 127.0.0.1, port: ${port}, auth: { enabled: false } }`,
    'log: { level: info }',
    'cameras:',
    '  door:',
    `    source: { driver: file, path: ${video}, loop: true, realtime: true }`,
    '    detect: { width: 640, height: 360, fps: 5 }',
    'detectors: { default: { type: wasm } }',
    'gpio: { siren: { driver: sim, pin: 17, direction: output, max_on: 120 } }',
    `alarm: { mode: ${mode} }`,
    '',
  ].join('\n');
  const loaded = loadConfig({ text: yaml, env: {} });
  assert.ok(loaded.ok, JSON.stringify(!loaded.ok && loaded.errors));
  const logs: Array<Record<string, unknown>> = [];
  const app: App = await buildApp(loaded.config, {
    env: {},
    logDestination: { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) },
  });
  await app.runner.startAll();
  const api = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) => {
    const reply = await app.parts.web.app.inject({
      method,
      url,
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
    return { status: reply.statusCode, body: reply.json() as Record<string, unknown> };
  };
  const enrolled = await api('POST', '/api/v1/faces', {
    name: 'Mallory',
    list: 'blacklist',
    image: (await sampleCell(1)).toString('base64'),
  });
  assert.equal(enrolled.status, 201, JSON.stringify(enrolled.body));

  const siren = () => app.parts.alarm.gpio().outputs.find((o) => o.name === 'siren') as OutputState;
  const events = async (type: string) =>
    (await api('GET', `/api/v1/events?type=${type}&limit=50`)).body.events as EventView[];
  const event = async (id: string) => (await api('GET', `/api/v1/events/${id}`)).body as unknown as EventView;
  let stopping: Promise<void> | undefined;
  /** Stops the app (once; later calls wait for the same stop) and checks it left no ffmpeg behind. */
  const stop = () => {
    stopping ??= (async () => {
      const running = childPids();
      const { report } = await app.shutdown.run('test end');
      assert.ok(
        running.some((c) => c.includes('ffmpeg')),
        `no ffmpeg child while running: ${running.join('; ')}`,
      );
      assert.ok(report.clean, `unclean stop: ${JSON.stringify(report)}`);
      assert.deepEqual(childPids(), [], 'child processes left after stop');
    })();
    return stopping;
  };
  return { app, api, siren, events, event, logs, stop };
}

type AlarmApp = Awaited<ReturnType<typeof startAlarmApp>>;

/** A processed event of `type` (stored, ruled and routed), waited for up to `ms`. */
function processed(harness: AlarmApp, type: string, ms: number): Promise<EventView> {
  return waitFor(
    `a processed ${type} event`,
    async () => {
      for (const summary of await harness.events(type)) {
        const detail = await harness.event(summary.id);
        if (PROCESSED.includes(detail.state)) return detail;
      }
      return undefined;
    },
    ms,
  );
}

function errorsIn(logs: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  return logs.filter((l) => Number(l.level) >= 50);
}

describe('alarm end to end: file camera → faces → events → rules → GPIO sim', () => {
  describe('armed (away)', () => {
    let harness: AlarmApp;
    before(async () => {
      const dir = tempDir();
      const video = await makePersonVideo(dir, { photo: await sampleCell(1), name: 'mallory' });
      harness = await startAlarmApp(dir, video.file, 'away');
    });
    after(() => harness?.stop());

    it('a blacklisted face in a video turns the siren on', async () => {
      const { siren } = harness;
      assert.equal(siren().active, false, 'the siren was on at start');
      const on = await waitFor(
        'the siren to switch on',
        () => (siren().active ? siren() : undefined),
        90_000,
      );
      assert.equal(on.on, true, 'active, but the line is not on');
      assert.equal(on.activated_by?.actor, 'rules');

      // The activation names its event; a later pass of the looped video may have added more.
      const stored = await harness.events('face_blacklisted');
      const face = stored.find((e) => String(on.activated_by?.reason).startsWith(`event ${e.id}: `));
      assert.ok(face, `no stored face_blacklisted event is the cause of: ${on.activated_by?.reason}`);
      assert.equal(face.data.face_name, 'Mallory');
      assert.match(
        String(on.activated_by?.reason),
        new RegExp(`^event ${face.id}: face_blacklisted on door`),
      );
      assert.ok(
        (on.active_since ?? 0) >= face.timestamp,
        `active_since ${on.active_since} precedes the frame ${face.timestamp}`,
      );

      const row = await waitFor(
        'the siren on row in the alarm history',
        () =>
          harness.app.parts.alarm
            .history(50)
            .find((h) => h.kind === 'gpio' && h.subject === 'siren' && h.state === 'on'),
        10_000,
      );
      assert.equal(row.actor, 'rules');
      assert.match(String(row.reason), new RegExp(`event ${face.id}: face_blacklisted on door`));
      assert.match(String(row.reason), /default-blacklisted-face/);
      const http = (await harness.api('GET', '/api/v1/alarm/history')).body.history as Array<
        Record<string, unknown>
      >;
      assert.ok(
        http.some((h) => h.subject === 'siren' && h.state === 'on' && String(h.reason).includes(face.id)),
        'GET /api/v1/alarm/history does not show the siren on row',
      );

      const detail = await waitFor(
        'the face_blacklisted event to be routed',
        async () => {
          const view = await harness.event(face.id);
          return PROCESSED.includes(view.state) ? view : undefined;
        },
        10_000,
      );
      assert.equal(detail.severity, 'critical');
      assert.ok(detail.tags.includes('alert'), `tags ${JSON.stringify(detail.tags)}`);
      assert.equal(detail.state, 'routed');
      assert.ok(detail.decision?.routes?.includes('gpio:siren'), `routes ${JSON.stringify(detail.decision)}`);
      const gpio = (await harness.api('GET', '/api/v1/gpio')).body.outputs as OutputState[];
      assert.deepEqual(
        gpio.map((o) => [o.name, o.active, o.on]),
        [['siren', true, true]],
      );
      assert.deepEqual(errorsIn(harness.logs), [], 'the app logged errors');

      await harness.stop();
    });
  });

  describe('disarmed', () => {
    let harness: AlarmApp;
    before(async () => {
      // The stranger (cell 2) walks by, then Mallory (blacklisted) does: one 18 s loop.
      const dir = tempDir();
      const stranger = await makePersonVideo(dir, { photo: await sampleCell(2), name: 'stranger' });
      const mallory = await makePersonVideo(dir, { photo: await sampleCell(1), name: 'mallory' });
      const list = join(dir, 'both.txt');
      writeFileSync(list, `file '${stranger.file}'\nfile '${mallory.file}'\n`);
      const both = join(dir, 'both.mp4');
      execFileSync('ffmpeg', [
        '-v',
        'error',
        '-y',
        '-f',
        'concat',
        '-safe',
        '0',
        '-i',
        list,
        '-c',
        'copy',
        both,
      ]);
      harness = await startAlarmApp(dir, both, 'disarmed');
    });
    after(() => harness?.stop());

    it('an unknown face while disarmed does not switch the siren on, nor does a blacklisted one', async () => {
      const unknown = await processed(harness, 'face_unknown', 90_000);
      const blacklisted = await processed(harness, 'face_blacklisted', 90_000);
      for (const event of [unknown, blacklisted]) {
        assert.equal(event.state === 'dead_lettered', false, `${event.type} was dead-lettered`);
        assert.ok(
          event.decision?.routes?.includes('web'),
          `${event.type}: ${JSON.stringify(event.decision)}`,
        );
        assert.ok(
          !(event.decision?.routes ?? []).some((r) => r.startsWith('gpio:')),
          `${event.type} was routed to ${JSON.stringify(event.decision?.routes)}`,
        );
      }
      assert.equal(blacklisted.data.face_name, 'Mallory');
      // Routed means every channel it was routed to has been delivered: a gpio.command would be heard by now.
      await sleep(300);
      const history = harness.app.parts.alarm.history(100);
      assert.deepEqual(
        history.filter((h) => h.kind === 'gpio' && h.state === 'on'),
        [],
        'the siren switched on while disarmed',
      );
      const siren = harness.siren();
      assert.equal(siren.on, false);
      assert.equal(siren.active, false);
      assert.equal(siren.active_since, null);
      assert.equal(harness.app.parts.alarm.alarm().mode, 'disarmed');
      assert.deepEqual(errorsIn(harness.logs), [], 'the app logged errors');

      await harness.stop();
    });
  });
});
