import type { Migration } from './index';

/**
 * An unknown face keeps how well it was seen (detector score, size, sharpness), so it can be
 * enrolled as it was recognised — its own descriptor — without finding the face again in the
 * small JPEG crop. Faces kept before this migration have none (NULL).
 */
export const unknownFaceQuality: Migration = {
  version: 10,
  name: 'unknown_face_quality',
  sql: `
    ALTER TABLE face_unknown ADD COLUMN detection_score REAL;
    ALTER TABLE face_unknown ADD COLUMN size_px REAL;
    ALTER TABLE face_unknown ADD COLUMN sharpness REAL;
  `,
};
