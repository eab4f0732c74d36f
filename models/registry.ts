import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
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
  decoder?: 'centernet' | 'yolo';
}

/** Directory of the graph models shipped inside the @vladmandic/human npm package. */
export function humanModelsDir(): string {
  const require = createRequire(import.meta.url);
  // The package's exports do not include package.json; its main entry lives in dist/.
  return join(dirname(dirname(require.resolve('@vladmandic/human'))), 'models');
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
  },
  blazeface: {
    id: 'blazeface',
    task: 'face_detection',
    path: 'blazeface.json',
    inputSize: 256,
    normalization: 'minus_one_to_one',
  },
  faceres: {
    id: 'faceres',
    task: 'face_descriptor',
    path: 'faceres.json',
    inputSize: 224,
    // Pixel values as they are: fed 0..1, every face gets nearly the same descriptor.
    normalization: 'none',
  },
};

/** The manifest of a built-in model, or an error listing the ones that exist. */
export function modelManifest(id: string): ModelManifest {
  const manifest = MODELS[id];
  if (!manifest) throw new Error(`unknown model '${id}'; built-in models: ${Object.keys(MODELS).join(', ')}`);
  return manifest;
}

/** Absolute path of a built-in model's graph JSON. */
export function modelFile(manifest: ModelManifest): string {
  return join(humanModelsDir(), manifest.path);
}

/** The ids of the built-in object detection models (the evaluation harness runs them all by default). */
export function objectModelIds(): string[] {
  return Object.values(MODELS)
    .filter((manifest) => manifest.task === 'objects')
    .map((manifest) => manifest.id);
}
