/**
 * The idle camera alone (the idle part of pipeline.bench.ts, which prints the same figure among
 * the others): one idle 5 fps camera from a camera-like 1280×720 H.264 stream at 1 Mbit/s,
 * through the real file source and pipeline with the default detector loaded, measured in
 * `BENCH_IDLE_WINDOWS` (6) back-to-back windows of 10 s after a 5 s warm-up (idleCamera.ts says
 * what that leaves out). Prints the total over the windows and each figure's spread across them
 * (target ≤ 4 % of one core, ffmpeg included). BENCH_IDLE_MBITS and BENCH_IDLE_FPS pick another
 * stream. Run: `npm run bench:idle`.
 */
import { availableParallelism, loadavg } from 'node:os';
import { createDetector } from '../hal/accel/createDetector';
import { modelManifest } from '../models/registry';
import { LoggerFactory } from '../runtime/logging/logger';
import { benchSize, benchTitle, SMOKE } from './benchMode';
import { benchTempDir } from './benchTempDir';
import { cameraLikeIdleVideo } from './cameraLikeVideo';
import { defaultDetectorConfig } from './defaultDetector';
import { measureIdleCamera, processBaselinePercent, spread } from './idleCamera';

const WINDOWS = benchSize(process.env.BENCH_IDLE_WINDOWS, 6, 1);
const WINDOW_SECONDS = SMOKE ? 1 : 10;
const MBITS = benchSize(process.env.BENCH_IDLE_MBITS, 1, 1);
const FPS = benchSize(process.env.BENCH_IDLE_FPS, 5, 5);
const dir = benchTempDir('vigil-bench-idle-');
const logger = new LoggerFactory({ level: 'warn', modules: {} }).forModule('bench');

const detectorConfig = defaultDetectorConfig();
const model = 'model' in detectorConfig ? detectorConfig.model : undefined;
if (!model) throw new Error(`the default detector (${detectorConfig.type}) does not run a built-in model`);
const detector = createDetector('default', detectorConfig, { logger });
await detector.load();
const file = cameraLikeIdleVideo(dir, FPS, SMOKE ? 4 : 20, MBITS);
const idle = await measureIdleCamera({
  file,
  detector,
  modelInputSize: modelManifest(model).inputSize,
  logger,
  warmUpMs: SMOKE ? 1000 : 5000,
  windows: WINDOWS,
  windowSeconds: WINDOW_SECONDS,
  recorderDir: dir,
});
// After the camera, so that the detector's load (its garbage collected meanwhile) is not counted.
const baseline = await processBaselinePercent(SMOKE ? 0.5 : 5);
await detector.close();

const pct = (n: number) => n.toFixed(2);
console.log(
  benchTitle(
    `idle camera bench: 1280×720 H.264 at ${FPS} fps, ${MBITS} Mbit/s, detected at 640×360, 5 fps; default detector ${detectorConfig.type}/${model} loaded; ${WINDOWS} windows of ${WINDOW_SECONDS} s; load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`,
  ),
);
console.log(
  `  idle 5 fps camera: ${pct(idle.whole.totalPercent)} % of one core over ${WINDOWS * WINDOW_SECONDS} s (vigil ${pct(idle.whole.vigilPercent)} %, ffmpeg decode ${pct(idle.whole.ffmpegPercent)} %) (target ≤ 4 %)`,
);
console.log(
  `  per window, median (min–max): total ${spread(idle.windows, (w) => w.totalPercent)} %, vigil ${spread(idle.windows, (w) => w.vigilPercent)} %, ffmpeg ${spread(idle.windows, (w) => w.ffmpegPercent)} %`,
);
console.log(
  `  each window: ${idle.windows.map((w) => `${pct(w.totalPercent)} % (vigil ${pct(w.vigilPercent)}, detector calls ${w.detectorCalls})`).join(', ')}`,
);
console.log(
  `  besides: the camera's copy recorder (record.enabled, on by default; ffmpeg -c copy into 10 s segments) ${pct(idle.whole.recorderPercent)} % of one core, per window ${spread(idle.windows, (w) => w.recorderPercent)} %`,
);
console.log(
  `  this process with no camera running: ${pct(baseline)} % of one core (part of each vigil figure)`,
);
