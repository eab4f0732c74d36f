import { Type } from '@sinclair/typebox';
import { strictObject } from '../../../base/schema';

/** The `remote` detector's section: detection done by another machine over HTTP. */
export const RemoteDetectorSchema = strictObject(
  {
    type: Type.Literal('remote', { description: 'Detection done by another machine over HTTP.' }),
    url: Type.String({
      minLength: 1,
      description: 'Endpoint of the remote detector, e.g. http://gpu-box:8000/detect.',
    }),
    timeout_ms: Type.Integer({
      minimum: 1,
      maximum: 60_000,
      default: 2000,
      description: 'Give up on one request after this long.',
    }),
  },
  { description: 'A detector on another machine.' },
);
