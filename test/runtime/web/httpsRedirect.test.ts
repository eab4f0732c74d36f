import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { freePort } from '../../helpers/freePort';
import { tempDir } from '../../helpers/tempDir';
import { httpsRequest, type RawAnswer, readAnswer, selfSignedCertificate } from '../../helpers/tls';
import { type RunningApp, startApp } from './auth/authKit';

/** A plain-HTTP request with headers fetch would not send as given (Host, a raw path). */
function plainRequest(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers ?? {} },
      (response) => readAnswer(response).then(resolve, reject),
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

/** Whether anything accepts a TCP connection on the port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The appliance serving HTTPS on its port and the redirect on `redirectPort`, with a bearer token. */
async function startHttps(): Promise<{
  running: RunningApp;
  ca: string;
  httpsPort: number;
  redirectPort: number;
}> {
  const { cert, key, pem } = selfSignedCertificate(tempDir('vigil-tls-'));
  const redirectPort = await freePort();
  const running = await startApp(
    tempDir(),
    `tls: { cert: ${cert}, key: ${key} }, redirect_port: ${redirectPort}, auth: { token: t0ken }`,
  );
  const httpsPort = Number(new URL(running.url).port);
  return { running, ca: pem, httpsPort, redirectPort };
}

describe('plain HTTP beside HTTPS (http.redirect_port)', () => {
  it('answers every request with a 308 to the same path and query on HTTPS, and serves nothing', async () => {
    const { running, ca, httpsPort, redirectPort } = await startHttps();
    try {
      assert.match(running.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      const bearer = { authorization: 'Bearer t0ken' };
      // The same requests over HTTPS give data: the redirect listener withholds it, not the app.
      const served = await httpsRequest(`${running.url}/api/v1/alarm`, { ca, headers: bearer });
      assert.equal(served.status, 200);
      assert.match(served.body, /"mode"/);

      const paths = [
        '/',
        '/api/v1/health',
        '/api/v1/alarm',
        '/api/v1/events?camera=front&limit=5',
        '/metrics',
        '/assets/status.js',
        '/api/v1/config',
        '/no/such/page?a=1&b=%20x',
      ];
      for (const path of paths) {
        const answer = await plainRequest(redirectPort, path, {
          headers: { host: `vigil-abc123.local:${redirectPort}`, ...bearer },
        });
        assert.equal(answer.status, 308, path);
        assert.equal(answer.headers.location, `https://vigil-abc123.local:${httpsPort}${path}`, path);
        assert.equal(answer.body, '', `${path}: no body`);
        assert.equal(answer.headers['set-cookie'], undefined, path);
        assert.equal(answer.headers['content-length'], '0');
      }

      // Home Assistant's MJPEG camera pointed at plain HTTP: its Basic password opens nothing there.
      const mjpeg = await plainRequest(redirectPort, '/api/v1/cameras/front/stream.mjpeg', {
        headers: {
          host: `127.0.0.1:${redirectPort}`,
          authorization: `Basic ${Buffer.from('homeassistant:t0ken').toString('base64')}`,
        },
      });
      assert.equal(mjpeg.status, 308);
      assert.equal(mjpeg.body, '');
      assert.equal(mjpeg.headers['content-type'], undefined);

      // Any method: a login sent to plain HTTP is not answered there (308 keeps the method for the retry).
      const login = await plainRequest(redirectPort, '/api/v1/auth/login', {
        method: 'POST',
        headers: { host: `127.0.0.1:${redirectPort}`, 'content-type': 'application/json' },
        body: JSON.stringify({ password: 'anything' }),
      });
      assert.equal(login.status, 308);
      assert.equal(login.headers.location, `https://127.0.0.1:${httpsPort}/api/v1/auth/login`);
      assert.equal(login.headers['set-cookie'], undefined);
      assert.ok(
        !running.logs.some((line) => /login/.test(line.msg ?? '')),
        'the login never reached the app',
      );

      // An IPv6 literal keeps its brackets; a Host that is not a host name falls back to the address
      // the request came in on; an absolute-form target goes to the start page.
      const v6 = await plainRequest(redirectPort, '/x', { headers: { host: `[fe80::1]:${redirectPort}` } });
      assert.equal(v6.headers.location, `https://[fe80::1]:${httpsPort}/x`);
      const forged = await plainRequest(redirectPort, '/x', { headers: { host: 'evil.example/path@x' } });
      assert.equal(forged.headers.location, `https://127.0.0.1:${httpsPort}/x`);
      const absolute = await plainRequest(redirectPort, 'http://elsewhere.example/api/v1/alarm', {
        headers: { host: 'vigil.local' },
      });
      assert.equal(absolute.headers.location, `https://vigil.local:${httpsPort}/`);
      // Bytes outside ASCII in the path: refused by the parser, with nothing in the answer.
      const raw = await plainRequest(redirectPort, '/caf\u00e9', { headers: { host: 'vigil.local' } });
      assert.equal(raw.status, 400);
      assert.equal(raw.headers.location, undefined);
      assert.equal(raw.body, '');

      // What was redirected reaches the app over HTTPS.
      const followed = await httpsRequest(`${running.url}/api/v1/events?camera=front&limit=5`, {
        ca,
        headers: bearer,
      });
      assert.equal(followed.status, 200);
      const health = JSON.parse(
        (await httpsRequest(`${running.url}/api/v1/health`, { ca, headers: bearer })).body,
      ) as {
        services: Array<{ name: string; detail?: { redirect_address?: string } }>;
      };
      const web = health.services.find((service) => service.name === 'web');
      assert.equal(web?.detail?.redirect_address, `http://127.0.0.1:${redirectPort}`);
    } finally {
      await running.stop();
    }
  });

  it('marks the session cookie Secure over HTTPS', async () => {
    const { running, ca } = await startHttps();
    try {
      const password = running.logs.find((line) =>
        line.msg?.startsWith('admin password generated'),
      )?.password;
      assert.equal(typeof password, 'string');
      const login = await httpsRequest(`${running.url}/api/v1/auth/login`, {
        ca,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ password }),
      });
      assert.equal(login.status, 200, login.body);
      const cookie = (login.headers['set-cookie'] ?? []).find((c) => c.startsWith('vigil_session='));
      assert.ok(cookie, 'a session cookie');
      assert.match(cookie, /;\s*Secure/i);
      assert.match(cookie, /;\s*HttpOnly/i);
      assert.match(cookie, /;\s*SameSite=Strict/i);
    } finally {
      await running.stop();
    }
  });

  it('stops both listeners on shutdown', async () => {
    const { running, httpsPort, redirectPort } = await startHttps();
    assert.ok(await accepts(httpsPort));
    assert.ok(await accepts(redirectPort));
    await running.stop();
    assert.equal(await accepts(httpsPort), false, 'HTTPS closed');
    assert.equal(await accepts(redirectPort), false, 'the redirect closed');
  });
});
