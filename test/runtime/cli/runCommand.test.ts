import assert from 'node:assert/strict';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { createSocket } from 'unix-dgram';
import { MIGRATIONS } from '../../../runtime/store/migrations/index';
import { freePort } from '../../helpers/freePort';
import { tempDir } from '../../helpers/tempDir';
import { startVigil } from '../../helpers/vigilProcess';

/** The services in the order they stop: the reverse of the order they start. */
const STOP_ORDER = [
  'web',
  'mqtt',
  'pipeline',
  'media',
  'faces',
  'sensors',
  'events',
  'alarm',
  'bus',
  'auth',
  'store',
  'clock',
];

function writeConfig(dir: string, port: number, extra = ''): string {
  const file = join(dir, 'config.yaml');
  writeFileSync(
    file,
    `device: { id: test-pi, name: Test Pi }\ndata_dir: ${join(dir, 'data')}\nhttp: { host: 127.0.0.1, port: ${port}, auth: { enabled: false } }\n${extra}`,
  );
  return file;
}

describe('vigil run', () => {
  test('serves health and the status page, migrates the database, and stops in reverse order on SIGTERM', async () => {
    const dir = tempDir();
    const port = await freePort();
    const notifyPath = join(dir, 'notify.sock');
    const notifications: string[] = [];
    const notifySocket = createSocket('unix_dgram', (msg) => notifications.push(msg.toString()));
    notifySocket.bind(notifyPath);

    const vigil = startVigil(['run', '--config', writeConfig(dir, port)], { NOTIFY_SOCKET: notifyPath });
    await vigil.waitForLog((l) => l.msg === 'web server listening');
    await vigil.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('vigil is running'));

    const health = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
    assert.equal(health.status, 200);
    const body = (await health.json()) as {
      status: string;
      device: { id: string };
      services: Array<{ name: string; state: string }>;
    };
    assert.equal(body.status, 'ok');
    assert.equal(body.device.id, 'test-pi');
    assert.deepEqual(
      body.services.map((s) => [s.name, s.state]),
      [
        ['clock', 'running'],
        ['store', 'running'],
        ['auth', 'running'],
        ['bus', 'running'],
        ['alarm', 'running'],
        ['events', 'running'],
        ['sensors', 'running'],
        ['faces', 'running'],
        ['media', 'running'],
        ['pipeline', 'running'],
        ['mqtt', 'running'],
        ['web', 'running'],
      ],
    );
    const page = await fetch(`http://127.0.0.1:${port}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>Vigil<\/title>/);

    const db = new Database(join(dir, 'data', 'vigil.db'), { readonly: true });
    assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.close();

    // SIGTERM while requests are in flight.
    const inFlight = Array.from({ length: 20 }, () =>
      fetch(`http://127.0.0.1:${port}/api/v1/metrics`).then(
        (r) => r.status,
        () => 0,
      ),
    );
    vigil.child.kill('SIGTERM');
    const { code } = await vigil.exited;
    await Promise.all(inFlight);
    assert.equal(code, 0, `exit code ${code}; stderr: ${vigil.stderr()}`);
    const stopped = vigil.logs.filter((l) => l.msg === 'service stopped').map((l) => l.service);
    assert.deepEqual(stopped, STOP_ORDER);
    assert.ok(vigil.logs.some((l) => l.msg === 'shutdown complete'));

    assert.ok(
      notifications.some((m) => m.includes('READY=1')),
      `no READY=1 in ${JSON.stringify(notifications)}`,
    );
    assert.ok(
      notifications.some((m) => m.startsWith('STOPPING=1')),
      'no STOPPING=1',
    );
    assert.ok(
      notifications.findIndex((m) => m.includes('READY=1')) <
        notifications.findIndex((m) => m.startsWith('STOPPING=1')),
    );
    notifySocket.close();

    const after = new Database(join(dir, 'data', 'vigil.db'), { readonly: true });
    const run = after.prepare('SELECT stopped_at, exit_reason FROM runs ORDER BY id DESC LIMIT 1').get() as {
      stopped_at: number | null;
      exit_reason: string;
    };
    assert.notEqual(run.stopped_at, null, 'the run was not marked as cleanly stopped');
    after.close();
  });

  test('after kill -9, the next start reports the unclean stop', async () => {
    const dir = tempDir();
    const port = await freePort();
    const config = writeConfig(dir, port);
    const first = startVigil(['run', '--config', config]);
    await first.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('vigil is running'));
    first.child.kill('SIGKILL');
    await first.exited;

    const second = startVigil(['run', '--config', config]);
    await second.waitForLog(
      (l) => typeof l.msg === 'string' && l.msg.startsWith('previous run did not stop cleanly'),
    );
    await second.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('vigil is running'));
    const health = (await (await fetch(`http://127.0.0.1:${port}/api/v1/health`)).json()) as {
      services: Array<{ name: string; detail?: { previous_run_clean: boolean } }>;
    };
    assert.equal(health.services.find((s) => s.name === 'store')?.detail?.previous_run_clean, false);
    second.child.kill('SIGTERM');
    assert.equal((await second.exited).code, 0);
  });

  test('a port in use fails the start with exit 1 and says what to do', async () => {
    const dir = tempDir();
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const port = (blocker.address() as { port: number }).port;
    const vigil = startVigil(['run', '--config', writeConfig(dir, port)]);
    const { code } = await vigil.exited;
    blocker.close();
    assert.equal(code, 1);
    const fatal = vigil.logs.find((l) => l.msg === 'vigil could not start');
    assert.ok(fatal, 'no fatal log line');
    assert.match(JSON.stringify(fatal), new RegExp(`port ${port} on 127.0.0.1 is already in use`));
    assert.deepEqual(
      vigil.logs.filter((l) => l.msg === 'service stopped').map((l) => l.service),
      STOP_ORDER,
    );
  });

  test('an invalid config is refused with exit 2 and every error', async () => {
    const dir = tempDir();
    const config = writeConfig(dir, 8080, 'mqtt: { enabeld: true, qos: 7 }\n');
    const vigil = startVigil(['run', '--config', config]);
    const { code } = await vigil.exited;
    assert.equal(code, 2);
    const lines = vigil.stderr().trim().split('\n');
    assert.ok(
      lines.some((l) => l.startsWith('mqtt.enabeld: ')),
      vigil.stderr(),
    );
    assert.ok(
      lines.some((l) => l.startsWith('mqtt.qos: ')),
      vigil.stderr(),
    );
    assert.match(vigil.stderr(), /not starting: 2 error/);
  });

  test('an unwritable data_dir fails with the database file named', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'blocker'), '');
    const file = join(dir, 'config.yaml');
    writeFileSync(file, `data_dir: ${join(dir, 'blocker', 'data')}\nhttp: { enabled: false }\n`);
    const vigil = startVigil(['run', '--config', file]);
    const { code } = await vigil.exited;
    assert.equal(code, 1);
    assert.match(JSON.stringify(vigil.logs), /blocker\/data\/vigil\.db/);
  });
});

describe('vigil --version', () => {
  test('prints the package version', async () => {
    const vigil = startVigil(['--version']);
    const { code } = await vigil.exited;
    assert.equal(code, 0);
    assert.match(JSON.stringify(vigil.logs), /\d+\.\d+\.\d+/);
  });
});
