/**
 * What live video costs per viewer: `vigil run` (the built bundle) with one camera, measured in
 * windows of `BENCH_LIVE_SECONDS` (10) with 0, 1 and 4 viewers (the per-camera cap) connected to
 * `GET /api/v1/cameras/:camera/live` by WebSocket with the token, each reading everything. The
 * cost of the viewers is the live ffmpeg's CPU plus what vigil uses beyond its 0-viewer window
 * (fanning fragments out to the sockets, and for a raw-frame camera handing frames to the
 * encoder), from /proc; divided by the viewers (target ≤ 2 % of one core each).
 * Default: a camera-like 1280×720 H.264 stream (a file camera played in real time, looped;
 * detection off) copied; BENCH_LIVE_MBITS and BENCH_LIVE_FPS pick another stream.
 * BENCH_LIVE_SOURCE=sim: a sim camera (raw frames at the default detect size and rate, 640×360
 * at 5 fps) whose live video is encoded from the pipeline's frames; the recorder's own encoder of
 * the same frames is measured beside it.
 * Run: `flock /tmp/vigil-bench.lock npm run bench:live`.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { readCpuSeconds } from '../hal/camera/recording/cpuTime';
import { freePort } from '../test/helpers/freePort';
import { startVigil } from '../test/helpers/vigilProcess';
import {
  childProcessesRunning,
  liveCopyProcesses,
  waitFor,
} from '../test/runtime/web/liveVideo/liveVideoKit';
import { benchSize, benchTitle, SMOKE } from './benchMode';
import { benchTempDir } from './benchTempDir';
import { cameraLikeIdleVideo } from './cameraLikeVideo';

const SECONDS = benchSize(process.env.BENCH_LIVE_SECONDS, 10, 1);
const MBITS = benchSize(process.env.BENCH_LIVE_MBITS, 2, 1);
const FPS = benchSize(process.env.BENCH_LIVE_FPS, 15, 5);
const TOKEN = 'bench-live-token';

const RAW_FRAMES = process.env.BENCH_LIVE_SOURCE === 'sim';

const dir = benchTempDir('vigil-bench-live-');
const cameraLines = RAW_FRAMES
  ? ['    source: { driver: sim }', '    detect: { enabled: false }']
  : [
      `    source: { driver: file, path: ${cameraLikeIdleVideo(dir, FPS, SMOKE ? 4 : 20, MBITS)}, realtime: true, loop: true }`,
      '    detect: { enabled: false }',
    ];
const port = await freePort();
const config = join(dir, 'config.yaml');
writeFileSync(
  config,
  [
    'device: { id: bench-live, name: Bench Live }',
    `data_dir: ${join(dir, 'data')}`,
    `http: { host: 127.0.0.1, port: ${port}, auth: { token: ${TOKEN} } }`,
    'mqtt: { enabled: false }',
    'log: { level: info }',
    'cameras:',
    '  cam:',
    ...cameraLines,
  ].join('\n'),
);
const vigil = startVigil(['run', '--config', config], {}, dir);
const vigilPid = vigil.child.pid as number;

interface Window {
  viewers: number;
  vigilPercent: number;
  copyPercent: number;
  /** The recorder's ffmpeg (a raw-frame camera's: the encoder the live view does not share). */
  recorderPercent: number;
  /** Bytes each viewer received per second, averaged. */
  bytesPerViewerSecond: number;
}

const sockets: WebSocket[] = [];
const received = new Map<WebSocket, number>();

async function connect(): Promise<void> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/api/v1/cameras/cam/live`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  received.set(socket, 0);
  socket.on('message', (data: Buffer) => received.set(socket, (received.get(socket) ?? 0) + data.length));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  sockets.push(socket);
}

async function measure(viewers: number): Promise<Window> {
  while (sockets.length < viewers) await connect();
  if (viewers > 0) {
    // Every viewer has had its init segment and a keyframe: the copy is running steadily.
    await waitFor(
      () => sockets.every((s) => (received.get(s) ?? 0) > 50_000),
      'video to every viewer',
      30_000,
    );
  }
  const copyPid = liveCopyProcesses(vigilPid)[0];
  const recorderPid = childProcessesRunning(vigilPid, 'segment_list')[0];
  const cpu = () => ({
    vigil: readCpuSeconds(vigilPid) ?? 0,
    copy: copyPid === undefined ? 0 : (readCpuSeconds(copyPid) ?? 0),
    recorder: recorderPid === undefined ? 0 : (readCpuSeconds(recorderPid) ?? 0),
    bytes: sockets.reduce((sum, s) => sum + (received.get(s) ?? 0), 0),
    at: performance.now(),
  });
  const before = cpu();
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  const after = cpu();
  const seconds = (after.at - before.at) / 1000;
  return {
    viewers,
    vigilPercent: ((after.vigil - before.vigil) / seconds) * 100,
    copyPercent: ((after.copy - before.copy) / seconds) * 100,
    recorderPercent: ((after.recorder - before.recorder) / seconds) * 100,
    bytesPerViewerSecond: viewers === 0 ? 0 : (after.bytes - before.bytes) / seconds / viewers,
  };
}

try {
  await vigil.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('vigil is running'), 60_000);
  // The capture settles (ffmpeg started, first frames) before the baseline.
  await new Promise((resolve) => setTimeout(resolve, SMOKE ? 500 : 3000));
  const windows = [await measure(0), await measure(1), await measure(4)];
  for (const socket of sockets) socket.close();
  await waitFor(() => liveCopyProcesses(vigilPid).length === 0, 'the copy to stop after the last viewer');
  const baseline = windows[0] as Window;
  const pct = (n: number) => n.toFixed(2);
  console.log(
    benchTitle(
      `live video bench: ${RAW_FRAMES ? 'sim camera, 640×360 rgb24 frames at 5 fps encoded (detection off)' : `1280×720 H.264 at ${FPS} fps, ${MBITS} Mbit/s (file camera in real time, detection off)`}; windows of ${SECONDS} s; load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`,
    ),
  );
  for (const w of windows) {
    const extraVigil = w.vigilPercent - baseline.vigilPercent;
    const perViewer = w.viewers === 0 ? 0 : (w.copyPercent + extraVigil) / w.viewers;
    console.log(
      `  ${w.viewers} viewer(s): ${RAW_FRAMES ? 'live encoder' : 'stream copy'} ffmpeg ${pct(w.copyPercent)} %, recorder ffmpeg ${pct(w.recorderPercent)} %, vigil ${pct(w.vigilPercent)} % (${w.viewers === 0 ? 'baseline' : `${extraVigil >= 0 ? '+' : ''}${pct(extraVigil)} %`})` +
        (w.viewers === 0
          ? ''
          : `, ${(w.bytesPerViewerSecond / 1024).toFixed(0)} KiB/s to each; per viewer ${pct(perViewer)} % of one core (target ≤ 2 %)`),
    );
  }
  console.log(`  after the last viewer left: ${RAW_FRAMES ? 'live encoder' : 'stream copy'} ffmpeg gone`);
} finally {
  for (const socket of sockets) socket.terminate();
  vigil.child.kill('SIGTERM');
  await vigil.exited;
}
