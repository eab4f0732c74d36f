/**
 * `npm run eval:detection`: runs the appliance's detection pipeline over annotated clips and
 * prints, per clip and model, person recall and precision per annotated frame, per-incident
 * recall against the distinct people, incidents per person (fragmentation), false incidents and
 * detector calls per second. See eval/README.md.
 *
 *   npm run eval:detection -- [--model centernet,...] [--clip vtest,vtest-hard,empty]
 *     [--min-score N] [--threshold N] [--type wasm|cpu|tfjs-node|onnx] [--seconds N] [--quick] [--json FILE]
 *
 * With neither --model nor --type it measures the appliance's default detector (the config's).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createDetector } from '../hal/accel/createDetector';
import { modelManifest, objectModelIds } from '../models/registry';
import { formatIssues, loadConfig } from '../runtime/config/index';
import { LoggerFactory } from '../runtime/logging/logger';
import { labelFilter } from '../runtime/pipeline/tracking/objectFilters';
import { CLIP_NAMES, type ClipName, type PreparedClip, prepareClip, QUICK_CLIPS } from './clips';
import { precision, recall } from './matching';
import { runPipeline } from './runPipeline';
import { type ClipScore, scoreRun } from './score';

const USAGE =
  'usage: npm run eval:detection -- [--model centernet,...] [--clip vtest,vtest-hard,empty] [--min-score N] [--threshold N] [--type wasm|cpu|tfjs-node|onnx] [--seconds N] [--quick] [--json FILE]';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    clip: { type: 'string' },
    'min-score': { type: 'string' },
    threshold: { type: 'string' },
    type: { type: 'string' },
    seconds: { type: 'string' },
    quick: { type: 'boolean', default: false },
    json: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

function fail(message: string): never {
  console.error(`eval:detection: ${message}\n${USAGE}`);
  process.exit(2);
}

function list<T extends string>(
  text: string | undefined,
  valid: readonly T[],
  fallback: readonly T[],
  what: string,
): T[] {
  if (text === undefined) return [...fallback];
  const names = text.split(',').map((s) => s.trim());
  for (const name of names)
    if (!valid.includes(name as T)) fail(`unknown ${what} '${name}'; valid: ${valid.join(', ')}`);
  return names as T[];
}

function score(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!(value >= 0 && value <= 1)) fail(`--${flag} must be a number from 0 to 1 (got '${text}')`);
  return value;
}

// No --model and no --type: the default detector as the config gives it (`undefined` below).
const useDefault = values.model === undefined && values.type === undefined;
const models: (string | undefined)[] = useDefault
  ? [undefined]
  : list(values.model, objectModelIds(), objectModelIds(), 'model');
const seconds = values.seconds === undefined ? undefined : Number(values.seconds);
if (seconds !== undefined && !(seconds > 0))
  fail(`--seconds must be a positive number (got '${values.seconds}')`);
const clips = list<ClipName>(values.clip, CLIP_NAMES, values.quick ? QUICK_CLIPS : CLIP_NAMES, 'clip');
const filter = {
  ...(values['min-score'] !== undefined ? { min_score: score(values['min-score'], 'min-score') } : {}),
  ...(values.threshold !== undefined ? { threshold: score(values.threshold, 'threshold') } : {}),
};
const logger = new LoggerFactory({ level: 'warn', modules: {} }).forModule('eval');

/** The appliance's own config path: the same schema, defaults and checks as `vigil run`. */
function applianceConfig(
  model: string | undefined,
  clip: { video: string; width: number; height: number; fps: number },
) {
  const config = {
    version: 1,
    data_dir: '/tmp/vigil-eval-unused',
    // Absent: the schema's default detector; --model without --type runs on wasm, as before.
    ...(useDefault ? {} : { detectors: { default: { type: values.type ?? 'wasm', model } } }),
    cameras: {
      eval: {
        source: { driver: 'file', path: clip.video, loop: false, realtime: false },
        detect: { width: clip.width, height: clip.height, fps: clip.fps },
        objects: {
          track: ['person'],
          ...(Object.keys(filter).length > 0 ? { filters: { person: filter } } : {}),
        },
        record: { enabled: false },
        snapshots: { enabled: false },
      },
    },
  };
  const loaded = loadConfig({ text: JSON.stringify(config), name: '<eval config>', env: {} });
  if (!loaded.ok) fail(`the evaluation config is invalid:\n${formatIssues(loaded.errors).join('\n')}`);
  const camera = loaded.config.cameras.eval;
  const detector = loaded.config.detectors.default;
  if (!camera || !detector) throw new Error('the evaluation config lost its camera or detector');
  return { camera, detector };
}

/** The registry model a detector config runs. */
function detectorModel(detector: object): string {
  const model = (detector as { model?: unknown }).model;
  if (typeof model !== 'string') fail('the default detector runs no registry model');
  return model;
}

interface Row {
  clip: string;
  model: string;
  score: ClipScore;
  filters: { min_score: number; threshold: number };
}

const fmt = (value: number | null, digits = 2) => (value === null ? '–' : value.toFixed(digits));

function printRow(row: Row): void {
  const { score: s } = row;
  const i = s.incidents;
  const cells = [
    row.clip,
    row.model,
    `${row.filters.min_score}/${row.filters.threshold}`,
    String(s.frames),
    `${fmt(recall(s.perFrame))} (${s.perFrame.truePositives}/${s.perFrame.truePositives + s.perFrame.falseNegatives})`,
    fmt(precision(s.perFrame)),
    i.people > 0 ? `${fmt(i.found / i.people)} (${i.found}/${i.people})` : '–',
    i.owners > 0 ? fmt(i.personIncidents / i.owners) : '–',
    String(i.total),
    String(i.falseIncidents),
    fmt(s.detectorCallsPerSecond, 1),
    fmt(s.framesPerSecond, 1),
  ];
  console.log(`| ${cells.join(' | ')} |`);
}

const header = [
  'clip',
  'model',
  'min_score/threshold',
  'frames',
  'frame recall',
  'frame precision',
  'person recall (incidents)',
  'incidents/person',
  'incidents',
  'false incidents',
  'detector calls/s',
  'frames/s',
];

function configClip(clip: PreparedClip | undefined) {
  if (!clip) fail('no clip to run');
  const { width, height, fps } = clip.annotations;
  return { video: clip.video, width, height, fps };
}

const prepared: PreparedClip[] = [];
for (const name of clips) prepared.push(await prepareClip(name, values.quick, seconds));
const defaultDetector = applianceConfig(undefined, configClip(prepared[0])).detector;
console.log(
  `${values.quick ? 'quick mode: ' : ''}${seconds ? `first ${seconds} s: ` : ''}clips ${clips.join(', ')}; models ${useDefault ? `the default detector (${detectorModel(defaultDetector)} on ${defaultDetector.type})` : `${models.join(', ')} (${values.type ?? 'wasm'})`}`,
);
console.log(`| ${header.join(' | ')} |\n|${header.map(() => ' --- |').join('')}`);
const rows: Row[] = [];
for (const model of models) {
  // The detector section does not depend on the clip; any clip's config carries it.
  const { detector: detectorConfig } = applianceConfig(model, configClip(prepared[0]));
  const manifest = modelManifest(detectorModel(detectorConfig));
  const detector = createDetector('default', detectorConfig, {
    logger: logger.child({ detector: 'default' }),
  });
  await detector.load();
  try {
    for (const clip of prepared) {
      const { annotations: a } = clip;
      const { camera } = applianceConfig(model, configClip(clip));
      const run = await runPipeline({ camera, detector, modelInputSize: manifest.inputSize, logger });
      if (run.frames !== clip.frames)
        logger.warn(
          { clip: clip.name, expected: clip.frames, processed: run.frames },
          'the pipeline did not process every frame',
        );
      const person = labelFilter(camera.objects, 'person');
      const row: Row = {
        clip: clip.name,
        model: manifest.id,
        score: scoreRun(a, run),
        filters: { min_score: person.min_score, threshold: person.threshold },
      };
      rows.push(row);
      printRow(row);
    }
  } finally {
    await detector.close();
  }
}
if (values.json) writeFileSync(values.json, JSON.stringify(rows, null, 2));
