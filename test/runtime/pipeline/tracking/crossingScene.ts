import type { Detection, NormalizedBox } from '../../../../models/types';
import { ObjectTracker } from '../../../../runtime/pipeline/tracking/index';
import { OBJECTS } from './trackingKit';

/** The clip the crossing scenes imitate: 768×576 at 10 fps, people 26–34 px wide. */
export const CROSSING_FRAME = { width: 768, height: 576 };
export const CROSSING_FRAME_MS = 100;

/** A walker: where its box starts (pixels, top-left), its size and its speed (pixels per frame). */
interface Walker {
  x: number;
  y: number;
  width: number;
  height: number;
  vx: number;
  vy: number;
}

/** Mulberry32: a small seeded generator, so a scene is the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One frame of a scene: the true boxes (index = person) and what the detector reported. */
export interface SceneFrame {
  truth: NormalizedBox[];
  detections: Detection[];
}

/**
 * Two people walking toward each other along a pavement and crossing, as a detector on real
 * footage reports them: boxes jitter by a few pixels, and while they overlap the one behind is
 * missed for a few frames and on one frame the two come out as one wide box. `seed` varies the
 * sizes, speeds, jitter and which frames are missed.
 */
export function crossingScene(seed: number, frames = 60): SceneFrame[] {
  const random = seeded(seed);
  const between = (low: number, high: number) => low + (high - low) * random();
  const speed = between(2.5, 5);
  const a: Walker = { x: 200, y: 300, width: between(26, 34), height: between(70, 90), vx: speed, vy: 0.3 };
  const b: Walker = {
    x: 200 + speed * frames * between(0.8, 1.2),
    y: 300 + between(-12, 12),
    width: between(26, 34),
    height: between(70, 90),
    vx: -between(2.5, 5),
    vy: between(-0.5, 0.5),
  };
  const jitter = between(1, 3);
  const scene: SceneFrame[] = [];
  let merged = false;
  for (let frame = 0; frame < frames; frame++) {
    const truth = [boxAt(a, frame), boxAt(b, frame)];
    const overlapping = intersects(truth[0] as number[], truth[1] as number[]);
    const detections: Detection[] = [];
    if (overlapping && !merged && random() < 0.35) {
      merged = true;
      detections.push(person(union(truth[0] as number[], truth[1] as number[]), jitter, random));
    } else {
      detections.push(person(truth[0] as number[], jitter, random));
      // The one behind (B) is hidden most of the time while they overlap.
      if (!overlapping || random() < 0.3) detections.push(person(truth[1] as number[], jitter, random));
    }
    if (random() < 0.5) detections.reverse();
    scene.push({ truth: truth.map(normalized), detections });
  }
  return scene;
}

function boxAt(walker: Walker, frame: number): number[] {
  const x = walker.x + walker.vx * frame;
  const y = walker.y + walker.vy * frame;
  return [x, y, x + walker.width, y + walker.height];
}

function intersects(p: number[], q: number[]): boolean {
  return (p[0] as number) < (q[2] as number) && (q[0] as number) < (p[2] as number);
}

function union(p: number[], q: number[]): number[] {
  return [
    Math.min(p[0] as number, q[0] as number),
    Math.min(p[1] as number, q[1] as number),
    Math.max(p[2] as number, q[2] as number),
    Math.max(p[3] as number, q[3] as number),
  ];
}

function person(box: number[], jitter: number, random: () => number): Detection {
  const noisy = box.map((value) => value + (random() * 2 - 1) * jitter);
  return { label: 'person', score: 0.6 + 0.3 * random(), box: normalized(noisy) };
}

function normalized(box: number[]): NormalizedBox {
  const { width, height } = CROSSING_FRAME;
  return [
    (box[0] as number) / width,
    (box[1] as number) / height,
    (box[2] as number) / width,
    (box[3] as number) / height,
  ];
}

/** What a tracker made of a scene: the ids it put on each person, over the frames it followed them. */
export interface IdentityReport {
  /** Per person, the distinct ids of the tracks that sat on them. */
  idsPerPerson: string[][];
  /** Ids that sat on both people at some point (a swap). */
  swapped: string[];
}

/**
 * Runs `scene` through a fresh tracker (person threshold 0.5) and reports which track ids sat on
 * which person: on a frame where the two do not overlap, a track seen on it sits on the person
 * whose true box it overlaps most, by IoU ≥ 0.3.
 */
export function trackScene(scene: readonly SceneFrame[], start = 1_700_000_000_000): IdentityReport {
  const tracker = new ObjectTracker({
    objects: {
      ...OBJECTS,
      filters: { person: { min_score: 0.3, threshold: 0.5, min_area: 0, max_area: 1e7 } },
    },
    frame: CROSSING_FRAME,
  });
  const ids: Set<string>[] = [new Set(), new Set()];
  scene.forEach((frame, n) => {
    tracker.update(frame.detections, start + n * CROSSING_FRAME_MS);
    // While the two overlap, which of them a box shows is ambiguous; identity is read outside that.
    if (iou(frame.truth[0] as NormalizedBox, frame.truth[1] as NormalizedBox) > 0) return;
    for (const track of tracker.confirmedTracks()) {
      if (track.lastSeen !== start + n * CROSSING_FRAME_MS) continue;
      const overlaps = frame.truth.map((truth) => iou(track.box, truth));
      const best = (overlaps[0] as number) >= (overlaps[1] as number) ? 0 : 1;
      if ((overlaps[best] as number) >= 0.3) ids[best]?.add(track.id);
    }
  });
  const [first, second] = ids as [Set<string>, Set<string>];
  return {
    idsPerPerson: [[...first], [...second]],
    swapped: [...first].filter((id) => second.has(id)),
  };
}

function iou(p: NormalizedBox, q: NormalizedBox): number {
  const w = Math.max(0, Math.min(p[2], q[2]) - Math.max(p[0], q[0]));
  const h = Math.max(0, Math.min(p[3], q[3]) - Math.max(p[1], q[1]));
  const inter = w * h;
  const union = (p[2] - p[0]) * (p[3] - p[1]) + (q[2] - q[0]) * (q[3] - q[1]) - inter;
  return union > 0 ? inter / union : 0;
}
