import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { freePort } from '../helpers/freePort';
import { tempDir } from '../helpers/tempDir';
import { startVigil, VIGIL_BUNDLE, type VigilProcess } from '../helpers/vigilProcess';
import { logIn } from './web/auth/authKit';
import { lintOpenApi } from './web/openApiLint';

const TOKEN = 'central-t0ken';

/** A `vigil central` config on a free port; its broker is not there (the API does not need it). */
async function centralConfig(dir: string, http = ''): Promise<{ file: string; port: number }> {
  const port = await freePort();
  const brokerPort = await freePort();
  const file = join(dir, 'central.yaml');
  writeFileSync(
    file,
    [
      `data_dir: ${join(dir, 'central-data')}`,
      `http: { host: 127.0.0.1, port: ${port}, auth: { token: ${TOKEN} }${http ? `, ${http}` : ''} }`,
      `mqtt: { url: 'mqtt://127.0.0.1:${brokerPort}' }`,
    ].join('\n'),
  );
  return { file, port };
}

async function startCentral(file: string): Promise<VigilProcess> {
  const central = startVigil(['central', '--config', file]);
  await central.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('vigil central is running'));
  return central;
}

async function stop(central: VigilProcess): Promise<void> {
  central.child.kill('SIGTERM');
  assert.equal((await central.exited).code, 0, central.stderr());
}

describe('vigil central: the login of the appliance', () => {
  test('its API needs the login or the token; health stays open and minimal; admin-password resets it', async () => {
    const dir = tempDir();
    const { file, port } = await centralConfig(dir);
    const base = `http://127.0.0.1:${port}`;
    const central = await startCentral(file);
    try {
      const line = central.logs.find((l) => String(l.msg).startsWith('admin password generated'));
      const password = String(line?.password ?? '');
      assert.match(password, /^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);

      const health = await fetch(`${base}/api/v1/health`);
      assert.equal(health.status, 200);
      const open = (await health.json()) as Record<string, unknown>;
      assert.deepEqual(Object.keys(open).sort(), ['device', 'services', 'status', 'version']);
      assert.deepEqual(
        (open.services as Array<{ name: string }>).map((s) => s.name),
        ['store', 'auth', 'receiver', 'retention', 'web'],
      );

      for (const path of ['/api/v1/devices', '/api/v1/events', '/metrics', '/api/v1/openapi.json']) {
        const refused = await fetch(`${base}${path}`);
        assert.equal(refused.status, 401, path);
        assert.match(((await refused.json()) as { error: string }).error, /log in first/);
      }
      const bearer = { authorization: `Bearer ${TOKEN}` };
      const devices = await fetch(`${base}/api/v1/devices`, { headers: bearer });
      assert.equal(devices.status, 200);
      assert.deepEqual(await devices.json(), { devices: [] });
      assert.equal((await fetch(`${base}/api/v1/events`, { headers: bearer })).status, 200);
      const full = (await (await fetch(`${base}/api/v1/health`, { headers: bearer })).json()) as {
        services: Array<{ name: string; detail?: Record<string, unknown> }>;
      };
      assert.deepEqual(full.services.find((s) => s.name === 'retention')?.detail?.days, 90);

      const cookie = await logIn(base, password);
      assert.equal((await fetch(`${base}/api/v1/devices`, { headers: { cookie } })).status, 200);

      const reset = spawnSync(
        process.execPath,
        [VIGIL_BUNDLE, 'admin-password', '--config', file, '--reset'],
        {
          encoding: 'utf8',
          env: { PATH: process.env.PATH },
        },
      );
      assert.equal(reset.status, 0, reset.stderr);
      const fresh = /admin password: (\S+)/.exec(reset.stdout)?.[1] ?? '';
      assert.equal((await fetch(`${base}/api/v1/devices`, { headers: { cookie } })).status, 401);
      const renewed = await logIn(base, fresh);
      assert.equal((await fetch(`${base}/api/v1/devices`, { headers: { cookie: renewed } })).status, 200);
    } finally {
      await stop(central);
    }
  });

  test('with http.tls it answers HTTPS, and plain HTTP gets no answer', async () => {
    const dir = tempDir();
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    const made = spawnSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ]);
    assert.equal(made.status, 0, String(made.stderr));
    const { file, port } = await centralConfig(dir, `tls: { cert: ${cert}, key: ${key} }`);
    const central = await startCentral(file);
    try {
      const secure = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        httpsGet(
          `https://127.0.0.1:${port}/api/v1/devices`,
          {
            ca: readFileSync(cert),
            headers: { authorization: `Bearer ${TOKEN}` },
            checkServerIdentity: () => undefined,
          },
          (res) => {
            let body = '';
            res.on('data', (chunk) => {
              body += chunk;
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        ).on('error', reject);
      });
      assert.equal(secure.status, 200);
      assert.deepEqual(JSON.parse(secure.body), { devices: [] });

      const plain = await new Promise<string>((resolve) => {
        httpGet(`http://127.0.0.1:${port}/api/v1/health`, (res) => resolve(`answered ${res.statusCode}`)).on(
          'error',
          (err) => resolve(`error ${(err as NodeJS.ErrnoException).code ?? err.message}`),
        );
      });
      assert.match(plain, /^error /, `plain HTTP was ${plain}`);
    } finally {
      await stop(central);
    }
  });

  test("its OpenAPI document passes Redocly's recommended rules and names its own routes", async () => {
    const { file, port } = await centralConfig(tempDir());
    const central = await startCentral(file);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/v1/openapi.json`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      assert.equal(response.status, 200);
      const doc = (await response.json()) as {
        paths: Record<string, Record<string, { operationId?: string }>>;
      };
      assert.equal(doc.paths['/api/v1/devices']?.get?.operationId, 'listDevices');
      assert.equal(doc.paths['/api/v1/events']?.get?.operationId, 'listSyncedEvents');
      const problems = await lintOpenApi(doc);
      assert.deepEqual(
        problems.filter((p) => p.severity === 'error'),
        [],
      );
      // As on the appliance: health is open and reads no input, so it has no 4xx to document.
      assert.deepEqual(
        problems.filter((p) => p.severity === 'warn').map((p) => `${p.rule} ${p.pointer}`),
        ['operation-4xx-response #/paths/~1api~1v1~1health/get/responses'],
      );
    } finally {
      await stop(central);
    }
  });
});
