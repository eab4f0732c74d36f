import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { LoginThrottle } from '../../../../runtime/web/auth/loginThrottle';
import { tempDir } from '../../../helpers/tempDir';
import { generatedPassword, type RunningApp, startApp } from './authKit';

interface Answer {
  status: number;
  retryAfter: number | null;
  body: { error?: string; field?: string };
}

/**
 * A login sent from `from`, one of the loopback addresses (127.0.0.0/8 all reach the host on
 * Linux), so the appliance sees several clients.
 */
function loginFrom(running: RunningApp, from: string, password: string): Promise<Answer> {
  const url = new URL(`${running.url}/api/v1/auth/login`);
  const body = JSON.stringify({ password });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress: from,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          const retryAfter = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: retryAfter === undefined ? null : Number(retryAfter),
            body: JSON.parse(text) as Answer['body'],
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('login limits across addresses', () => {
  it('limits each address, and caps failed logins from all addresses together, the right password waiting too', async () => {
    const running = await startApp(
      tempDir(),
      'auth: { login_attempts_per_minute: 3, failed_logins_per_minute: 7, backoff_after_failures: 100 }',
    );
    try {
      const password = generatedPassword(running.logs) ?? '';
      for (let i = 0; i < 3; i++) assert.equal((await loginFrom(running, '127.0.0.2', 'guess')).status, 401);
      const limited = await loginFrom(running, '127.0.0.2', 'guess');
      assert.equal(limited.status, 429, 'the address has had its 3 attempts');
      // Another address is not held by the first one's limit...
      for (let i = 0; i < 3; i++) assert.equal((await loginFrom(running, '127.0.0.3', 'guess')).status, 401);
      assert.equal((await loginFrom(running, '127.0.0.4', 'guess')).status, 401);
      // ...but the 7 failures from all of them fill the global cap: a fresh address, the right password, waits.
      const capped = await loginFrom(running, '127.0.0.5', password);
      assert.equal(capped.status, 429);
      assert.ok(
        (capped.retryAfter ?? 0) > 0 && (capped.retryAfter ?? 0) <= 60,
        `Retry-After ${capped.retryAfter}`,
      );
      assert.equal(capped.body.field, 'password');
      assert.match(capped.body.error ?? '', /too many login attempts — wait \d+ s/);
      assert.equal(
        (running.app.parts.store.db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n,
        0,
        'no session was opened',
      );
    } finally {
      await running.stop();
    }
  });

  it('doubles the wait after each further failure, whichever address it comes from, until a login succeeds', async () => {
    const running = await startApp(
      tempDir(),
      'auth: { login_attempts_per_minute: 100, failed_logins_per_minute: 100, backoff_after_failures: 2 }',
    );
    try {
      const password = generatedPassword(running.logs) ?? '';
      assert.equal((await loginFrom(running, '127.0.0.2', 'guess')).status, 401);
      assert.equal((await loginFrom(running, '127.0.0.3', 'guess')).status, 401);
      // Second failure in a row: 1 s before the next attempt is heard, from any address.
      const first = await loginFrom(running, '127.0.0.4', password);
      assert.equal(first.status, 429);
      assert.equal(first.retryAfter, 1);
      await sleep(1_100);
      assert.equal((await loginFrom(running, '127.0.0.5', 'guess')).status, 401);
      const second = await loginFrom(running, '127.0.0.6', password);
      assert.equal(second.status, 429);
      assert.equal(second.retryAfter, 2, 'the next failure doubled the wait');
      await sleep(2_100);
      assert.equal((await loginFrom(running, '127.0.0.7', password)).status, 200);
      // The right password ended the backoff.
      assert.equal((await loginFrom(running, '127.0.0.2', 'guess')).status, 401);
      assert.equal((await loginFrom(running, '127.0.0.2', 'guess')).status, 401);
      assert.equal((await loginFrom(running, '127.0.0.2', 'guess')).status, 429);
    } finally {
      await running.stop();
    }
  });
});

describe('LoginThrottle', () => {
  const verdicts = async (throttle: LoginThrottle, outcomes: boolean[]) => {
    const out: string[] = [];
    for (const ok of outcomes) {
      const verdict = await throttle.attempt(async () => (ok ? 'session' : null));
      out.push(verdict.kind === 'wait' ? `wait ${verdict.retryAfterMs}` : verdict.kind);
    }
    return out;
  };

  it('doubles the wait up to its cap', async () => {
    let now = 0;
    const throttle = new LoginThrottle(
      { failedPerMinute: 1000, backoffAfter: 3, maxBackoffMs: 5_000 },
      () => now,
    );
    assert.deepEqual(await verdicts(throttle, [false, false, false, true]), [
      'wrong',
      'wrong',
      'wrong',
      'wait 1000',
    ]);
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      now += 60_000;
      await throttle.attempt(async () => null);
      const verdict = await throttle.attempt(async () => 'session');
      waits.push(verdict.kind === 'wait' ? verdict.retryAfterMs : 0);
    }
    assert.deepEqual(waits, [2_000, 4_000, 5_000, 5_000, 5_000]);
  });

  it('checks one password at a time and counts the waiting ones against the cap', async () => {
    const throttle = new LoginThrottle({ failedPerMinute: 2, backoffAfter: 100, maxBackoffMs: 1_000 });
    let running = 0;
    let most = 0;
    const slowWrong = async () => {
      running += 1;
      most = Math.max(most, running);
      await sleep(20);
      running -= 1;
      return null;
    };
    const kinds = (await Promise.all([1, 2, 3, 4].map(() => throttle.attempt(slowWrong)))).map((v) => v.kind);
    assert.equal(most, 1, 'never two scrypt checks at once');
    assert.deepEqual(kinds, ['wrong', 'wrong', 'wait', 'wait']);
  });
});
