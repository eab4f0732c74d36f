import { type Box, boxArea, intersectionArea, iou } from '../base/geometry';

/**
 * Least IoU for a detection to count as finding an annotated person. 0.3, not COCO's 0.5: the
 * people of the distant-people clip are 20-40 px wide, where a few pixels of box jitter (the
 * annotator's and the detector's, and the detector's habit of boxing a person's torso or a whole
 * pair) cost half the IoU; the tracker's boxes also lag a walking person by a frame. 0.3 still
 * needs the boxes to share most of their area, so a box beside a person never counts.
 */
export const MIN_IOU = 0.3;

/** A detection mostly inside an ignore region (by this share of its own area) is left out. */
const IGNORE_OVERLAP = 0.5;

/** Hits, misses and false alarms on one frame, or summed over frames. */
export interface FrameCounts {
  truePositives: number;
  falseNegatives: number;
  falsePositives: number;
}

export const NO_COUNTS: FrameCounts = { truePositives: 0, falseNegatives: 0, falsePositives: 0 };

/** Whether most of `box` lies inside one of the ignore regions. */
function insideIgnored(box: Box, ignore: readonly Box[]): boolean {
  const area = boxArea(box);
  return area > 0 && ignore.some((region) => intersectionArea(box, region) >= IGNORE_OVERLAP * area);
}

/**
 * Matches one frame's predicted boxes to its annotated people, greedily by IoU (highest first,
 * each box used once, IoU ≥ minIou). An unmatched annotated person is a miss; an unmatched
 * prediction is a false positive unless it lies mostly inside an ignore region. People inside an
 * ignore region are not annotated, so they cannot be missed.
 */
export function matchFrame(
  truth: readonly Box[],
  predicted: readonly Box[],
  ignore: readonly Box[],
  minIou = MIN_IOU,
): FrameCounts & { pairs: Array<[number, number]> } {
  const candidates: Array<{ t: number; p: number; overlap: number }> = [];
  for (const [t, truthBox] of truth.entries())
    for (const [p, box] of predicted.entries()) {
      const overlap = iou(truthBox, box);
      if (overlap >= minIou) candidates.push({ t, p, overlap });
    }
  candidates.sort((a, b) => b.overlap - a.overlap);
  const usedTruth = new Set<number>();
  const usedPredicted = new Set<number>();
  const pairs: Array<[number, number]> = [];
  for (const { t, p } of candidates) {
    if (usedTruth.has(t) || usedPredicted.has(p)) continue;
    usedTruth.add(t);
    usedPredicted.add(p);
    pairs.push([t, p]);
  }
  const falsePositives = predicted.filter(
    (box, p) => !usedPredicted.has(p) && !insideIgnored(box, ignore),
  ).length;
  return {
    truePositives: pairs.length,
    falseNegatives: truth.length - pairs.length,
    falsePositives,
    pairs,
  };
}

export function addCounts(a: FrameCounts, b: FrameCounts): FrameCounts {
  return {
    truePositives: a.truePositives + b.truePositives,
    falseNegatives: a.falseNegatives + b.falseNegatives,
    falsePositives: a.falsePositives + b.falsePositives,
  };
}

/** Found / annotated; null when nothing was annotated. */
export function recall(c: FrameCounts): number | null {
  const total = c.truePositives + c.falseNegatives;
  return total === 0 ? null : c.truePositives / total;
}

/** Right / reported; null when nothing was reported. */
export function precision(c: FrameCounts): number | null {
  const total = c.truePositives + c.falsePositives;
  return total === 0 ? null : c.truePositives / total;
}

/** Boxes by frame index: one person's annotations, or one incident's tracked object. */
export type BoxesByFrame = ReadonlyMap<number, Box>;

/**
 * A person's box on every frame between two of their annotations at most `maxGap` frames apart,
 * linearly interpolated, so a short incident between annotated frames can still be matched.
 */
export function interpolate(annotated: BoxesByFrame, maxGap: number): Map<number, Box> {
  const frames = [...annotated.keys()].sort((a, b) => a - b);
  const out = new Map<number, Box>(annotated);
  for (let i = 1; i < frames.length; i++) {
    const a = frames[i - 1] as number;
    const b = frames[i] as number;
    if (b - a > maxGap) continue;
    const from = annotated.get(a) as Box;
    const to = annotated.get(b) as Box;
    for (let f = a + 1; f < b; f++) {
      const k = (f - a) / (b - a);
      out.set(f, from.map((v, j) => v + k * ((to[j] as number) - v)) as unknown as Box);
    }
  }
  return out;
}

/** What the incidents made of the distinct people of a clip. */
export interface IncidentMetrics {
  /** Distinct annotated people counted (those on at least `minFrames` annotated frames). */
  people: number;
  /** Of those, how many some incident overlapped (IoU ≥ minIou on some frame). */
  found: number;
  /** Incidents assigned to a person (the person they overlapped on most frames). */
  personIncidents: number;
  /** People assigned at least one incident: personIncidents / owners is incidents per person (fragmentation). */
  owners: number;
  /** Incidents that overlapped no person and lay mostly outside the ignore regions. */
  falseIncidents: number;
  /** Incidents that overlapped no person but lay mostly inside ignore regions. */
  ignoredIncidents: number;
}

/**
 * Per-incident figures. Each incident (a tracked object that was reported) is given to the person
 * it overlaps on the most frames; a person is found when at least one incident is theirs or
 * overlaps them. `people` holds interpolated boxes; `ignore(frame)` the ignore regions of a frame.
 * People seen on fewer than `minFrames` annotated frames (a head at the edge for half a second)
 * are not counted as people to find, but an incident on them is not a false one either.
 */
export function incidentMetrics(options: {
  people: ReadonlyMap<number, BoxesByFrame>;
  annotatedFrameCounts: ReadonlyMap<number, number>;
  incidents: ReadonlyMap<string, BoxesByFrame>;
  ignore: (frame: number) => readonly Box[];
  minFrames: number;
  minIou?: number;
}): IncidentMetrics {
  const { people, incidents, ignore, minFrames, annotatedFrameCounts } = options;
  const minIou = options.minIou ?? MIN_IOU;
  const counted = [...people.keys()].filter((id) => (annotatedFrameCounts.get(id) ?? 0) >= minFrames);
  const found = new Set<number>();
  const owners = new Set<number>();
  let personIncidents = 0;
  let falseIncidents = 0;
  let ignoredIncidents = 0;
  for (const boxes of incidents.values()) {
    const hits = new Map<number, number>();
    let ignoredFrames = 0;
    for (const [frame, box] of boxes) {
      for (const [id, personBoxes] of people) {
        const personBox = personBoxes.get(frame);
        if (personBox && iou(personBox, box) >= minIou) hits.set(id, (hits.get(id) ?? 0) + 1);
      }
      if (insideIgnored(box, ignore(frame))) ignoredFrames++;
    }
    if (hits.size === 0) {
      if (ignoredFrames * 2 >= boxes.size && boxes.size > 0) ignoredIncidents++;
      else falseIncidents++;
      continue;
    }
    personIncidents++;
    for (const id of hits.keys()) found.add(id);
    // The person it overlapped on most frames; ties go to the lower id, so the result is stable.
    const owner = [...hits].sort((x, y) => y[1] - x[1] || x[0] - y[0])[0] as [number, number];
    owners.add(owner[0]);
  }
  return {
    people: counted.length,
    found: counted.filter((id) => found.has(id)).length,
    personIncidents,
    owners: owners.size,
    falseIncidents,
    ignoredIncidents,
  };
}
