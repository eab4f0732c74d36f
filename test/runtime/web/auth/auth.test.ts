import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { adminPasswordCommand } from '../../../../runtime/cli/adminPasswordCommand';
import { adminCredentialFile } from '../../../../runtime/web/auth/adminCredential';
import { tempDir } from '../../../helpers/tempDir';
import { VIGIL_BUNDLE } from '../../../helpers/vigilProcess';
import { generatedPassword, logIn, type RunningApp, sessionCookie, startApp } from './authKit';

async function alarmMode(running: RunningApp): Promise<string> {
  const reply = await running.app.parts.web.app.inject({
    method: 'GET',
    url: '/api/v1/alarm',
    headers: { authorization: 'Bearer t0ken' },
  });
  return (reply.json() as { mode: string }).mode;
}

function sessionRows(running: RunningApp): number {
  return (running.app.parts.store.db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n;
}

describe('login for the page and API', () => {
  it('creates the admin password once, logs it once, and guards the API while health stays open', async () => {
    const dir = tempDir();
    const first = await startApp(dir);
    let password: string | undefined;
    try {
      password = generatedPassword(first.logs);
      assert.match(password ?? '', /^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
      const file = adminCredentialFile(dir);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.ok(!readFileSync(file, 'utf8').includes(password ?? '-'), 'only the hash is stored');

      const health = await fetch(`${first.url}/api/v1/health`);
      assert.equal(health.status, 200);
      for (const path of [
        '/api/v1/events',
        '/api/v1/alarm',
        '/metrics',
        '/api/v1/nope',
        '/api/v1/openapi.json',
      ]) {
        const response = await fetch(`${first.url}${path}`);
        assert.equal(response.status, 401, path);
        assert.match(((await response.json()) as { error: string }).error, /log in first/);
      }
      for (const [path, type] of [
        ['/api/v1/events', 'application/json'],
        ['/api/v1/events/batch', 'application/x-ndjson'],
      ] as const) {
        const ingest = await fetch(`${first.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': type },
          body: '{"type":"sensor","label":"door"}',
        });
        assert.equal(ingest.status, 401, `POST ${path} without a login`);
      }
      const page = await fetch(`${first.url}/`);
      assert.equal(page.status, 200, 'the page shell itself is open; it asks for the login');
      for (const [name, value] of [
        ['x-content-type-options', 'nosniff'],
        ['x-frame-options', 'DENY'],
      ]) {
        assert.equal(page.headers.get(name ?? ''), value);
      }
      assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    } finally {
      await first.stop();
    }
    const second = await startApp(dir);
    try {
      assert.equal(generatedPassword(second.logs), undefined, 'the password is shown only once');
      await logIn(second.url, password ?? '');
    } finally {
      await second.stop();
    }
  });

  it('refuses a wrong password with the field named, and opens a session with the right one', async () => {
    const running = await startApp(tempDir());
    try {
      const wrong = await fetch(`${running.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ password: 'not-it' }),
      });
      assert.equal(wrong.status, 401);
      assert.deepEqual(await wrong.json(), { error: 'wrong password', field: 'password' });
      assert.equal(wrong.headers.getSetCookie().length, 0);
      assert.equal(sessionRows(running), 0, 'a failed login stores nothing');

      const unknownField = await fetch(`${running.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ password: 'x', remember: true }),
      });
      assert.equal(unknownField.status, 400);
      assert.equal(((await unknownField.json()) as { field: string }).field, 'remember');

      const ok = await fetch(`${running.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ password: generatedPassword(running.logs) }),
      });
      assert.equal(ok.status, 200);
      const setCookie = ok.headers.getSetCookie().join('\n');
      assert.match(setCookie, /HttpOnly/);
      assert.match(setCookie, /SameSite=Strict/);
      assert.doesNotMatch(setCookie, /Secure/, 'plain HTTP: a Secure cookie would never come back');
      const cookie = sessionCookie(ok);
      assert.ok(
        !JSON.stringify(running.app.parts.store.db.prepare('SELECT * FROM sessions').all()).includes(
          cookie.split('=')[1] ?? '-',
        ),
      );

      const events = await fetch(`${running.url}/api/v1/events`, { headers: { cookie } });
      assert.equal(events.status, 200);
      const session = await fetch(`${running.url}/api/v1/auth/session`, { headers: { cookie } });
      assert.equal(((await session.json()) as { method: string }).method, 'session');

      const logout = await fetch(`${running.url}/api/v1/auth/logout`, {
        method: 'POST',
        headers: { cookie },
      });
      assert.equal(logout.status, 204);
      assert.equal((await fetch(`${running.url}/api/v1/events`, { headers: { cookie } })).status, 401);
      assert.ok(running.logs.some((l) => l.msg === 'login failed: wrong password'));
    } finally {
      await running.stop();
    }
  });

  it('rate-limits login attempts per client with 429 and Retry-After', async () => {
    const running = await startApp(tempDir(), 'auth: { login_attempts_per_minute: 3 }');
    try {
      const attempt = () =>
        fetch(`${running.url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ password: 'guess' }),
        });
      for (let i = 0; i < 3; i++) assert.equal((await attempt()).status, 401);
      const limited = await attempt();
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
      const body = (await limited.json()) as { error: string; field: string };
      assert.match(body.error, /too many login attempts — wait \d+ s/);
      // Even the right password waits: a guesser cannot tell.
      const right = await fetch(`${running.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ password: generatedPassword(running.logs) }),
      });
      assert.equal(right.status, 429);
      assert.equal(sessionRows(running), 0);
    } finally {
      await running.stop();
    }
  });

  it('ends a session when it expires', async () => {
    // 0.0005 h = 1.8 s
    const running = await startApp(tempDir(), 'auth: { session_hours: 0.0005 }');
    try {
      const cookie = await logIn(running.url, generatedPassword(running.logs) ?? '');
      assert.equal((await fetch(`${running.url}/api/v1/alarm`, { headers: { cookie } })).status, 200);
      await sleep(2_000);
      const expired = await fetch(`${running.url}/api/v1/alarm`, { headers: { cookie } });
      assert.equal(expired.status, 401);
    } finally {
      await running.stop();
    }
  });

  it('accepts the configured token (Bearer, or Basic as password), and a wrong one never falls back to the cookie', async () => {
    const running = await startApp(tempDir(), 'auth: { token: t0ken }');
    try {
      const ok = await fetch(`${running.url}/api/v1/alarm`, { headers: { authorization: 'Bearer t0ken' } });
      assert.equal(ok.status, 200);
      const cookie = await logIn(running.url, generatedPassword(running.logs) ?? '');
      const wrong = await fetch(`${running.url}/api/v1/alarm`, {
        headers: { authorization: 'Bearer nope', cookie },
      });
      assert.equal(wrong.status, 401);
      assert.equal(
        (await fetch(`${running.url}/metrics`, { headers: { authorization: 'Bearer t0ken' } })).status,
        200,
      );
      // Home Assistant's generic camera speaks only Basic: the token as password, on the camera
      // image routes only (404: let in, and no object seen yet on a camera-less appliance).
      const basic = (secret: string) => `Basic ${Buffer.from(`homeassistant:${secret}`).toString('base64')}`;
      const snapshot = await fetch(`${running.url}/api/v1/cameras/front/snapshot.jpg`, {
        headers: { authorization: basic('t0ken') },
      });
      assert.equal(snapshot.status, 404);
      const guessed = await fetch(`${running.url}/api/v1/cameras/front/snapshot.jpg`, {
        headers: { authorization: basic('t0ke') },
      });
      assert.equal(guessed.status, 401);
      assert.equal(guessed.headers.get('www-authenticate'), 'Basic realm="Vigil", charset="UTF-8"');
      const elsewhere = await fetch(`${running.url}/api/v1/alarm`, {
        headers: { authorization: basic('t0ken') },
      });
      assert.equal(elsewhere.status, 401, 'Basic is not taken beyond the camera images');
    } finally {
      await running.stop();
    }
  });

  it('refuses a cross-site change made with the session cookie, changing nothing', async () => {
    const running = await startApp(tempDir(), 'auth: { token: t0ken }');
    try {
      const cookie = await logIn(running.url, generatedPassword(running.logs) ?? '');
      const before = await alarmMode(running);
      const forged = await fetch(`${running.url}/api/v1/alarm`, {
        method: 'PUT',
        headers: { cookie, origin: 'http://evil.example', 'content-type': 'application/json' },
        body: JSON.stringify({ mode: 'away' }),
      });
      assert.equal(forged.status, 403);
      assert.equal(((await forged.json()) as { field: string }).field, 'origin');
      assert.equal(await alarmMode(running), before);
      const own = await fetch(`${running.url}/api/v1/alarm`, {
        method: 'PUT',
        headers: { cookie, origin: running.url, 'content-type': 'application/json' },
        body: JSON.stringify({ mode: 'away' }),
      });
      assert.equal(own.status, 200, await own.text());
      assert.equal(await alarmMode(running), 'away');
    } finally {
      await running.stop();
    }
  });

  it('keeps sessions across a restart, and ends them after the password is reset', async () => {
    const dir = tempDir();
    let running = await startApp(dir);
    const password = generatedPassword(running.logs) ?? '';
    const cookie = await logIn(running.url, password);
    await running.stop();
    running = await startApp(dir);
    try {
      assert.equal((await fetch(`${running.url}/api/v1/alarm`, { headers: { cookie } })).status, 200);
    } finally {
      await running.stop();
    }

    const out: string[] = [];
    const configFile = join(tempDir(), 'config.yaml');
    writeFileSync(configFile, `data_dir: ${dir}\n`);
    const io = { stdout: (t: string) => void out.push(t), stderr: (t: string) => void out.push(t) };
    assert.equal(await adminPasswordCommand(['--config', configFile], {}, io), 0);
    assert.match(out.join(''), /already set/);
    out.length = 0;
    assert.equal(await adminPasswordCommand(['--config', configFile, '--reset'], {}, io), 0);
    const fresh = /admin password: (\S+)/.exec(out.join(''))?.[1] ?? '';
    assert.notEqual(fresh, password);

    running = await startApp(dir);
    try {
      assert.equal((await fetch(`${running.url}/api/v1/alarm`, { headers: { cookie } })).status, 401);
      const old = await fetch(`${running.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ password }),
      });
      assert.equal(old.status, 401);
      await logIn(running.url, fresh);
    } finally {
      await running.stop();
    }
  });

  it('ends the sessions of the old password at their next request when it is reset while vigil runs', async () => {
    const dir = tempDir();
    const running = await startApp(dir, 'auth: { token: t0ken }');
    try {
      const old = generatedPassword(running.logs) ?? '';
      const cookie = await logIn(running.url, old);
      const other = await logIn(running.url, old);
      assert.equal((await fetch(`${running.url}/api/v1/alarm`, { headers: { cookie } })).status, 200);

      // The command line is another process: it only replaces the file.
      const configFile = join(tempDir(), 'config.yaml');
      writeFileSync(configFile, `data_dir: ${dir}\n`);
      const reset = spawnSync(
        process.execPath,
        [VIGIL_BUNDLE, 'admin-password', '--config', configFile, '--reset'],
        {
          encoding: 'utf8',
          env: { PATH: process.env.PATH },
        },
      );
      assert.equal(reset.status, 0, reset.stderr);
      const fresh = /admin password: (\S+)/.exec(reset.stdout)?.[1] ?? '';

      for (const session of [cookie, other]) {
        assert.equal(
          (await fetch(`${running.url}/api/v1/alarm`, { headers: { cookie: session } })).status,
          401,
        );
      }
      const check = await fetch(`${running.url}/api/v1/auth/session`, { headers: { cookie } });
      assert.equal(check.status, 401);
      assert.equal(
        (await fetch(`${running.url}/api/v1/alarm`, { headers: { authorization: 'Bearer t0ken' } })).status,
        200,
        'the token is not the password: it still works',
      );
      const refused = await fetch(`${running.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ password: old }),
      });
      assert.equal(refused.status, 401);
      const renewed = await logIn(running.url, fresh);
      assert.equal(
        (await fetch(`${running.url}/api/v1/alarm`, { headers: { cookie: renewed } })).status,
        200,
      );
    } finally {
      await running.stop();
    }
  });

  it('with auth disabled, serves everything and warns once at start', async () => {
    const running = await startApp(tempDir(), 'auth: { enabled: false }');
    try {
      assert.equal((await fetch(`${running.url}/api/v1/alarm`)).status, 200);
      assert.equal(generatedPassword(running.logs), undefined);
      assert.ok(running.logs.some((l) => l.level === 40 && /http\.auth\.enabled is false/.test(l.msg ?? '')));
      const session = await fetch(`${running.url}/api/v1/auth/session`);
      assert.equal(((await session.json()) as { method: string }).method, 'disabled');
    } finally {
      await running.stop();
    }
  });
});
