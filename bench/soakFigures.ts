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
  /** The slope's standard error from the scatter about the line ({@link slopeStandardError}). */
  rssSlopeErrorMbPer10Min: number;
  rssMet: boolean;
  /** Mean RSS of the first and of the last minute of the judged window (single samples are noisy). */
  rssStartMb: number;
  rssEndMb: number;
  /**
   * The slope of each successive 10 minutes after warm-up (the last one up to 15): falling ones
   * are a warm-up still settling, steady ones a leak. Not a verdict.
   */
  rssWindowSlopes: Array<{ fromMinute: number; toMinute: number; mbPer10Min: number }>;
  /** The slope of the last 20 minutes alone (NaN when fewer were judged): a longer warm-up, not a verdict. */
  rssSlopeLast20MinMbPer10Min: number;
  /** The V8 heap's slope over the same window; NaN without heap samples. */
  heapSlopeMbPer10Min: number;
  heap: { min: number; max: number };
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

/**
 * The standard error of the least-squares slope (same units): how far the slope could wander from
 * noise alone. RSS swings by tens of MB between collections (frames and crops waiting for a full
 * GC), so over 25 minutes a flat process can show a slope of ±1 MB per 10 minutes. Samples 10 s
 * apart are not independent, so the true uncertainty is larger still. NaN with fewer than 3 points.
 */
export function slopeStandardError(points: ReadonlyArray<{ x: number; y: number }>): number {
  const n = points.length;
  if (n < 3) return Number.NaN;
  const slope = leastSquaresSlope(points);
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / n;
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / n;
  let residuals = 0;
  let variance = 0;
  for (const { x, y } of points) {
    residuals += (y - meanY - slope * (x - meanX)) ** 2;
    variance += (x - meanX) ** 2;
  }
  return variance === 0 ? Number.NaN : Math.sqrt(residuals / (n - 2) / variance);
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
      rssSlopeErrorMbPer10Min: Number.NaN,
      rssMet: false,
      rssStartMb: Number.NaN,
      rssEndMb: Number.NaN,
      rssWindowSlopes: [],
      rssSlopeLast20MinMbPer10Min: Number.NaN,
      heapSlopeMbPer10Min: Number.NaN,
      heap: { min: Number.NaN, max: Number.NaN },
      fds: { min: Number.NaN, max: Number.NaN, flat: false },
      children: { min: Number.NaN, max: Number.NaN, flat: false },
    };
  }
  const rssPoints = after.map((s) => ({ x: s.minute, y: s.rssMb }));
  const slope = leastSquaresSlope(rssPoints) * 10;
  const first = after[0] as SoakSample;
  const last = after.at(-1) as SoakSample;
  const meanRss = (from: number, to: number) => {
    const within = after.filter((s) => s.minute >= from && s.minute <= to);
    return within.reduce((sum, s) => sum + s.rssMb, 0) / within.length;
  };
  const heaps = after.flatMap((s) => (s.heapMb === undefined ? [] : [{ x: s.minute, y: s.heapMb }]));
  const range = (values: number[], tolerance: number) => {
    const min = Math.min(...values);
    const max = Math.max(...values);
    return { min, max, flat: max - min <= tolerance };
  };
  return {
    warmUpMinutes: warmUp,
    samples: after.length,
    rssSlopeMbPer10Min: slope,
    rssSlopeErrorMbPer10Min: slopeStandardError(rssPoints) * 10,
    rssMet: slope <= RSS_SLOPE_LIMIT_MB_PER_10_MIN,
    rssStartMb: meanRss(first.minute, first.minute + 1),
    rssEndMb: meanRss(last.minute - 1, last.minute),
    rssWindowSlopes: windowSlopes(after, first.minute, last.minute),
    rssSlopeLast20MinMbPer10Min:
      last.minute - first.minute < 20
        ? Number.NaN
        : leastSquaresSlope(
            after.filter((s) => s.minute >= last.minute - 20).map((s) => ({ x: s.minute, y: s.rssMb })),
          ) * 10,
    heapSlopeMbPer10Min: heaps.length < 2 ? Number.NaN : leastSquaresSlope(heaps) * 10,
    heap: {
      min: heaps.length === 0 ? Number.NaN : Math.min(...heaps.map((h) => h.y)),
      max: heaps.length === 0 ? Number.NaN : Math.max(...heaps.map((h) => h.y)),
    },
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

/** RSS slopes of successive 10-minute windows from `from`; a remainder of 5 minutes or less joins the last. */
function windowSlopes(
  samples: readonly SoakSample[],
  from: number,
  to: number,
): SoakVerdict['rssWindowSlopes'] {
  const windows: SoakVerdict['rssWindowSlopes'] = [];
  for (let start = from; start < to; start += 10) {
    const end = to - (start + 10) <= 5 ? to : start + 10;
    const within = samples.filter((s) => s.minute >= start && s.minute <= end);
    windows.push({
      fromMinute: start,
      toMinute: end,
      mbPer10Min: leastSquaresSlope(within.map((s) => ({ x: s.minute, y: s.rssMb }))) * 10,
    });
    if (end === to) break;
  }
  return windows;
}
