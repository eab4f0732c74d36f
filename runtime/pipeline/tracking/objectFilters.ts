import type { Detection } from '../../../models/types';
import { applyDefaults } from '../../config/applyDefaults';
import { CameraSchema, type ObjectFilterConfig, type ObjectsConfig } from '../../config/schema/camera';
import { recordParts } from '../../config/schemaWalk';
import type { FrameSize } from '../types';

/** The filter of a label with no `filters` entry: the schema's defaults, read from the schema itself. */
const DEFAULT_FILTER = Object.freeze(
  applyDefaults(
    recordParts(CameraSchema.properties.objects.properties.filters).value,
    {},
  ) as ObjectFilterConfig,
);

/** The score and size filter that applies to `label` (its own entry, else the defaults). */
export function labelFilter(objects: ObjectsConfig, label: string): Readonly<ObjectFilterConfig> {
  return Object.hasOwn(objects.filters, label) ? (objects.filters[label] ?? DEFAULT_FILTER) : DEFAULT_FILTER;
}

/**
 * The detections worth tracking: a tracked label, a score of at least the label's `min_score`,
 * and a box area (in pixels of `frame`, the detect size) within its `min_area`..`max_area`.
 */
export function filterDetections(
  detections: readonly Detection[],
  objects: ObjectsConfig,
  frame: FrameSize,
): Detection[] {
  const kept: Detection[] = [];
  for (const detection of detections) {
    if (!objects.track.includes(detection.label)) continue;
    const filter = labelFilter(objects, detection.label);
    if (detection.score < filter.min_score) continue;
    const [x1, y1, x2, y2] = detection.box;
    const area = Math.max(0, x2 - x1) * frame.width * Math.max(0, y2 - y1) * frame.height;
    if (area < filter.min_area || area > filter.max_area) continue;
    kept.push(detection);
  }
  return kept;
}
