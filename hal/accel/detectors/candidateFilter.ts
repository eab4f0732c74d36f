import { nonMaxSuppression } from '../../../base/nonMaxSuppression';
import type { Detection } from '../../../models/types';
import { boxToImage, type LetterboxPlacement } from '../preprocess/letterbox';

/** What a detector keeps of a model's raw candidates. */
export interface CandidateFilter {
  /** Candidates scoring lower are dropped before NMS. Cameras filter further by their own min_score. */
  minScore: number;
  /** Same-label boxes overlapping more than this (IoU) are merged into the best one. */
  iouThreshold: number;
  /** At most this many detections per image, best first. */
  maxDetections: number;
}

/** Defaults: low enough that a camera's min_score (default 0.5) decides, like Frigate's detector threshold. */
export const DEFAULT_CANDIDATE_FILTER: CandidateFilter = {
  minScore: 0.3,
  iouThreshold: 0.5,
  maxDetections: 50,
};

/**
 * Maps decoded detections (boxes in fractions of the model input) back onto the image through
 * its letterbox placement, drops boxes that fell entirely into the bars, then applies NMS.
 */
export function finishDetections(
  decoded: readonly Detection[],
  placement: LetterboxPlacement,
  filter: CandidateFilter,
): Detection[] {
  const onImage: Detection[] = [];
  for (const detection of decoded) {
    const box = boxToImage(detection.box, placement);
    if (box[2] > box[0] && box[3] > box[1]) onImage.push({ ...detection, box });
  }
  return nonMaxSuppression(onImage, filter.iouThreshold).slice(0, filter.maxDetections);
}
