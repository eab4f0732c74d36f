import type { RgbImage } from '../../../base/image/rgbImage';
import type { NormalizedBox } from '../../../models/types';
import type { Polygon } from '../../config/schema/zones';
import type { SnapshotFiles } from '../../store/snapshotFiles';

/** One tracked object's best sighting, to be kept as snapshot files. */
export interface SnapshotRequest {
  camera: string;
  objectId: string;
  label: string;
  /** Detection score of the sighting (drawn on the annotated variant). */
  score: number;
  /** The object on `frame`, as fractions of the frame. */
  box: NormalizedBox;
  /** Zones the object is in now (named next to its label on the annotated variant). */
  zones: readonly string[];
  /** The frame of the sighting (packed RGB at detect size). */
  frame: RgbImage;
  /** When the object was first seen: picks the day folder, so every re-save lands on the same files. */
  at: number;
  /** The camera's zones, outlined on the annotated variant. */
  zonesConfig: Readonly<Record<string, { coordinates: Polygon }>>;
}

/**
 * Keeps snapshot files: the pipeline's port to the snapshot store. Resolves to the files written,
 * or null when they could not be written (the implementation logs and counts that; it never rejects,
 * so a full disk cannot break a frame loop).
 */
export interface SnapshotSaver {
  save(request: SnapshotRequest): Promise<SnapshotFiles | null>;
}
