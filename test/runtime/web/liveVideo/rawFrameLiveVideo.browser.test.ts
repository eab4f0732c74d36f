import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import WebSocket from 'ws';
import { launchChromium } from '../../../helpers/browser';
import { freePort } from '../../../helpers/freePort';
import { tempDir } from '../../../helpers/tempDir';
import { startVigil, type VigilProcess } from '../../../helpers/vigilProcess';
import { liveCopyProcesses, waitFor } from './liveVideoKit';
import { readStampScript, stampFilter } from './stampedCamera';

const TOKEN = 'raw-live-token';

/**
 * Live video of raw-frame cameras (no H.264 of their own to copy): `vigil run` with a sim camera
 * and a libcamera camera whose rpicam-vid is a stand-in writing I420 frames that show their time
 * (the stamp of stampedCamera.ts). Their live video is encoded on demand from the pipeline's
 * frames; the page plays it in headless Chromium, and a page without MediaSource falls back to
 * the MJPEG stream.
 */
describe('live video of raw-frame cameras (sim, libcamera)', () => {
  const dir = tempDir();
  const epoch = Date.now();
  let vigil: VigilProcess;
  let base = '';
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    const rpicam = join(dir, 'rpicam-vid');
    // Ignores rpicam-vid's arguments: 320×240 I420 at 10 fps, as the config below asks.
    writeFileSync(
      rpicam,
      '#!/bin/sh\nexec ffmpeg -hide_banner -loglevel error -nostdin -re -f lavfi -i color=c=black:s=320x240:r=10 ' +
        `-vf "${stampFilter(epoch)}" -fps_mode passthrough -pix_fmt yuv420p -f rawvideo pipe:1\n`,
    );
    chmodSync(rpicam, 0o755);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      [
        'device: { id: raw-live-pi, name: Raw Live Pi }',
        `data_dir: ${join(dir, 'data')}`,
        `http: { host: 127.0.0.1, port: ${port}, auth: { token: ${TOKEN} } }`,
        'mqtt: { enabled: false }',
        'cameras:',
        '  pi:',
        `    source: { driver: libcamera, binary: ${rpicam}, width: 320, height: 240, framerate: 10 }`,
        '    detect: { enabled: false, width: 320, height: 240, fps: 10 }',
        '  sim:',
        '    source: { driver: sim }',
        '    detect: { enabled: false, width: 320, height: 240, fps: 5 }',
      ].join('\n'),
    );
    vigil = startVigil(['run', '--config', config], {}, dir);
    await vigil.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('vigil is running'), 60_000);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const login = await context.request.post(`${base}/api/v1/auth/login`, {
      data: {
        password: String(
          vigil.logs.find((l) => String(l.msg).startsWith('admin password generated'))?.password,
        ),
      },
    });
    assert.equal(login.status(), 200, await login.text());
  });

  after(async () => {
    await browser?.close();
    if (vigil && vigil.child.exitCode === null && vigil.child.signalCode === null) {
      vigil.child.kill('SIGTERM');
      await vigil.exited;
    }
  });

  test('a sim camera: the codec, the init segment, then fragments from a keyframe; the encoder ends with the viewer', async () => {
    const pid = vigil.child.pid as number;
    assert.deepEqual(liveCopyProcesses(pid), [], 'no encoder while nobody watches');
    const socket = new WebSocket(`ws://127.0.0.1:${base.split(':')[2]}/api/v1/cameras/sim/live`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const messages: Array<{ binary: boolean; data: Buffer }> = [];
    socket.on('message', (data, binary) => messages.push({ binary, data: data as Buffer }));
    await waitFor(() => messages.length >= 6, 'the first fragments', 20_000);
    assert.equal(liveCopyProcesses(pid).length, 1, 'one encoder while one viewer watches');
    socket.close();
    const [first, init, fragment] = messages;
    const message = JSON.parse(String(first?.data)) as { type: string; codec: string };
    assert.equal(message.type, 'init');
    assert.match(message.codec, /^avc1\.[0-9a-f]{6}$/);
    assert.equal(init?.data.toString('latin1', 4, 8), 'ftyp');
    assert.equal(fragment?.data.toString('latin1', 4, 8), 'moof');
    await waitFor(() => liveCopyProcesses(pid).length === 0, 'the encoder to end');
  });

  test('the page plays a raw-frame camera: currentTime advances, latency ≤ 1.5 s; the encoder ends with the page', async () => {
    page = await context.newPage();
    await page.goto(`${base}/`);
    const card = page.locator('article.camera[data-camera="pi"]');
    await card.locator('video.live-video:not([hidden])').waitFor({ timeout: 30_000 });
    assert.equal(await card.locator('figcaption').textContent(), 'Live');
    type Reading = { now: number; stamp: number; currentTime: number; behind: number };
    const script = readStampScript('pi');
    const first = (await page.evaluate(script)) as Reading;
    const latencies: number[] = [];
    let last = first;
    for (let i = 0; i < 20; i++) {
      await page.waitForTimeout(150);
      last = (await page.evaluate(script)) as Reading;
      latencies.push(last.now - (epoch + last.stamp));
    }
    assert.ok(
      last.currentTime > first.currentTime + 2,
      `currentTime ${first.currentTime} → ${last.currentTime}`,
    );
    latencies.sort((a, b) => a - b);
    const median = latencies[Math.floor(latencies.length / 2)] as number;
    console.log(
      `raw-frame glass-to-glass latency: median ${median} ms, worst ${latencies.at(-1)} ms ` +
        `(playback ${Math.round(last.behind * 1000)} ms behind the newest buffered frame)`,
    );
    assert.ok((latencies[0] as number) >= 0, `a frame from the future: ${latencies.join(', ')}`);
    assert.ok(median <= 1500, `median latency ${median} ms > 1500 ms: ${latencies.join(', ')}`);

    const pid = vigil.child.pid as number;
    // Both cameras' cards play: one encoder each.
    assert.equal(liveCopyProcesses(pid).length, 2, 'an encoder per watched camera');
    await page.close();
    await waitFor(() => liveCopyProcesses(pid).length === 0, 'the encoders to end');
  });

  test('without MediaSource the card shows the MJPEG stream in img.snapshot, and starts no encoder', async () => {
    const noMse = await context.newPage();
    await noMse.addInitScript('delete window.MediaSource; delete window.ManagedMediaSource;');
    await noMse.goto(`${base}/`);
    const card = noMse.locator('article.camera[data-camera="sim"]');
    const image = card.locator('img.snapshot:not([hidden])');
    await image.waitFor({ timeout: 30_000 });
    assert.equal(await card.locator('figcaption').textContent(), 'Live (MJPEG)');
    assert.match(String(await image.getAttribute('src')), /\/api\/v1\/cameras\/sim\/stream\.mjpeg$/);
    // Frames arrive: the image has a picture of the detect size.
    const size = await image.evaluate(async (img: { naturalWidth: number; naturalHeight: number }) => {
      const deadline = Date.now() + 10_000;
      while (img.naturalWidth === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      return { width: img.naturalWidth, height: img.naturalHeight };
    });
    assert.deepEqual(size, { width: 320, height: 240 });
    assert.ok(await card.locator('video').isHidden(), 'no video element shown');
    assert.deepEqual(liveCopyProcesses(vigil.child.pid as number), []);
    await noMse.close();
  });
});
