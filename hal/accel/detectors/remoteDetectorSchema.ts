import { Type } from '@sinclair/typebox';
import { SECRET, strictObject } from '../../../base/schema';

/**
 * The `remote` detector's section: detection done by another machine over HTTP, speaking the
 * DeepStack / CodeProject.AI API (how Coral and Hailo are used: see the README).
 */
export const RemoteDetectorSchema = strictObject(
  {
    type: Type.Literal('remote', { description: 'Detection done by another machine over HTTP.' }),
    url: Type.String({
      minLength: 1,
      description:
        'DeepStack / CodeProject.AI detection endpoint, e.g. http://ai-box:32168/v1/vision/detection; a user:password@ in it is sent as HTTP Basic auth.',
    }),
    timeout_ms: Type.Integer({
      minimum: 1,
      maximum: 60_000,
      default: 2000,
      description: 'Give up on one request after this long.',
    }),
    api_key: Type.Optional(
      Type.String({
        minLength: 1,
        description: "DeepStack's API key (its API-KEY setting), sent as the form field api_key.",
        ...SECRET,
      }),
    ),
    retry_seconds: Type.Integer({
      minimum: 1,
      maximum: 300,
      default: 5,
      description:
        'While the server fails, try it again this often; frames in between are not sent (no backlog).',
    }),
  },
  { description: 'A detector on another machine.' },
);
