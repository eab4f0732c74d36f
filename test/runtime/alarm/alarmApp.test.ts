import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually, sysfsRead, sysfsTree } from '../../hal/gpio/fixtures/gpioFixtures';
import { freePort } from '../../helpers/freePort';
import { tempDir } from '../../helpers/tempDir';
import { startVigil, VIGIL_BUNDLE, type VigilProcess } from '../../helpers/vigilProcess';

const SIREN = 17;
const DOOR = 22;
const TAMPER = 23;

interface OutputView {
  name: string;
  on: boolean;
  active: boolean;
  active_until: number | null;
  silenced_until: number | null;
}
interface GpioView {
  outputs: OutputView[];
  inputs: Array<{ name: string; sensor: string; active: boolean | null }>;
}
interface EventView {
  id: string;
  type: string;
  severity: string;
  source: string;
  tags: string[];
  data: Record<string, unknown>;
}

/** The built appliance with a siren and two sensors on a sysfs GPIO tree in a temporary directory. */
describe('vigil run with GPIO on a sysfs tree', () => {
  const dir = tempDir();
  const root = sysfsTree(join(dir, 'gpio'), [SIREN, DOOR, TAMPER]);
  const config = join(dir, 'config.yaml');
  let base = '';
  let vigil: VigilProcess;

  const start = async () => {
    vigil = startVigil(['run', '--config', config]);
    await vigil.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('vigil is running'), 30_000);
  };
  const stop = async () => {
    if (vigil.child.exitCode === null && vigil.child.signalCode === null) vigil.child.kill('SIGTERM');
    await vigil.exited;
  };
  const api = async (method: string, path: string, body?: unknown) => {
    const reply = await fetch(`${base}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return { status: reply.status, body: (await reply.json()) as Record<string, unknown> };
  };
  const gpio = async () => (await api('GET', '/api/v1/gpio')).body as unknown as GpioView;
  const siren = async () => (await gpio()).outputs.find((o) => o.name === 'siren');
  const wire = (pin: number, level: 0 | 1) => writeFileSync(join(root, `gpio${pin}`, 'value'), `${level}\n`);

  before(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const line = (pin: number, rest: string) =>
      `{ driver: sysfs, sysfs_root: ${root}, pin: ${pin}, ${rest} }`;
    writeFileSync(
      config,
      [
        'device: { id: gpio-test, name: GPIO test, timezone: Europe/Berlin }',
        `data_dir: ${join(dir, 'data')}`,
        `http: { host: 127.0.0.1, port: ${port}, auth: { enabled: false } }`,
        'gpio:',
        `  siren: ${line(SIREN, 'direction: output, max_on: 30')}`,
        `  door: ${line(DOOR, 'direction: input, sensor: door, debounce_ms: 40')}`,
        `  tamper: ${line(TAMPER, 'direction: input, sensor: tamper, debounce_ms: 40')}`,
        'alarm: { mode: away }',
        '',
      ].join('\n'),
    );
    await start();
  });
  after(stop);

  it('shows the siren OFF at start and the inputs with their sensor kind', async () => {
    assert.equal(sysfsRead(root, SIREN, 'value'), '0');
    // 'low' sets output-and-off in one write (a real kernel reads it back as 'out').
    assert.equal(sysfsRead(root, SIREN, 'direction'), 'low');
    const view = await gpio();
    assert.deepEqual(
      view.outputs.map((o) => [o.name, o.on, o.active]),
      [['siren', false, false]],
    );
    assert.deepEqual(
      view.inputs.map((i) => [i.name, i.sensor, i.active]),
      [
        ['door', 'door', false],
        ['tamper', 'tamper', false],
      ],
    );
  });

  it('refuses bad commands with the field named, and changes nothing', async () => {
    const before = await gpio();
    const alarmBefore = (await api('GET', '/api/v1/alarm')).body;
    const historyBefore = (await api('GET', '/api/v1/alarm/history')).body;
    const cases: Array<[string, string, unknown, number, string, RegExp]> = [
      [
        'POST',
        '/api/v1/gpio/horn',
        { action: 'on' },
        404,
        'name',
        /no GPIO output named 'horn' \(outputs: siren\)/,
      ],
      ['POST', '/api/v1/gpio/door', { action: 'on' }, 400, 'name', /gpio\.door is an input/],
      ['POST', '/api/v1/gpio/siren', { action: 'on', duration_seconds: -5 }, 400, 'duration_seconds', /0/],
      [
        'POST',
        '/api/v1/gpio/siren',
        { action: 'on', duration_seconds: 31 },
        400,
        'duration_seconds',
        /max_on \(30\)/,
      ],
      ['POST', '/api/v1/gpio/siren', { action: 'blast' }, 400, 'action', /allowed values|one of/],
      ['POST', '/api/v1/gpio/siren', {}, 400, 'action', /action/],
      [
        'PUT',
        '/api/v1/alarm',
        { mode: 'holiday' },
        400,
        'mode',
        /mode "holiday" is not one of alarm\.modes \(disarmed, home, away\)/,
      ],
      ['PUT', '/api/v1/alarm', { mode: 'awya' }, 400, 'mode', /did you mean 'away'/],
    ];
    for (const [method, path, body, status, field, message] of cases) {
      const reply = await api(method, path, body);
      const what = `${method} ${path} ${JSON.stringify(body)}`;
      assert.equal(reply.status, status, `${what}: ${JSON.stringify(reply.body)}`);
      assert.equal(reply.body.field, field, what);
      assert.match(String(reply.body.error), message, what);
    }
    assert.deepEqual(await gpio(), before);
    assert.deepEqual((await api('GET', '/api/v1/alarm')).body, alarmBefore);
    assert.deepEqual((await api('GET', '/api/v1/alarm/history')).body, historyBefore);
    assert.equal(sysfsRead(root, SIREN, 'value'), '0');
  });

  it('turns a door opening and a tamper switch into stored sensor events; a bounce is not an event', async () => {
    // A 10 ms bounce, shorter than debounce_ms: nothing.
    wire(DOOR, 1);
    await sleep(10);
    wire(DOOR, 0);
    await sleep(300);
    wire(DOOR, 1);
    wire(TAMPER, 1);
    let events: EventView[] = [];
    await eventually(
      'two sensor events',
      async () => {
        const reply = await api('GET', '/api/v1/events?type=sensor&limit=10');
        events = (reply.body as { events: EventView[] }).events;
        return events.length >= 2;
      },
      10_000,
    );
    await sleep(300);
    events = ((await api('GET', '/api/v1/events?type=sensor&limit=10')).body as { events: EventView[] })
      .events;
    const door = events.filter((e) => e.source === 'gpio:door');
    const tamper = events.filter((e) => e.source === 'gpio:tamper');
    assert.equal(door.length, 1, `door events: ${JSON.stringify(door)}`);
    assert.deepEqual(door[0]?.data, {
      input: 'door',
      sensor: 'door',
      active: true,
      state: 'open',
      tamper: false,
    });
    assert.equal(door[0]?.severity, 'high', 'a door opening while away is an alert');
    assert.deepEqual(door[0]?.tags, ['alert']);
    assert.equal(tamper[0]?.data.tamper, true);
    assert.equal(tamper[0]?.severity, 'high');
    const inputs = (await gpio()).inputs;
    assert.deepEqual(
      inputs.map((i) => [i.name, i.active]),
      [
        ['door', true],
        ['tamper', true],
      ],
    );
  });

  it('drives the siren by hand, silences it, and records who did what', async () => {
    let reply = await api('POST', '/api/v1/gpio/siren', {
      action: 'on',
      duration_seconds: 20,
      reason: 'test',
    });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(sysfsRead(root, SIREN, 'value'), '1');
    assert.equal((reply.body.output as OutputView).on, true);
    reply = await api('POST', '/api/v1/gpio/siren', { action: 'silence', duration_seconds: 60 });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(sysfsRead(root, SIREN, 'value'), '0');
    assert.ok((reply.body.output as OutputView).silenced_until);
    const history = (await api('GET', '/api/v1/alarm/history?limit=5')).body.history as Array<
      Record<string, unknown>
    >;
    assert.deepEqual(
      history.slice(0, 2).map((h) => [h.kind, h.subject, h.state, h.actor]),
      [
        ['gpio', 'siren', 'silenced', 'api'],
        ['gpio', 'siren', 'on', 'api'],
      ],
    );
  });

  it('after kill -9 with the siren on, `vigil gpio off` (ExecStopPost) switches it off; a start is OFF; the mode survives', async () => {
    let reply = await api('PUT', '/api/v1/alarm', { mode: 'home', reason: 'test' });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(reply.body.mode, 'home');
    reply = await api('POST', '/api/v1/gpio/siren', { action: 'on' });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(sysfsRead(root, SIREN, 'value'), '1');

    vigil.child.kill('SIGKILL');
    await vigil.exited;
    assert.equal(sysfsRead(root, SIREN, 'value'), '1', 'a killed process cannot switch anything off itself');
    const off = spawnSync(process.execPath, [VIGIL_BUNDLE, 'gpio', 'off', '--config', config], {
      encoding: 'utf8',
    });
    assert.equal(off.status, 0, off.stderr);
    assert.match(off.stdout, /gpio\.siren: off \(sysfs, level 0\)/);
    assert.equal(sysfsRead(root, SIREN, 'value'), '0');

    // Whatever the line was left at, a start puts it in the safe state.
    wire(SIREN, 1);
    await start();
    const alarm = (await api('GET', '/api/v1/alarm')).body;
    assert.equal(alarm.mode, 'home', 'the alarm mode set before the crash was lost');
    assert.equal(sysfsRead(root, SIREN, 'value'), '0');
    assert.equal((await siren())?.on, false);
  });
});
