import { Type } from '@sinclair/typebox';
import { literalUnion, strictObject } from '../../../base/schema';

/** The `sim` driver's section of `cameras.<name>.source`. */
export const SimSourceSchema = strictObject(
  {
    driver: Type.Literal('sim', { description: 'Synthetic frames with moving people; needs no hardware.' }),
    scene: literalUnion(['people'], { default: 'people', description: 'What the simulated scene shows.' }),
    people: Type.Integer({
      minimum: 0,
      maximum: 50,
      default: 2,
      description: 'How many simulated people walk about.',
    }),
  },
  { description: 'A simulated camera.' },
);
