import type { Logger } from '../../base/logger';
import { modelManifest } from '../../models/registry';
import { detectorInstances, onnxIntraOpThreads } from './detectorInstances';
import type { DetectorConfig, DetectorType } from './detectorSchema';
import { type CandidateFilter, DEFAULT_CANDIDATE_FILTER } from './detectors/candidateFilter';
import { OnnxDetector } from './detectors/onnxDetector';
import { RemoteDetector } from './detectors/remoteDetector';
import { TfjsDetector, type TfjsDetectorType } from './detectors/tfjsDetector';
import { REGISTRY_MODEL_PREFIX } from './onnx/onnxRunner';
import type { TfjsBackend } from './tfjs/backend';
import type { LoadableModelRunner, ModelRunner, ObjectDetector } from './types';
import { DEFAULT_CALL_TIMEOUT_MS, WorkerModelRunner } from './worker/workerModelRunner';

/** The TensorFlow.js backend behind each tfjs detector type. */
const TFJS_BACKENDS: Record<TfjsDetectorType, TfjsBackend> = {
  wasm: 'wasm',
  cpu: 'cpu',
  'tfjs-node': 'tensorflow',
};

/**
 * The plain-JS cpu backend needs ~11 s per centernet inference on a desktop core (wasm: ~0.3 s),
 * so its stuck-call timeout is longer.
 */
const CPU_CALL_TIMEOUT_MS = 120_000;

/** What detectors need besides their config. */
export interface DetectorDeps {
  logger: Logger;
  /** Which candidates a detector keeps; default DEFAULT_CANDIDATE_FILTER (min score 0.3, IoU 0.5, 50 max). */
  filter?: Partial<CandidateFilter>;
  /** A worker call unanswered this long fails and restarts the worker; default 10 s (cpu: 120 s). */
  callTimeoutMs?: number;
  /** Bound on loading a model in a worker; default 120 s. */
  loadTimeoutMs?: number;
  /**
   * tfjs types only: run the model on this runner instead of starting worker threads, e.g. an
   * InProcessRunner in a CLI tool, or one WorkerModelRunner shared with face recognition. The
   * detector does not close a runner it was given.
   */
  runner?: ModelRunner | LoadableModelRunner;
}

/** Builds one type of detector from its own config section. */
type DetectorFactory<K extends DetectorType> = (
  name: string,
  config: Extract<DetectorConfig, { type: K }>,
  deps: DetectorDeps,
  filter: CandidateFilter,
) => ObjectDetector;

function tfjsDetector(
  name: string,
  config: Extract<DetectorConfig, { type: TfjsDetectorType }>,
  deps: DetectorDeps,
  filter: CandidateFilter,
): ObjectDetector {
  const { logger } = deps;
  const runner =
    deps.runner ??
    new WorkerModelRunner({
      engine: { engine: 'tfjs', backend: TFJS_BACKENDS[config.type] },
      label: `detector '${name}' (${config.type})`,
      logger,
      // Each instance is a worker with its own copy of the model; see defaultInstances for the default.
      instances: detectorInstances(config),
      callTimeoutMs:
        deps.callTimeoutMs ?? (config.type === 'cpu' ? CPU_CALL_TIMEOUT_MS : DEFAULT_CALL_TIMEOUT_MS),
      loadTimeoutMs: deps.loadTimeoutMs,
    });
  return new TfjsDetector(name, config.type, {
    manifest: modelManifest(config.model),
    runner,
    ownsRunner: deps.runner === undefined,
    filter,
    logger,
  });
}

/**
 * One factory per detector type; the mapped type makes a type without a factory a compile
 * error, and the list of valid types in messages comes from here.
 */
const DETECTOR_FACTORIES: { readonly [K in DetectorType]: DetectorFactory<K> } = {
  wasm: tfjsDetector,
  cpu: tfjsDetector,
  'tfjs-node': tfjsDetector,
  onnx: (name, config, deps, filter) => {
    if ((config.model === undefined) === (config.model_path === undefined)) {
      throw new Error(
        `detector '${name}' (onnx): give either model_path (an .onnx file) or model (a built-in model), not ${config.model ? 'both' : 'neither'}`,
      );
    }
    const manifest = config.model === undefined ? undefined : modelManifest(config.model);
    const runner = new WorkerModelRunner({
      engine: {
        engine: 'onnx',
        executionProvider: config.execution_provider,
        // The config's, else the cores detection may use (detectorInstances.ts).
        intraOpThreads: onnxIntraOpThreads(config),
      },
      label: `detector '${name}' (onnx)`,
      logger: deps.logger,
      // One instance by default when onnxruntime spreads one inference over the cores itself.
      instances: detectorInstances(config),
      callTimeoutMs: deps.callTimeoutMs,
      loadTimeoutMs: deps.loadTimeoutMs,
    });
    const modelPath = manifest ? `${REGISTRY_MODEL_PREFIX}${manifest.id}` : (config.model_path ?? '');
    return new OnnxDetector(name, { modelPath, manifest, runner, filter, logger: deps.logger });
  },
  remote: (name, config, deps, filter) =>
    new RemoteDetector(name, {
      url: config.url,
      timeoutMs: config.timeout_ms,
      apiKey: config.api_key,
      retryMs: config.retry_seconds * 1000,
      filter,
      logger: deps.logger,
    }),
};

/** The valid values of `detectors.<name>.type`, in the order error messages list them. */
export const DETECTOR_TYPES = Object.keys(DETECTOR_FACTORIES) as readonly DetectorType[];

/**
 * Builds the object detector a config names; call load() before detect(). Local model types run
 * in worker threads; an unknown type fails with the list of valid ones.
 */
export function createDetector(name: string, config: DetectorConfig, deps: DetectorDeps): ObjectDetector {
  const type: string = config.type;
  if (!Object.hasOwn(DETECTOR_FACTORIES, type)) {
    throw new Error(
      `detector '${name}': unknown type ${JSON.stringify(type)}; valid types: ${DETECTOR_TYPES.join(', ')}`,
    );
  }
  const factory = DETECTOR_FACTORIES[config.type] as DetectorFactory<DetectorType>;
  return factory(name, config, deps, { ...DEFAULT_CANDIDATE_FILTER, ...deps.filter });
}
