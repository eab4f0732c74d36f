/** The scene repeats every 20 s: people cross during the first 12 s, then 8 s of empty scene. */
export const SCENE_CYCLE_SECONDS = 20;
/** Time one person takes to cross the frame. */
const WALK_SECONDS = 8;
/** People start within this many seconds of the cycle start, so the quiet part stays quiet. */
const START_SPREAD_SECONDS = 4;

/** A depth band people walk in: its size (fraction of frame height) and where feet touch. */
export interface Lane {
  scale: number;
  baseline: number;
}

/** Far to near; nearer lanes are drawn last. */
export const LANES: readonly Lane[] = [
  { scale: 0.5, baseline: 0.84 },
  { scale: 0.6, baseline: 0.92 },
  { scale: 0.7, baseline: 0.99 },
];

/** One simulated person's part in the cycle. */
export interface Walker {
  /** Index into the person crops. */
  crop: number;
  /** Index into {@link LANES}. */
  lane: number;
  startSeconds: number;
  direction: 1 | -1;
}

/** The people of a scene, spread over crops, lanes, directions and start times. */
export function walkers(people: number, cropCount: number): Walker[] {
  return Array.from({ length: people }, (_, i) => ({
    crop: i % cropCount,
    lane: (i + 1) % LANES.length,
    startSeconds: (i * 2.5) % START_SPREAD_SECONDS,
    direction: i % 2 === 0 ? 1 : -1,
  }));
}

/** Where a walker's sprite goes at `timeSeconds`, or undefined while off screen. */
export function walkerPosition(
  walker: Walker,
  sprite: { width: number; height: number },
  frame: { width: number; height: number },
  timeSeconds: number,
): { left: number; top: number } | undefined {
  const inCycle = ((timeSeconds % SCENE_CYCLE_SECONDS) + SCENE_CYCLE_SECONDS) % SCENE_CYCLE_SECONDS;
  const progress = (inCycle - walker.startSeconds) / WALK_SECONDS;
  if (progress <= 0 || progress >= 1) return undefined;
  const travel = frame.width + sprite.width;
  const along = walker.direction === 1 ? progress : 1 - progress;
  const left = Math.round(-sprite.width + along * travel);
  const lane = LANES[walker.lane] ?? LANES[0];
  const baseline = Math.round((lane?.baseline ?? 0.9) * frame.height);
  // A small bob, two steps a second, so a walker is not a rigid slide.
  const bob = Math.round(2 * Math.abs(Math.sin(progress * WALK_SECONDS * 2 * Math.PI)));
  const top = Math.max(0, baseline - sprite.height) - bob;
  return { left, top };
}
