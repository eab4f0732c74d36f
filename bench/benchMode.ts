/**
 * Normal or smoke mode. `tsx bench/run.ts --smoke` sets VIGIL_BENCH_SMOKE=1 for every bench it
 * starts: each then runs with tiny sizes, so that a bench that no longer works (it throws, an API
 * it uses changed) fails within seconds, in `npm test`, instead of rotting until someone runs it.
 * Smoke figures mean nothing; they are printed only to show the bench got that far.
 */

/** The variable bench/run.ts sets to ask for smoke mode. */
export const SMOKE_ENV = 'VIGIL_BENCH_SMOKE';

export const SMOKE = process.env[SMOKE_ENV] === '1';

/**
 * A size: `override` when given (a BENCH_… variable or a command-line argument, in either mode),
 * else `smoke` in smoke mode, else `normal`.
 */
export function benchSize(override: string | undefined, normal: number, smoke: number): number {
  if (override === undefined || override === '') return SMOKE ? smoke : normal;
  const value = Number(override);
  // A typo must not silently become NaN iterations.
  if (!Number.isFinite(value) || value < 0) throw new Error(`not a size: ${JSON.stringify(override)}`);
  return value;
}

/** `title`, marked when this is a smoke run so nobody takes its figures for a measurement. */
export function benchTitle(title: string): string {
  return SMOKE ? `${title}\n  [smoke run: tiny sizes, the figures below mean nothing]` : title;
}
