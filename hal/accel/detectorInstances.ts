import { availableParallelism, totalmem } from 'node:os';
import type { DetectorConfig } from './detectorSchema';

/** Most cores the default gives detection (instances or intra-op threads): past this, cameras starve for CPU instead. */
const MAX_DETECTION_CORES = 4;
/**
 * Memory the appliance needs with its first detector instance before a board gets a second one:
 * the vigil process with two cameras and faces on (~300–330 MB, bench:memory at one instance), its
 * ffmpeg children (~220 MB) and the system. A 1 GB Pi 3 or a 512 MB Zero 2 W gets one instance.
 */
const MEMORY_FOR_ONE_INSTANCE = 1024 ** 3;
/**
 * What each further instance adds, with headroom: onnxruntime with NanoDet at one intra-op thread,
 * loaded from the build's .onnx file, measured ~45–60 MB a worker (bench:memory, median RSS of 2
 * single-threaded instances against one: ~30 MB of session, weights and arena, the rest the
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
 * The cores detection may use: every core on a 1- or 2-core board, one less from 3 cores up
 * (ffmpeg decoding, motion and crops need one), at most 4 (past this, cameras starve for CPU).
 */
function detectionCores(machine: MachineSize): number {
  return Math.max(1, Math.min(machine.cores > 2 ? machine.cores - 1 : machine.cores, MAX_DETECTION_CORES));
}

/**
 * onnxruntime's intra-op threads for one inference: the config's, else the cores detection may
 * use, in one instance (see defaultInstances). undefined for other detector types.
 */
export function onnxIntraOpThreads(
  config: DetectorConfig,
  machine: MachineSize = thisMachine(),
): number | undefined {
  if (config.type !== 'onnx') return undefined;
  return config.intra_op_threads ?? detectionCores(machine);
}

/**
 * Whether one call of this detector already spreads over the cores (tfjs-node's libtensorflow,
 * onnxruntime with more than one intra-op thread, the default detector on 2 cores and up) or runs
 * elsewhere (remote): then a second instance would only compete, and cost its memory. onnxruntime
 * held to one intra-op thread uses one core per call, like TensorFlow.js on wasm.
 */
function spreadsOverCores(config: DetectorConfig, machine: MachineSize): boolean {
  if (config.type === 'onnx') return (onnxIntraOpThreads(config, machine) ?? 1) > 1;
  return config.type === 'tfjs-node' || config.type === 'remote';
}

/**
 * How many calls a detector runs at once when `instances` is not set. TensorFlow.js on wasm (and
 * the cpu backend) runs single-threaded in Node (its threaded build is browser-only, tfjs#3830),
 * so one instance uses one core at most: the default is one instance per core, less one core for
 * the cameras (ffmpeg decoding, motion, crops) from 3 cores up, at most 4, and as many as the memory
 * holds: one up to 1 GB, then one more per MEMORY_PER_INSTANCE. onnxruntime set to one intra-op
 * thread counts as single-threaded too. Detectors that spread over the cores themselves (the
 * default onnx detector, whose one instance has an intra-op thread per core detection may use:
 * ~60 MB less than a second worker, see the README "Object models"), and remote ones, get 1.
 */
export function defaultInstances(config: DetectorConfig, machine: MachineSize = thisMachine()): number {
  if (spreadsOverCores(config, machine)) return 1;
  const perInstance = MEMORY_PER_INSTANCE[config.type === 'onnx' ? 'onnx' : 'tfjs'];
  const byMemory = 1 + Math.floor(Math.max(0, machine.memoryBytes - MEMORY_FOR_ONE_INSTANCE) / perInstance);
  return Math.max(1, Math.min(detectionCores(machine), byMemory));
}

/** The instances a detector config asks for, or the default for its type on this machine. */
export function detectorInstances(config: DetectorConfig, machine?: MachineSize): number {
  return config.instances ?? defaultInstances(config, machine);
}
