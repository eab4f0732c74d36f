/**
 * `npm run eval:tracks`: why incidents fragment. `record` runs the appliance's pipeline over the
 * first seconds of vtest at the default detector (as `eval:detection` does) and writes what the
 * tracker was given on every frame (its filtered detections and where the detector looked);
 * `replay` feeds a recording to a fresh `ObjectTracker` in milliseconds, scores it as the harness
 * does and prints, for each person with more than one incident, how their incidents began and
 * ended. Replay is close to, not the same as, a run: the regions a run searches follow its tracks.
 *
 *   npm run eval:tracks -- record --seconds 30 --out FILE   (--seconds 0: the whole clip)
 *   npm run eval:tracks -- replay FILE
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Box, iou } from '../base/geometry';
import { createDetector } from '../hal/accel/createDetector';
import { modelManifest } from '../models/registry';
import type { Detection, NormalizedBox } from '../models/types';
import { loadConfig } from '../runtime/config/index';
import type { CameraConfig } from '../runtime/config/schema/camera';
import { LoggerFactory } from '../runtime/logging/logger';
import { APPEARANCE_SIZE, measureAppearance } from '../runtime/pipeline/tracking/appearance';
import { ObjectTracker } from '../runtime/pipeline/tracking/index';
import type { TrackerFrameInput } from '../runtime/pipeline/tracking/objectTracker';
import { annotatedFrames, type ClipAnnotations, ignoredOn, loadAnnotations } from './annotations';
import { prepareClip } from './clips';
import { interpolate, MIN_IOU, matchFrame, precision, recall } from './matching';
import type { PipelineRun } from './runPipeline';
import { runPipeline } from './runPipeline';
import { scoreRun } from './score';

/** What the tracker was given on one frame. */
interface RecordedFrame {
  seq: number;
  timestamp: number;
  detections: Detection[];
  searched?: NormalizedBox[];
  /** The detections' appearances as the tracker measured them on the frame. */
  appearances?: number[];
}

/** A recording: the camera config it ran with and its frames. */
interface Recording {
  camera: CameraConfig;
  frames: RecordedFrame[];
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { seconds: { type: 'string', default: '30' }, out: { type: 'string' } },
});
const logger = new LoggerFactory({ level: 'warn', modules: {} }).forModule('eval');
const round = (v: number) => Math.round(v * 1e5) / 1e5;

async function record(seconds: number, out: string): Promise<void> {
  // 0: the whole clip as the harness runs it (a shorter one is re-encoded, which changes what is detected).
  const clip = await prepareClip('vtest', false, seconds > 0 ? seconds : undefined);
  const { width, height, fps } = clip.annotations;
  const loaded = loadConfig({
    text: JSON.stringify({
      version: 1,
      data_dir: '/tmp/vigil-eval-unused',
      cameras: {
        eval: {
          source: { driver: 'file', path: clip.video, loop: false, realtime: false },
          detect: { width, height, fps },
          objects: { track: ['person'] },
          record: { enabled: false },
          snapshots: { enabled: false },
        },
      },
    }),
    name: '<eval config>',
    env: {},
  });
  if (!loaded.ok) throw new Error('the evaluation config is invalid');
  const camera = loaded.config.cameras.eval as CameraConfig;
  const detectorConfig = loaded.config.detectors.default;
  if (!detectorConfig) throw new Error('no default detector');
  const model = (detectorConfig as { model?: string }).model ?? 'nanodet';
  const detector = createDetector('default', detectorConfig, { logger });
  await detector.load();
  const frames: RecordedFrame[] = [];
  // Records the tracker's input without changing it: the pipeline builds its own tracker.
  const update = ObjectTracker.prototype.update;
  let seq = 0;
  ObjectTracker.prototype.update = function (detections, timestamp, input: TrackerFrameInput = {}) {
    let appearances: number[] | undefined;
    if (input.image) {
      const measured = new Float64Array(detections.length * APPEARANCE_SIZE);
      for (const [d, detection] of detections.entries())
        measureAppearance(input.image, detection.box, measured, d * APPEARANCE_SIZE);
      appearances = [...measured].map((v) => Math.round(v * 10) / 10);
    }
    frames.push({
      seq: seq++,
      timestamp,
      detections: detections.map((d) => ({
        label: d.label,
        score: round(d.score),
        box: d.box.map(round) as NormalizedBox,
      })),
      ...(input.searched
        ? { searched: input.searched.map((b: NormalizedBox) => b.map(round) as NormalizedBox) }
        : {}),
      ...(appearances ? { appearances } : {}),
    });
    return update.call(this, detections, timestamp, input);
  };
  try {
    const run = await runPipeline({
      camera,
      detector,
      modelInputSize: modelManifest(model).inputSize,
      logger,
    });
    printScore('pipeline', clip.annotations, run);
  } finally {
    ObjectTracker.prototype.update = update;
    await detector.close();
  }
  writeFileSync(out, JSON.stringify({ camera, frames } satisfies Recording));
  console.log(`recorded ${frames.length} frames to ${out}`);
}

/** What a recorded frame gives the tracker besides its detections. */
function replayInput(frame: RecordedFrame): TrackerFrameInput {
  return {
    ...(frame.searched ? { searched: frame.searched } : {}),
    ...(frame.appearances ? { appearances: Float64Array.from(frame.appearances) } : {}),
  };
}

/** Per incident: its boxes by frame, when its track began, was confirmed and ended. */
interface ReplayedIncident {
  boxes: Map<number, Box>;
  born: number;
  confirmed: number;
  ended: number | null;
}

function replay(path: string): void {
  const recording = JSON.parse(readFileSync(path, 'utf8')) as Recording;
  const { camera, frames } = recording;
  const { width, height } = camera.detect;
  const toPixels = (b: NormalizedBox): Box => [b[0] * width, b[1] * height, b[2] * width, b[3] * height];
  const tracker = new ObjectTracker({
    objects: camera.objects,
    zones: camera.zones,
    frame: { width, height },
  });
  const msPerFrame = 1000 / camera.detect.fps;
  const frameOf = (t: number) => Math.round((t - (frames[0]?.timestamp ?? 0)) / msPerFrame);
  const incidents = new Map<string, ReplayedIncident>();
  const reported = new Map<number, Box[]>();
  const clip = vtestAnnotations(frames.length);
  const falsePositives = { stale: 0, duplicate: 0, other: 0, matched: 0 };
  for (const frame of frames) {
    const update = tracker.update(frame.detections, frame.timestamp, replayInput(frame));
    for (const track of update.started)
      incidents.set(track.id, {
        boxes: new Map(),
        born: frameOf(track.startedAt),
        confirmed: frame.seq,
        ended: null,
      });
    for (const track of update.ended) {
      const incident = incidents.get(track.id);
      if (incident) incident.ended = frame.seq;
    }
    const boxes: Box[] = [];
    for (const track of tracker.currentTracks()) {
      const box = toPixels(track.box);
      boxes.push(box);
      incidents.get(track.id)?.boxes.set(frame.seq, box);
    }
    reported.set(frame.seq, boxes);
    const truth = clip.frames[String(frame.seq)];
    if (truth)
      classify(
        truth.map((p) => p.box),
        tracker.currentTracks(),
        frame,
        toPixels,
        ignoredOn(clip, frame.seq),
        falsePositives,
      );
  }
  console.log(`reported boxes on annotated frames: ${JSON.stringify(falsePositives)}`);
  const run: PipelineRun = {
    frames: frames.length,
    reported,
    incidents: new Map([...incidents].map(([id, i]) => [id, i.boxes])),
    detectorCalls: 0,
    seconds: 1,
  };
  printScore('replay', clip, run);
  explain(clip, incidents);
}

/**
 * Counts a frame's reported boxes: matched to a person, or false as `stale` (its track was not
 * seen on this frame: the box is where it was last seen), `duplicate` (it overlaps a person another
 * box took) or `other`.
 */
function classify(
  truth: Box[],
  tracks: readonly { box: NormalizedBox; lastSeen: number }[],
  frame: RecordedFrame,
  toPixels: (b: NormalizedBox) => Box,
  ignore: Box[],
  counts: { stale: number; duplicate: number; other: number; matched: number },
): void {
  const boxes = tracks.map((t) => toPixels(t.box));
  const { pairs } = matchFrame(truth, boxes, ignore);
  const used = new Set(pairs.map(([, p]) => p));
  counts.matched += used.size;
  for (const [p, box] of boxes.entries()) {
    if (used.has(p) || insideIgnoredBox(box, ignore)) continue;
    if ((tracks[p] as { lastSeen: number }).lastSeen < frame.timestamp) counts.stale++;
    else if (truth.some((t) => iou(t, box) >= MIN_IOU)) counts.duplicate++;
    else counts.other++;
  }
}

function insideIgnoredBox(box: Box, ignore: Box[]): boolean {
  return matchFrame([], [box], ignore).falsePositives === 0;
}

function vtestAnnotations(frames: number): ClipAnnotations {
  const clip = loadAnnotations(fileURLToPath(new URL('./clips/vtest.json', import.meta.url)));
  const kept = annotatedFrames(clip).filter((f) => f < frames);
  return { ...clip, frames: Object.fromEntries(kept.map((f) => [String(f), clip.frames[String(f)] ?? []])) };
}

function printScore(what: string, clip: ClipAnnotations, run: PipelineRun): void {
  const s = scoreRun(clip, run);
  const i = s.incidents;
  console.log(
    `${what}: frame recall ${recall(s.perFrame)?.toFixed(3)} precision ${precision(s.perFrame)?.toFixed(3)}; person recall ${i.found}/${i.people}; incidents/person ${(i.personIncidents / i.owners).toFixed(2)} (${i.personIncidents} on ${i.owners}); incidents ${i.total}, false ${i.falseIncidents}`,
  );
}

/** For each person given several incidents: each incident's span and what lay between them. */
function explain(clip: ClipAnnotations, incidents: Map<string, ReplayedIncident>): void {
  const people = new Map<number, Map<number, Box>>();
  for (const frame of annotatedFrames(clip))
    for (const person of clip.frames[String(frame)] ?? []) {
      const boxes = people.get(person.id) ?? new Map<number, Box>();
      boxes.set(frame, person.box);
      people.set(person.id, boxes);
    }
  const smooth = new Map([...people].map(([id, boxes]) => [id, interpolate(boxes, 15)]));
  const owned = new Map<number, { id: string; incident: ReplayedIncident; hits: number }[]>();
  for (const [id, incident] of incidents) {
    const hits = new Map<number, number>();
    for (const [frame, box] of incident.boxes)
      for (const [person, boxes] of smooth) {
        const p = boxes.get(frame);
        if (p && iou(p, box) >= MIN_IOU) hits.set(person, (hits.get(person) ?? 0) + 1);
      }
    const owner = [...hits].sort((x, y) => y[1] - x[1] || x[0] - y[0])[0];
    if (!owner) continue;
    const list = owned.get(owner[0]) ?? [];
    list.push({ id, incident, hits: owner[1] });
    owned.set(owner[0], list);
  }
  for (const [person, list] of [...owned].sort((a, b) => a[0] - b[0])) {
    if (list.length < 2) continue;
    const span = [...(smooth.get(person)?.keys() ?? [])];
    console.log(
      `person ${person} (annotated ${Math.min(...span)}-${Math.max(...span)}): ${list.length} incidents`,
    );
    list.sort((a, b) => a.incident.born - b.incident.born);
    for (const { id, incident, hits } of list) {
      const seen = [...incident.boxes.keys()];
      console.log(
        `  ${id.slice(-6)} born ${incident.born} confirmed ${incident.confirmed} reported ${Math.min(...seen)}-${Math.max(...seen)} ended ${incident.ended ?? '-'}; on the person ${hits} frames`,
      );
    }
  }
}

const [command, file] = positionals;
if (command === 'record') await record(Number(values.seconds), values.out ?? '/tmp/vigil-tracks.json');
else if (command === 'replay' && file) replay(file);
else console.error('usage: npm run eval:tracks -- record [--seconds N] [--out FILE] | replay FILE');
