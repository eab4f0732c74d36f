import type { FaceList, GalleryVerdict } from '../types';

/** The closest enrolled person on one list. */
export interface ListCandidate {
  name: string;
  list: FaceList;
  /** Cosine similarity of their closest descriptor. */
  score: number;
}

/**
 * The verdict from the best candidate of each list: a blacklisted match that passes the threshold
 * wins even when a known person is closer (a false "known" must never hide someone on the
 * blacklist); else a passing known match; else unknown, scored by the closest anyone came.
 */
export function faceVerdict(
  bestKnown: ListCandidate | null,
  bestBlacklisted: ListCandidate | null,
  threshold: number,
): GalleryVerdict {
  if (bestBlacklisted && bestBlacklisted.score >= threshold)
    return { kind: 'blacklisted', name: bestBlacklisted.name, score: clampScore(bestBlacklisted.score) };
  if (bestKnown && bestKnown.score >= threshold)
    return { kind: 'known', name: bestKnown.name, score: clampScore(bestKnown.score) };
  const closest = Math.max(bestKnown?.score ?? 0, bestBlacklisted?.score ?? 0);
  return { kind: 'unknown', name: null, score: clampScore(closest) };
}

/** Scores are reported in 0..1 (faceres descriptors are non-negative, so cosines are too, barring rounding). */
function clampScore(score: number): number {
  return Math.min(1, Math.max(0, score));
}
