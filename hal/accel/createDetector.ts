import type { Logger } from '../../base/logger';
import { modelManifest } from '../../models/registry';
import type { DetectorConfig, DetectorType } from './detectorSchema';
import { DEFAULT_DETECTION_FILTER, type DetectionFilter } from './detectors/detectionFilter';
import { OnnxDetector } from './detectors/onnxDetector';
import { RemoteDetector } from './detectors/remoteDetector';
import { TfjsDetector, type TfjsDetectorType } from './detectors/tfjsDetector';
import type { TfjsBackend } from './tfjs/backend';
import type { LoadableModelRunner, ModelRunner, ObjectDetector } from './types';
import { DEFAULT_CALL_TIMEOUT_MS, WorkerModelRunner } from './worker/workerModelRunner';

/** Every detector type, in the order error messages list them. */
export const DETECTOR_TYPES: readonly DetectorType[] = ['wasm', 'cpu', 'tfjs-node', 'onnx', 'remote'];

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
  /** Which candidates a detector keeps; default DEFAULT_DETECTION_FILTER (min score 0.3, IoU 0.5, 50 max). */
  filter?: Partial<DetectionFilter>;
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

/**
 * Builds the object detector a config names; call load() before detect(). Local model types run
 * in worker threads; an unknown type fails with the list of valid ones.
 */
export function createDetector(name: string, config: DetectorConfig, deps: DetectorDeps): ObjectDetector {
  const filter: DetectionFilter = { ...DEFAULT_DETECTION_FILTER, ...deps.filter };
  const logger = deps.logger;
  switch (config.type) {
    case 'wasm':
    case 'cpu':
    case 'tfjs-node': {
      const label = `detector '${name}' (${config.type})`;
      const runner =
        deps.runner ??
        new WorkerModelRunner({
          engine: { engine: 'tfjs', backend: TFJS_BACKENDS[config.type] },
          label,
          logger,
          // One by default, not one per core: each wasm worker holds ~180 MB (centernet + its
          // activations), too much ×4 on a 2 GB Pi. With `threads`, workers are added one at a time,
          // only while every worker is busy (several cameras at once).
          threads: config.threads ?? 1,
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
    case 'onnx': {
      const runner = new WorkerModelRunner({
        engine: { engine: 'onnx', executionProvider: config.execution_provider },
        label: `detector '${name}' (onnx)`,
        logger,
        // onnxruntime parallelises one inference over all cores itself.
        threads: 1,
        callTimeoutMs: deps.callTimeoutMs,
        loadTimeoutMs: deps.loadTimeoutMs,
      });
      return new OnnxDetector(name, { modelPath: config.model_path, runner, filter, logger });
    }
    case 'remote':
      return new RemoteDetector(name, { url: config.url, timeoutMs: config.timeout_ms, filter, logger });
    default: {
      const type = (config as { type?: unknown }).type;
      throw new Error(
        `detector '${name}': unknown type ${JSON.stringify(type)}; valid types: ${DETECTOR_TYPES.join(', ')}`,
      );
    }
  }
}
