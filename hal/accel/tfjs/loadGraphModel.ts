import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type GraphModel, loadGraphModel as tfLoadGraphModel } from '@tensorflow/tfjs-converter';
import type { io } from '@tensorflow/tfjs-core';

interface ModelJson {
  modelTopology: unknown;
  weightsManifest: Array<{ paths: string[]; weights: io.WeightsManifestEntry[] }>;
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  signature?: unknown;
  userDefinedMetadata?: io.ModelArtifacts['userDefinedMetadata'];
}

/** Loads a tfjs graph model from a local model.json and its weight files (no network, no tfjs-node). */
export async function loadGraphModelFile(file: string): Promise<GraphModel> {
  let json: ModelJson;
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as ModelJson;
  } catch (err) {
    throw new Error(`cannot read model ${file}: ${(err as Error).message}`);
  }
  const weights = Buffer.concat(
    json.weightsManifest.flatMap((group) => group.paths.map((p) => readFileSync(join(dirname(file), p)))),
  );
  const artifacts: io.ModelArtifacts = {
    modelTopology: json.modelTopology as io.ModelArtifacts['modelTopology'],
    weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy ?? undefined,
    signature: json.signature as io.ModelArtifacts['signature'],
    userDefinedMetadata: json.userDefinedMetadata,
  };
  return tfLoadGraphModel({ load: async () => artifacts });
}
