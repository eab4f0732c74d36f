/** Object tracking for one camera: filters, tracker, zones and the snapshot choice. */

export { sharpness } from './cropSharpness';
export { filterDetections, labelFilter } from './objectFilters';
export { ObjectTracker, type TrackerUpdate } from './objectTracker';
export {
  defaultSnapshotScore,
  type SnapshotCandidate,
  touchesFrameEdge,
} from './snapshotScore';
export type { TrackedObject } from './trackedObject';

export {
  anchorPoint,
  pointInPolygon,
  zonesOf,
} from './zones';
