import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import { tempDir } from '../../../helpers/tempDir';
import { generatedPassword, logIn, startApp } from './authKit';

/** The HTTP status of a refused upgrade, or 101 when the stream opened. */
function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}

describe('login on the live stream', () => {
  it('opens /api/v1/ws only with a session from this site or the token', async () => {
    const running = await startApp(tempDir(), 'auth: { token: t0ken }');
    try {
      const ws = `${running.url.replace('http', 'ws')}/api/v1/ws`;
      const cookie = await logIn(running.url, generatedPassword(running.logs) ?? '');
      assert.equal(await upgradeStatus(ws, {}), 401);
      assert.equal(await upgradeStatus(ws, { cookie: 'vigil_session=forged' }), 401);
      assert.equal(await upgradeStatus(ws, { cookie, origin: 'http://evil.example' }), 403);
      assert.equal(await upgradeStatus(ws, { cookie, origin: running.url }), 101);
      assert.equal(await upgradeStatus(ws, { authorization: 'Bearer t0ken' }), 101);
    } finally {
      await running.stop();
    }
  });
});
