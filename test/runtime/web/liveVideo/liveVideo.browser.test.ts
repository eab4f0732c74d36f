import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import WebSocket from 'ws';
import { launchChromium, saveScreenshot } from '../../../helpers/browser';
import { freePort } from '../../../helpers/freePort';
import { tempDir } from '../../../helpers/tempDir';
import { startVigil, type VigilProcess } from '../../../helpers/vigilProcess';
import { liveCopyProcesses, waitFor } from './liveVideoKit';
import { readStampScript, type StampedCamera, startStampedCamera } from './stampedCamera';

const TOKEN = 'live-video-token';

const READ_STAMP = readStampScript('cam');

/**
 * Live video by MSE end to end: a network camera whose frames show their time, `vigil run`
 * copying its H.264 into fragmented MP4 over a WebSocket, the status page playing it in headless
 * Chromium. The glass-to-glass latency is the page's clock minus the time painted in the frame
 * on screen.
 */
describe('live video in the status page (MSE)', () => {
  const dir = tempDir();
  let camera: StampedCamera;
  let vigil: VigilProcess;
  let base = '';
  let wsUrl = '';
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    camera = await startStampedCamera();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    wsUrl = `ws://127.0.0.1:${port}/api/v1/cameras/cam/live`;
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      [
        'device: { id: live-pi, name: Live Pi }',
        `data_dir: ${join(dir, 'data')}`,
        `http: { host: 127.0.0.1, port: ${port}, auth: { token: ${TOKEN} } }`,
        'mqtt: { enabled: false }',
        'cameras:',
        '  cam:',
        `    source: { driver: ffmpeg, hwaccel: none, url: "${camera.url}" }`,
        '    detect: { enabled: false, width: 320, height: 240, fps: 5 }',
      ].join('\n'),
    );
    vigil = startVigil(['run', '--config', config], {}, dir);
    await vigil.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('vigil is running'), 60_000);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  });

  after(async () => {
    await browser?.close();
    if (vigil && vigil.child.exitCode === null && vigil.child.signalCode === null) {
      vigil.child.kill('SIGTERM');
      await vigil.exited;
    }
    await camera?.stop();
  });

  test('a WebSocket without a session or token is refused (401) and starts nothing', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(wsUrl);
      socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.on('open', () => reject(new Error('opened without credentials')));
      socket.on('error', reject);
    });
    assert.equal(status, 401);
    assert.deepEqual(liveCopyProcesses(vigil.child.pid as number), []);
  });

  test('a plain GET is told to upgrade (400), an unknown camera is 404; neither starts a copy', async () => {
    const bearer = { authorization: `Bearer ${TOKEN}` };
    const plain = await fetch(`${base}/api/v1/cameras/cam/live`, { headers: bearer });
    assert.equal(plain.status, 400);
    assert.match(((await plain.json()) as { error: string }).error, /WebSocket/);
    const unknown = await fetch(`${base}/api/v1/cameras/nope/live`, { headers: bearer });
    assert.equal(unknown.status, 404);
    assert.deepEqual(liveCopyProcesses(vigil.child.pid as number), []);
  });

  test('with the token: the codec, then the init segment, then fragments from a keyframe', async () => {
    const socket = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${TOKEN}` } });
    const messages: Array<{ binary: boolean; data: Buffer }> = [];
    socket.on('message', (data, binary) => messages.push({ binary, data: data as Buffer }));
    await waitFor(() => messages.length >= 4, 'the first fragments', 20_000);
    socket.close();
    const [first, init, fragment] = messages;
    assert.equal(first?.binary, false);
    const message = JSON.parse(String(first?.data)) as { type: string; codec: string; mime: string };
    assert.equal(message.type, 'init');
    assert.match(message.codec, /^avc1\.[0-9a-f]{6}$/);
    assert.equal(init?.data.toString('latin1', 4, 8), 'ftyp');
    assert.equal(fragment?.data.toString('latin1', 4, 8), 'moof');
  });

  test('the page plays it: currentTime advances, latency ≤ 1.5 s, the still is hidden', async () => {
    const login = await context.request.post(`${base}/api/v1/auth/login`, {
      data: {
        password: String(
          vigil.logs.find((l) => String(l.msg).startsWith('admin password generated'))?.password,
        ),
      },
    });
    assert.equal(login.status(), 200, await login.text());
    page = await context.newPage();
    await page.goto(`${base}/`);
    const video = page.locator('article.camera[data-camera="cam"] video.live-video:not([hidden])');
    await video.waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('article.camera[data-camera="cam"] figcaption').textContent(), 'Live');
    assert.ok(await page.locator('article.camera[data-camera="cam"] img.snapshot').isHidden());

    type Reading = { now: number; stamp: number; currentTime: number; behind: number };
    const first = (await page.evaluate(READ_STAMP)) as Reading;
    const latencies: number[] = [];
    let last = first;
    for (let i = 0; i < 20; i++) {
      await page.waitForTimeout(150);
      last = (await page.evaluate(READ_STAMP)) as Reading;
      latencies.push(last.now - (camera.epoch + last.stamp));
    }
    await saveScreenshot(page, 'live-video.png', false);
    assert.ok(
      last.currentTime > first.currentTime + 2,
      `currentTime ${first.currentTime} → ${last.currentTime}`,
    );
    latencies.sort((a, b) => a - b);
    const median = latencies[Math.floor(latencies.length / 2)] as number;
    const worst = latencies[latencies.length - 1] as number;
    console.log(
      `glass-to-glass latency: median ${median} ms, worst ${worst} ms (${latencies.length} frames; ` +
        `playback ${Math.round(last.behind * 1000)} ms behind the newest buffered frame)`,
    );
    // A misread stamp would be wildly off: every reading is a real time, shortly before now.
    assert.ok((latencies[0] as number) >= 0, `a frame from the future: ${latencies.join(', ')}`);
    assert.ok(median <= 1500, `median latency ${median} ms > 1500 ms: ${latencies.join(', ')}`);
  });

  test('the session cookie opens it only from this site (403 from another origin)', async () => {
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const open = (origin: string) =>
      new Promise<number>((resolve, reject) => {
        const socket = new WebSocket(wsUrl, { headers: { cookie, origin } });
        socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        socket.on('open', () => {
          socket.close();
          resolve(101);
        });
        socket.on('error', reject);
      });
    assert.equal(await open('http://evil.example'), 403);
    assert.equal(await open(base), 101);
  });

  test('the stream-copy ffmpeg stops when the page closes', async () => {
    const pid = vigil.child.pid as number;
    assert.equal(liveCopyProcesses(pid).length, 1, 'one copy process while the page watches');
    await page.close();
    await waitFor(() => liveCopyProcesses(pid).length === 0, 'the copy process to end');
    // The camera sees it too: only the capture and the recorder still read it.
    await waitFor(() => camera.readers() === 2, 'the copy to disconnect from the camera');
  });
});
