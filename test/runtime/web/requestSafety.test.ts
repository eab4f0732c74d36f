import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { tempDir } from '../../helpers/tempDir';
import { type RunningApp, startApp } from './auth/authKit';

interface RawReply {
  status: number;
  body: string;
}

/** Sends the path byte for byte: fetch and URL would resolve `..` before it left the process. */
function rawRequest(
  base: string,
  method: string,
  path: string,
  body?: Buffer | string,
  type = 'application/json',
) {
  const { hostname, port } = new URL(base);
  return new Promise<RawReply>((resolve, reject) => {
    const headers: Record<string, string> = { authorization: 'Bearer t0ken' };
    if (body !== undefined) headers['content-type'] = type;
    const req = request({ hostname, port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('latin1') }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Every row of every table, so "changed nothing" can be checked as a whole. */
function databaseContents(running: RunningApp): string {
  const db = running.app.parts.store.db;
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%' ORDER BY name")
    .all() as Array<{ name: string }>;
  return JSON.stringify(tables.map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}"`).all()]));
}

const SECRETS = /root:x:0|SQLite format|"scrypt"|BEGIN .*PRIVATE KEY/;

describe('hostile requests', () => {
  it('never serves a file outside the data directory through clip, snapshot or face URLs', async () => {
    const running = await startApp(tempDir(), 'auth: { token: t0ken }');
    try {
      const attempts = [
        '/api/v1/incidents/../../../../etc/passwd/clip.mp4',
        '/api/v1/incidents/..%2F..%2F..%2F..%2Fetc%2Fpasswd/clip.mp4',
        '/api/v1/incidents/%2e%2e%2f%2e%2e%2fvigil.db/clip.mp4',
        '/api/v1/events/..%2F..%2Fvigil.db/snapshot.jpg',
        '/api/v1/events/x/snapshot.jpg?variant=../../../etc/passwd',
        '/api/v1/events/..%5c..%5cvigil.db/thumbnail.jpg',
        '/api/v1/cameras/..%2F..%2F..%2Fetc/latest.jpg',
        '/api/v1/faces/..%2Fauth%2Fadmin.json/thumbnail.jpg',
        '/api/v1/faces/unknown/..%2F..%2Fvigil.db/crop.jpg',
        '/api/v1/faces/unknown/%00/crop.jpg',
        '/assets/..%2F..%2F..%2Fetc%2Fpasswd',
        '/assets/../../../etc/passwd',
      ];
      for (const path of attempts) {
        const reply = await rawRequest(running.url, 'GET', path);
        assert.ok(reply.status >= 400 && reply.status < 500, `${path} answered ${reply.status}`);
        assert.doesNotMatch(reply.body, SECRETS, path);
      }
    } finally {
      await running.stop();
    }
  });

  it('answers malformed, mistyped and oversized bodies on every changing route with 4xx, changing nothing', async () => {
    const running = await startApp(
      tempDir(),
      'auth: { token: t0ken, login_attempts_per_minute: 100 }, body_limit_kb: 16',
    );
    try {
      const routes: Array<[string, string]> = [
        ['POST', '/api/v1/events'],
        ['PUT', '/api/v1/alarm'],
        ['POST', '/api/v1/gpio/siren'],
        ['POST', '/api/v1/faces'],
        ['PATCH', '/api/v1/cameras/front'],
        ['POST', '/api/v1/events/reroute'],
        ['POST', '/api/v1/auth/login'],
      ];
      let deep = '1';
      for (let i = 0; i < 10_000; i++) deep = `{"a":${deep}}`;
      const bodies: Array<[string, Buffer | string, string, number[]]> = [
        ['not JSON', '{"mode": ', 'application/json', [400]],
        [
          'invalid UTF-8',
          Buffer.from([0x7b, 0x22, 0x6d, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
          'application/json',
          [400],
        ],
        ['an array', '[1,2,3]', 'application/json', [400]],
        [
          'wrong types',
          '{"mode": 7, "action": [], "password": {}, "name": null, "ids": "x"}',
          'application/json',
          [400],
        ],
        ['deep nesting', deep, 'application/json', [400, 413]],
        ['a prototype-pollution key', '{"__proto__": {"admin": true}}', 'application/json', [400]],
        ['the wrong content type', 'mode=away', 'application/x-www-form-urlencoded', [415]],
        ['a huge body', `{"mode":"${'a'.repeat(17 * 1024 * 1024)}"}`, 'application/json', [413]],
      ];
      const before = databaseContents(running);
      for (const [method, path] of routes) {
        for (const [what, body, type, statuses] of bodies) {
          const reply = await rawRequest(running.url, method, path, body, type);
          assert.ok(
            statuses.includes(reply.status),
            `${method} ${path} with ${what}: ${reply.status} ${reply.body.slice(0, 200)}`,
          );
          const parsed = JSON.parse(reply.body) as { error: string; field: string | null };
          assert.ok(parsed.error.length > 0, `${method} ${path} with ${what} explains itself`);
          if (reply.status === 400)
            assert.ok(parsed.field, `${method} ${path} with ${what} names the field: ${reply.body}`);
        }
      }
      assert.equal(databaseContents(running), before, 'the database is unchanged');
      const alarm = await rawRequest(running.url, 'GET', '/api/v1/alarm');
      assert.match(alarm.body, /"mode":"disarmed"/);
    } finally {
      await running.stop();
    }
  });
});
