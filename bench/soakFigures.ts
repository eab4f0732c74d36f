/**
 * The arithmetic of `npm run soak` (bench/soak.ts), apart from the run so that a test can check
 * it: the warm-up, the RSS slope by least squares and the verdicts against issue 23's targets.
 */

/** Issue 23: after warm-up the RSS grows by at most this much per 10 minutes. */
export const RSS_SLOPE_LIMIT_MB_PER_10_MIN = 1;
/**
 * How far open descriptors may wander after warm-up and still count as flat: HTTP connections
 * (the event load's keep-alive sockets, a clip being written) open and close between samples.
 * A leak of one per minute exceeds it within a 30-minute run.
 */
export const FD_TOLERANCE = 16;
/** Child processes (ffmpeg per camera) are a fixed set: a restart may overlap one sample. */
export const CHILD_TOLERANCE = 1;

/** One sample of the vigil process, `minute` minutes after its start was confirmed. */
export interface SoakSample {
  minute: number;
  rssMb: number;
  fds: number;
  children: number;
  threads: number;
  /** V8 heap used (Prometheus `vigil_nodejs_heap_size_used_bytes`), undefined when not read. */
  heapMb?: number;
}

/** The figures after warm-up and whether each target was met. */
export interface SoakVerdict {
  warmUpMinutes: number;
  /** Samples after warm-up that the figures below are computed from. */
  samples: number;
  rssSlopeMbPer10Min: number;
  rssMet: boolean;
  fds: { min: number; max: number; flat: boolean };
  children: { min: number; max: number; flat: boolean };
}

/** The warm-up the issue allows: the first 5 minutes, or a third of a shorter run. */
export function warmUpMinutes(totalMinutes: number): number {
  return Math.min(5, totalMinutes / 3);
}

/** Least-squares slope of `y` over `x` (units of y per unit of x); 0 with fewer than two distinct x. */
export function leastSquaresSlope(points: ReadonlyArray<{ x: number; y: number }>): number {
  const n = points.length;
  if (n < 2) return 0;
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / n;
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const { x, y } of points) {
    covariance += (x - meanX) * (y - meanY);
    variance += (x - meanX) ** 2;
  }
  return variance === 0 ? 0 : covariance / variance;
}

/** The verdicts over the samples taken after the warm-up of a `totalMinutes` run. */
export function soakVerdict(samples: readonly SoakSample[], totalMinutes: number): SoakVerdict {
  const warmUp = warmUpMinutes(totalMinutes);
  const after = samples.filter((s) => s.minute >= warmUp);
  // Without samples after warm-up there is nothing to judge: every verdict fails rather than passes.
  if (after.length < 2) {
    return {
      warmUpMinutes: warmUp,
      samples: after.length,
      rssSlopeMbPer10Min: Number.NaN,
      rssMet: false,
      fds: { min: Number.NaN, max: Number.NaN, flat: false },
      children: { min: Number.NaN, max: Number.NaN, flat: false },
    };
  }
  const slope = leastSquaresSlope(after.map((s) => ({ x: s.minute, y: s.rssMb }))) * 10;
  const range = (values: number[], tolerance: number) => {
    const min = Math.min(...values);
    const max = Math.max(...values);
    return { min, max, flat: max - min <= tolerance };
  };
  return {
    warmUpMinutes: warmUp,
    samples: after.length,
    rssSlopeMbPer10Min: slope,
    rssMet: slope <= RSS_SLOPE_LIMIT_MB_PER_10_MIN,
    fds: range(
      after.map((s) => s.fds),
      FD_TOLERANCE,
    ),
    children: range(
      after.map((s) => s.children),
      CHILD_TOLERANCE,
    ),
  };
}
