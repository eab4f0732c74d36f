import type { InferenceSession } from 'onnxruntime-node';
import { graphModelToOnnx } from '../../../models/onnx/graphModelToOnnx';
import { prebuiltOnnxFile } from '../../../models/onnx/prebuiltOnnx';
import { modelFile, modelManifest } from '../../../models/registry';
import type { TensorData } from '../../../models/types';
import type { LoadableModelRunner, ModelInfo } from '../types';
import { parseClassNames, readOnnxMetadata } from './onnxMetadata';

/** onnxruntime execution providers a detector config may ask for. */
export type OnnxExecutionProvider = 'cpu' | 'cuda' | 'tensorrt';

/** Providers tried in order for each choice; onnxruntime runs unsupported nodes on the next one. */
const PROVIDER_CHAINS: Record<OnnxExecutionProvider, string[]> = {
  cpu: ['cpu'],
  cuda: ['cuda', 'cpu'],
  tensorrt: ['tensorrt', 'cuda', 'cpu'],
};

type OnnxRuntime = typeof import('onnxruntime-node');

interface LoadedSession {
  session: InferenceSession;
  info: ModelInfo;
}

/**
 * Model ids of this prefix name a registry model (`registry:nanodet`): the build's .onnx file of
 * it (models/onnx/prebuiltOnnx.ts), or, run from source, the graph converted to ONNX at load.
 */
export const REGISTRY_MODEL_PREFIX = 'registry:';

/**
 * Runs .onnx models with onnxruntime-node; the model id is the file path, or `registry:<id>` for a
 * registry model (see REGISTRY_MODEL_PREFIX). In
 * onnxruntime-node 1.x `session.run()` executes synchronously on the calling JS thread (only
 * its start is deferred with setImmediate), so the appliance hosts this runner in a worker.
 */
export class OnnxRunner implements LoadableModelRunner {
  readonly #provider: OnnxExecutionProvider;
  readonly #threads: number | undefined;
  readonly #memoryArena: boolean;
  readonly #sessions = new Map<string, Promise<LoadedSession>>();

  /**
   * `threads`: onnxruntime's intra-op threads for one inference; default: its own (one per core).
   * `memoryArena`: onnxruntime's CPU memory arena (default on), see MEMORY_OPTIONS.
   */
  constructor(provider: OnnxExecutionProvider, threads?: number, memoryArena = true) {
    this.#provider = provider;
    this.#threads = threads;
    this.#memoryArena = memoryArena;
  }

  async load(modelPath: string): Promise<ModelInfo> {
    return (await this.#session(modelPath)).info;
  }

  async run(modelPath: string, input: TensorData): Promise<TensorData[]> {
    const ort = await loadOnnxRuntime();
    const { session } = await this.#session(modelPath);
    const inputName = session.inputNames[0];
    if (inputName === undefined) throw new Error(`ONNX model ${modelPath} has no inputs`);
    const feeds = { [inputName]: new ort.Tensor('float32', input.data, input.shape) };
    const results = await session.run(feeds);
    return session.outputNames.map((name) => {
      const tensor = results[name] as InstanceType<OnnxRuntime['Tensor']> | undefined;
      if (!tensor || typeof tensor.data === 'string' || !ArrayBuffer.isView(tensor.data)) {
        throw new Error(`ONNX model ${modelPath}: output '${name}' is not a numeric tensor`);
      }
      const data =
        tensor.data instanceof Float32Array
          ? tensor.data
          : Float32Array.from(tensor.data as ArrayLike<number>);
      return { data, shape: [...tensor.dims] };
    });
  }

  async close(): Promise<void> {
    const sessions = [...this.#sessions.values()];
    this.#sessions.clear();
    for (const loaded of sessions) {
      await (await loaded.catch(() => undefined))?.session.release();
    }
  }

  #session(modelPath: string): Promise<LoadedSession> {
    let loaded = this.#sessions.get(modelPath);
    if (!loaded) {
      loaded = createSession(modelPath, this.#provider, this.#threads, this.#memoryArena);
      this.#sessions.set(modelPath, loaded);
      // A failed load is not cached: the next call tries again (e.g. after the file was fixed).
      loaded.catch(() => this.#sessions.delete(modelPath));
    }
    return loaded;
  }
}

async function createSession(
  modelPath: string,
  provider: OnnxExecutionProvider,
  threads: number | undefined,
  memoryArena: boolean,
): Promise<LoadedSession> {
  const ort = await loadOnnxRuntime();
  const warnings: string[] = [];
  const registry = modelPath.startsWith(REGISTRY_MODEL_PREFIX);
  const model = registry ? registryModel(modelPath.slice(REGISTRY_MODEL_PREFIX.length)) : modelPath;
  const create = (providers: string[], quiet?: boolean) =>
    typeof model === 'string'
      ? ort.InferenceSession.create(model, sessionOptions(providers, quiet, threads, memoryArena))
      : ort.InferenceSession.create(model, sessionOptions(providers, quiet, threads, memoryArena));
  let session: InferenceSession;
  let used: string = provider;
  try {
    session = await create(PROVIDER_CHAINS[provider], provider !== 'cpu');
  } catch (err) {
    if (provider === 'cpu') throw new Error(`cannot load ONNX model ${modelPath}: ${firstLine(err)}`);
    warnings.push(
      `onnxruntime execution provider '${provider}' is not available here (${firstLine(err)}); running on cpu instead`,
    );
    used = 'cpu';
    try {
      session = await create(['cpu']);
    } catch (cpuErr) {
      throw new Error(`cannot load ONNX model ${modelPath}: ${firstLine(cpuErr)}`);
    }
  }
  const describe = (metadata: readonly InferenceSession.ValueMetadata[]) =>
    metadata.map((m) => ({ name: m.name, shape: m.isTensor ? [...m.shape] : [] }));
  return {
    session,
    info: {
      inputs: describe(session.inputMetadata),
      outputs: describe(session.outputMetadata),
      labels: registry ? undefined : classNamesIn(modelPath),
      executionProvider: used,
      warnings,
    },
  };
}

/**
 * Session options that keep a small CPU model's memory down (NanoDet at 416×416, one intra-op
 * thread; measured side by side with MALLOC_MMAP_THRESHOLD_ as the daemon runs): without memory
 * patterns (activations planned ahead of the first run and kept allocated) a session holds
 * ~12 MB less for ~3 % more time per inference. The CPU memory arena stays on for detectors:
 * turning it off saved another ~25 MB but cost 15–45 % of the throughput. Face recognition turns
 * it off (runtime/faces/faceModelRunner.ts): BlazeFace and FaceRes then hold ~10–25 MB less, and
 * take 12 and 23 ms instead of 8 and 15 ms here, a cost no one sees at a few faces a second.
 * Sequential execution is onnxruntime's default, stated because a parallel executor would add its
 * own thread pool. Intra-op threads do not spin-wait for work between and after the parallel parts
 * of a call: on a box whose cores ffmpeg and the cameras share, spinning burnt CPU they needed
 * (NanoDet at 2 threads, calls paced like a camera's: 84–94 ms of CPU a call spinning, 56 ms not,
 * and faster in wall time too, at load 13–14 on 2 cores).
 */
const MEMORY_OPTIONS = {
  enableMemPattern: false,
  executionMode: 'sequential',
  extra: { session: { intra_op: { allow_spinning: '0' } } },
} as const satisfies InferenceSession.SessionOptions;

/** The options of every session this runner creates (exported for its test). */
export function sessionOptions(
  providers: string[],
  quiet = false,
  threads?: number,
  memoryArena = true,
): InferenceSession.SessionOptions {
  // Severity 3 = errors only: onnxruntime's warnings (e.g. about unused initializers) are noise here.
  // 4 = fatal only, while trying an accelerator: its load error is reported as our own warning.
  const options: InferenceSession.SessionOptions = {
    executionProviders: providers,
    graphOptimizationLevel: 'all',
    logSeverityLevel: quiet ? 4 : 3,
    ...MEMORY_OPTIONS,
    enableCpuMemArena: memoryArena,
  };
  return threads === undefined ? options : { ...options, intraOpNumThreads: threads, interOpNumThreads: 1 };
}

/**
 * A registry model for onnxruntime: the path of the build's .onnx file of it, else its graph model
 * converted to ONNX bytes here; an unknown id or op fails with the reason.
 */
function registryModel(id: string): string | Uint8Array {
  try {
    const manifest = modelManifest(id);
    return prebuiltOnnxFile(manifest) ?? graphModelToOnnx(modelFile(manifest));
  } catch (err) {
    throw new Error(`cannot convert registry model '${id}' to ONNX: ${firstLine(err)}`);
  }
}

let runtime: Promise<OnnxRuntime> | undefined;

/** onnxruntime-node, imported on first use so TensorFlow.js workers never load it. */
function loadOnnxRuntime(): Promise<OnnxRuntime> {
  runtime ??= import('onnxruntime-node');
  return runtime;
}

/** The first line of an error message, without the colored native log onnxruntime appends to some. */
function firstLine(err: unknown): string {
  const message = String((err as Error)?.message ?? err);
  return (message.split('\u001b')[0] ?? '').split('\n')[0] ?? '';
}

/** Class names stored in the model file, if any. */
function classNamesIn(modelPath: string): string[] | undefined {
  try {
    return parseClassNames(readOnnxMetadata(modelPath).names);
  } catch {
    // onnxruntime accepted the file, so the metadata is only a nicety: fall back to default labels.
    return undefined;
  }
}
