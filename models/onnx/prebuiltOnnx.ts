import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ModelManifest, modelFile, modelIds, modelManifest } from '../registry';
import { graphModelToOnnx } from './graphModelToOnnx';

/**
 * The registry models the appliance runs on onnxruntime: the default detector's (those onnx-tf
 * made from PyTorch, NCHW input) and face recognition's (blazeface, faceres).
 */
function convertedModels(): ModelManifest[] {
  return modelIds()
    .map(modelManifest)
    .filter((manifest) => manifest.layout === 'nchw' || manifest.task !== 'objects');
}

/**
 * Converts those models to ONNX once, at build time, into `<outdir>/models/<id>.onnx` (build.ts:
 * dist/models). Each model worker then hands onnxruntime the file instead of converting the graph
 * in memory at every start: no ~60 MB of transient typed arrays per worker, ~2 s less per start.
 * Returns the files written.
 */
export function writePrebuiltOnnx(outdir: string): string[] {
  const dir = join(outdir, 'models');
  mkdirSync(dir, { recursive: true });
  return convertedModels().map((manifest) => {
    const name = `${manifest.id}.onnx`;
    writeFileSync(join(dir, name), graphModelToOnnx(modelFile(manifest, dir)));
    return name;
  });
}

/**
 * The build's ONNX file of a registry model, in `models/` beside the running bundle (dist/models,
 * /opt/vigil/models on the image), or undefined when there is none: run from source, the graph is
 * converted in memory instead.
 */
export function prebuiltOnnxFile(manifest: ModelManifest, dir = bundledModelsDir()): string | undefined {
  const file = join(dir, `${manifest.id}.onnx`);
  return existsSync(file) ? file : undefined;
}

/** `models/` beside this module: in a bundle, beside the bundle (see models/registry.ts modelFile). */
function bundledModelsDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), 'models');
}
