import { type Static, type TObject, type TProperties, Type } from '@sinclair/typebox';
import { NAME_PATTERN, strictObject } from '../../base/schema';
import { OnnxDetectorSchema } from './detectors/onnxDetectorSchema';
import { RemoteDetectorSchema } from './detectors/remoteDetectorSchema';
import { tfjsDetectorSchema } from './detectors/tfjsDetectorSchema';

/** `instances`, which every detector type has: how many calls it runs at once. */
const InstancesSchema = Type.Optional(
  Type.Integer({
    minimum: 1,
    maximum: 16,
    description:
      'How many detections run at once: worker threads, each with its own copy of the model (~85 MB each for NanoDet on onnx, ~180 MB for CenterNet on wasm), or requests in flight (remote). Regions from all cameras using this detector are shared out fairly between them. Default for detectors that use one core per call (wasm, cpu, and onnx with intra_op_threads: 1): one per core, less one core for the cameras from 3 cores up, at most 4, and as many as the memory holds: one up to 1 GB, then one more per 64 MB (onnx) or 192 MB (TensorFlow.js). 1 for tfjs-node, remote, and onnx with more intra-op threads (the default detector: its intra-op threads default to those cores), which use several cores (or another machine) in one call.',
  }),
);

/** A detector type's own section with `instances` added, still closed to unknown keys. */
function withInstances<T extends TProperties>(section: TObject<T>) {
  return strictObject(
    { ...section.properties, instances: InstancesSchema },
    { description: section.description },
  );
}

/** One object detector backend, chosen by `type`; each detector owns its section's schema beside its code. */
const DetectorSchema = Type.Union(
  [
    withInstances(tfjsDetectorSchema('wasm', 'TensorFlow.js on WebAssembly; runs everywhere.')),
    withInstances(tfjsDetectorSchema('cpu', 'TensorFlow.js on the plain CPU backend.')),
    withInstances(
      tfjsDetectorSchema(
        'tfjs-node',
        'TensorFlow.js with libtensorflow, when @tensorflow/tfjs-node is installed.',
      ),
    ),
    withInstances(OnnxDetectorSchema),
    withInstances(RemoteDetectorSchema),
  ],
  { description: 'A detector; `type` is one of wasm, cpu, tfjs-node, onnx, remote.' },
);

/**
 * The detector a config without `detectors` gets: NanoDet on onnxruntime (README "Object models":
 * ~5× the regions/s of CenterNet on wasm at the same recall on vtest.avi), in one instance whose
 * intra-op threads are the cores detection may use (detectorInstances.ts). On 2 cores one
 * instance at 2 threads has about the regions/s of 2 instances at 1 thread each and holds ~60 MB
 * less (bench:memory, bench:detectors).
 */
export const DEFAULT_DETECTOR = { type: 'onnx', model: 'nanodet', execution_provider: 'cpu' } as const;

/** Detectors by name; cameras use `default` unless their `detector` names another. */
export const DetectorsSchema = Type.Record(Type.String({ pattern: NAME_PATTERN }), DetectorSchema, {
  additionalProperties: false,
  default: { default: DEFAULT_DETECTOR },
  description: 'Object detectors by name.',
});

/** One object detector backend. */
export type DetectorConfig = Static<typeof DetectorSchema>;
/** The detector type names. */
export type DetectorType = DetectorConfig['type'];
