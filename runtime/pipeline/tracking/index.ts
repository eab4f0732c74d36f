/** Object tracking for one camera: filters, tracker, zones and the snapshot choice. */

export { sharpness } from './cropSharpness';
export { filterDetections, labelFilter } from './detectionFilter';
export { ObjectTracker, type TrackerFrameInput, type TrackerUpdate } from './objectTracker';
export {
  defaultSnapshotScore,
  type SnapshotCandidate,
  type SnapshotScore,
  touchesFrameEdge,
} from './snapshotScore';
export type { TrackedObject } from './trackedObject';
export { frigateStyleId, type ObjectTrackerOptions } from './trackerOptions';
export {
  anchorPoint,
  type CompiledZone,
  compileZones,
  pointInPolygon,
  zonesContaining,
  zonesOf,
} from './zones';
