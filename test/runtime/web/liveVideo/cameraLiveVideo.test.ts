import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import { CameraLiveVideo, type ViewerLimits } from '../../../../runtime/web/liveVideo/cameraLiveVideo';
import { Fmp4Splitter, type MediaFragment } from '../../../../runtime/web/liveVideo/fmp4Splitter';
import { liveVideoSource } from '../../../../runtime/web/liveVideo/liveVideoArgs';
import { memoryLogger } from '../../../helpers/memoryLogger';
import { tempDir } from '../../../helpers/tempDir';
import { waitFor } from './liveVideoKit';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    // ESRCH: no such process.
    return false;
  }
}

/**
 * One camera's live video with real ffmpeg (a file camera played in real time) and real
 * WebSockets: late joiners, the viewer cap, a viewer that stops reading, and ffmpeg's end with
 * the last viewer.
 */
describe('CameraLiveVideo', () => {
  const dir = tempDir();
  const file = join(dir, 'noisy.mp4');
  let server: WebSocketServer;
  let url = '';
  let live: CameraLiveVideo;
  const { logger, lines } = memoryLogger();

  before(async () => {
    // Noise at a high bit rate (several MB/s), a keyframe every 5 frames: a viewer that stops
    // reading fills its socket buffers within seconds.
    // biome-ignore format: option/value pairs
    execFileSync('ffmpeg', [
      '-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'color=c=gray:s=640x360:r=25',
      '-t', '6', '-vf', 'noise=alls=60:allf=t', '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '10',
      '-g', '5', '-bf', '0', '-pix_fmt', 'yuv420p', file,
    ]);
    const limits: ViewerLimits = {
      maxViewers: 2,
      skipBytes: 256 * 1024,
      dropBytes: 1024 * 1024,
      stalledMs: 3000,
    };
    // Only what liveVideoSource reads of a camera's config.
    const source = liveVideoSource({
      enabled: true,
      source: { driver: 'file', path: file, realtime: true, loop: true },
    } as never);
    assert.ok(source);
    live = new CameraLiveVideo('cam', source, limits, logger);
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    server.on('connection', (socket) => live.add(socket));
    await new Promise((resolve) => server.once('listening', resolve));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await live.close();
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  });

  /** A viewer that records what it gets: the first text message and the fragments, split. */
  function viewer() {
    const socket = new WebSocket(url);
    const got = { text: [] as string[], init: 0, fragments: [] as MediaFragment[], closed: -1 };
    const splitter = new Fmp4Splitter(
      () => {
        got.init += 1;
      },
      (fragment) => got.fragments.push(fragment),
    );
    socket.on('message', (data: Buffer, binary) => {
      if (binary) splitter.push(data);
      else got.text.push(data.toString());
    });
    socket.on('close', (code) => {
      got.closed = code;
    });
    return { socket, got };
  }

  test('viewers get the codec, the init segment, then fragments starting at a keyframe; a third is refused', async () => {
    const first = viewer();
    await waitFor(() => first.got.fragments.length >= 12, 'the first viewer’s fragments', 20_000);
    const late = viewer();
    await waitFor(() => late.got.fragments.length >= 3, 'the late viewer’s fragments', 10_000);
    for (const v of [first, late]) {
      assert.equal(JSON.parse(v.got.text[0] as string).type, 'init');
      assert.equal(v.got.init, 1);
      assert.equal(v.got.fragments[0]?.keyframe, true, 'a viewer must start at a keyframe');
    }
    const third = viewer();
    await waitFor(() => third.got.closed !== -1, 'the third viewer to be refused');
    assert.equal(third.got.closed, 1013);
    assert.equal(live.viewerCount, 2);
    first.socket.close();
    late.socket.close();
    await waitFor(() => live.viewerCount === 0, 'both viewers to leave');
  });

  test('a viewer that stops reading is disconnected while another keeps getting video; the last to leave ends ffmpeg', async () => {
    const stalled = viewer();
    const healthy = viewer();
    await waitFor(
      () => stalled.got.fragments.length > 0 && healthy.got.fragments.length > 0,
      'video',
      20_000,
    );
    const pid = live.pid as number;
    assert.ok(alive(pid));
    // Stop reading: the kernel's buffers fill, then the server's unsent data grows.
    (stalled.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    await waitFor(() => live.viewerCount === 1, 'the stalled viewer to be dropped', 60_000);
    assert.ok(lines.some((l) => l.msg === 'live video viewer too slow: disconnected'));
    const before = healthy.got.fragments.length;
    await waitFor(() => healthy.got.fragments.length > before + 10, 'the healthy viewer to go on', 10_000);
    healthy.socket.close();
    await waitFor(() => !alive(pid), 'ffmpeg to end with the last viewer');
    assert.equal(live.pid, undefined);
    stalled.socket.terminate();
  });
});
