import { Type } from '@sinclair/typebox';
import { literalUnion, strictObject } from '../../../base/schema';

/** Built-in model names the local detectors can run. */
const BUILTIN_MODELS = ['centernet', 'nanodet'] as const;

/** The model a wasm, cpu or tfjs-node detector runs when its config names none. */
export const DEFAULT_TFJS_MODEL = 'centernet';

/** The section of a detector that runs a built-in model with TensorFlow.js (wasm, cpu, tfjs-node). */
export function tfjsDetectorSchema(type: 'wasm' | 'cpu' | 'tfjs-node', what: string) {
  return strictObject(
    {
      type: Type.Literal(type, { description: what }),
      model: literalUnion(BUILTIN_MODELS, {
        default: DEFAULT_TFJS_MODEL,
        description: 'Model from the built-in registry.',
      }),
    },
    { description: what },
  );
}
