import { type Static, Type } from '@sinclair/typebox';
import { strictObject } from '../../../base/schema';

/** Face detection and recognition on people the tracker found. */
export const FacesSchema = strictObject(
  {
    enabled: Type.Boolean({ default: true, description: 'Look for faces on tracked people.' }),
    recognition_threshold: Type.Number({
      minimum: 0,
      maximum: 1,
      default: 0.75,
      description:
        'Cosine similarity (0..1) a face needs to match an enrolled person; higher means fewer false matches. ' +
        'With the built-in faceres model strangers score up to ~0.7 and the same person 0.75–1, so below 0.7 ' +
        'a stranger may be taken for someone on the blacklist.',
    }),
    min_face_size: Type.Integer({
      minimum: 8,
      default: 40,
      description: 'Smallest face (pixels) worth recognising.',
    }),
    unknown_retain_days: Type.Number({
      minimum: 0,
      default: 7,
      description: 'Days crops of unknown faces are kept.',
    }),
  },
  { default: {}, description: 'Face recognition.' },
);

/** Face recognition settings. */
export type FacesConfig = Static<typeof FacesSchema>;
