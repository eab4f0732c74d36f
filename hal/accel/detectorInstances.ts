import { availableParallelism, totalmem } from 'node:os';
import type { DetectorConfig } from './detectorSchema';

/** Most instances the default gives any detector: past this, cameras starve for CPU instead. */
const MAX_DEFAULT_INSTANCES = 4;
/**
 * Memory the appliance needs with its first detector instance before a board gets a second one:
 * the vigil process with two cameras and faces on (~320 MB, bench:memory at `instances: 1`), its
 * ffmpeg children (~220 MB) and the system. A 1 GB Pi 3 or a 512 MB Zero 2 W gets one instance.
 */
const MEMORY_FOR_ONE_INSTANCE = 1024 ** 3;
/**
 * What each further instance adds, with headroom: onnxruntime with NanoDet at one intra-op thread,
 * loaded from the build's .onnx file, measured ~45 MB a worker (bench:memory, median RSS at the
 * default 2 instances against `instances: 1`: ~30 MB of session, weights and arena, the rest the
 * worker's V8 isolate); a TensorFlow.js worker holds its wasm heap (~180 MB with CenterNet).
 */
const MEMORY_PER_INSTANCE: Record<'onnx' | 'tfjs', number> = { onnx: 64 * 1024 ** 2, tfjs: 192 * 1024 ** 2 };
/** What the default number of instances depends on; the machine's own figures unless given. */
export interface MachineSize {
  cores: number;
  memoryBytes: number;
}

function thisMachine(): MachineSize {
  return { cores: availableParallelism(), memoryBytes: totalmem() };
}

/**
 * Whether one call of this detector already spreads over every core (tfjs-node's libtensorflow,
 * onnxruntime with its intra-op threads left to it) or runs elsewhere (remote): then a second
 * instance would only compete. onnxruntime held to one intra-op thread (the default detector)
 * uses one core per call, like TensorFlow.js on wasm.
 */
function spreadsOverCores(config: DetectorConfig): boolean {
  if (config.type === 'onnx') return config.intra_op_threads !== 1;
  return config.type === 'tfjs-node' || config.type === 'remote';
}

/**
 * How many calls a detector runs at once when `instances` is not set. TensorFlow.js on wasm (and
 * the cpu backend) runs single-threaded in Node (its threaded build is browser-only, tfjs#3830),
 * so one instance uses one core at most: the default is one instance per core, less one core for
 * the cameras (ffmpeg decoding, motion, crops) from 3 cores up, at most 4, and as many as the memory
 * holds: one up to 1 GB, then one more per MEMORY_PER_INSTANCE. onnxruntime at one intra-op thread counts as single-threaded too. Detectors that
 * spread over the cores themselves, and remote ones, get 1.
 */
export function defaultInstances(config: DetectorConfig, machine: MachineSize = thisMachine()): number {
  if (spreadsOverCores(config)) return 1;
  const freeCores = machine.cores > 2 ? machine.cores - 1 : machine.cores;
  const perInstance = MEMORY_PER_INSTANCE[config.type === 'onnx' ? 'onnx' : 'tfjs'];
  const byMemory = 1 + Math.floor(Math.max(0, machine.memoryBytes - MEMORY_FOR_ONE_INSTANCE) / perInstance);
  return Math.max(1, Math.min(freeCores, byMemory, MAX_DEFAULT_INSTANCES));
}

/** The instances a detector config asks for, or the default for its type on this machine. */
export function detectorInstances(config: DetectorConfig, machine?: MachineSize): number {
  return config.instances ?? defaultInstances(config, machine);
}
