import { isPlainObject } from '../../base/pathIssue';
import { DetectorsSchema } from '../../hal/accel/detectorSchema';
import { DEFAULT_TFJS_MODEL } from '../../hal/accel/detectors/tfjsDetectorSchema';
import { type ModelDefaults, modelIds, modelManifest } from '../../models/registry';

/** The detector a camera uses. `cameras.<name>.detector` picks one (issue 20's pool); else `default`. */
function cameraDetectorName(camera: Record<string, unknown>): string {
  return typeof camera.detector === 'string' ? camera.detector : 'default';
}

/**
 * The registry model a detector runs, when it runs one: the tfjs types name it (`model`, whose
 * schema default applies when absent), and so may onnx; an onnx file (`model_path`) and remote
 * detectors run models the registry does not know, whose cameras keep the schema's (Frigate's)
 * defaults.
 */
function detectorModel(detector: unknown): string | undefined {
  if (!isPlainObject(detector)) return undefined;
  const tfjs = ['wasm', 'cpu', 'tfjs-node'].includes(String(detector.type));
  if (!tfjs && detector.type !== 'onnx') return undefined;
  const model = detector.model ?? (tfjs ? DEFAULT_TFJS_MODEL : undefined);
  return typeof model === 'string' && modelIds().includes(model) ? model : undefined;
}

/**
 * Fills in, in place, `min_score` and `threshold` of each tracked label's object filter that the
 * config leaves unset with the calibrated defaults of the model its camera's detector runs
 * (models/registry.ts `defaults`). What the config sets wins. Runs before the schema defaults,
 * on the raw (not yet validated) value, so it touches only what has the expected shape and leaves
 * the rest for validation to report.
 */
export function applyModelFilterDefaults(config: unknown): void {
  if (!isPlainObject(config) || !isPlainObject(config.cameras)) return;
  const detectors = config.detectors === undefined ? DetectorsSchema.default : config.detectors;
  if (!isPlainObject(detectors)) return;
  for (const camera of Object.values(config.cameras)) {
    if (!isPlainObject(camera)) continue;
    const defaults = modelDefaults(detectors[cameraDetectorName(camera)]);
    if (!defaults) continue;
    camera.objects ??= {};
    const objects = camera.objects;
    if (!isPlainObject(objects)) continue;
    objects.filters ??= {};
    const filters = objects.filters;
    const track = objects.track ?? ['person'];
    if (!isPlainObject(filters) || !Array.isArray(track)) continue;
    for (const label of track) {
      // Not a label's filter but Object.prototype's own names: writing them would pollute it.
      if (typeof label !== 'string' || label in Object.prototype) continue;
      filters[label] ??= {};
      const filter = filters[label];
      if (!isPlainObject(filter)) continue;
      filter.min_score ??= defaults.minScore;
      filter.threshold ??= defaults.threshold;
    }
  }
}

function modelDefaults(detector: unknown): ModelDefaults | undefined {
  const model = detectorModel(detector);
  return model === undefined ? undefined : modelManifest(model).defaults;
}
