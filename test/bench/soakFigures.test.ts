import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CHILD_TOLERANCE,
  FD_TOLERANCE,
  leastSquaresSlope,
  type SoakSample,
  slopeStandardError,
  soakVerdict,
  warmUpMinutes,
} from '../../bench/soakFigures';

/** Samples every 10 s for `minutes`, RSS from `rss(minute)`, fds and children from theirs. */
function samples(
  minutes: number,
  rss: (minute: number) => number,
  fds: (minute: number) => number = () => 40,
  children: (minute: number) => number = () => 2,
): SoakSample[] {
  return Array.from({ length: minutes * 6 + 1 }, (_, i) => {
    const minute = i / 6;
    return { minute, rssMb: rss(minute), fds: fds(minute), children: children(minute), threads: 20 };
  });
}

test('the least-squares slope of points on a line is that line’s slope, noise or not', () => {
  assert.equal(leastSquaresSlope([]), 0);
  assert.equal(leastSquaresSlope([{ x: 1, y: 5 }]), 0);
  assert.ok(Math.abs(leastSquaresSlope([0, 1, 2, 3].map((x) => ({ x, y: 3 * x + 7 }))) - 3) < 1e-9);
  // Noise symmetric about the middle of the run leaves the slope at 0.
  const noisy = [1, -1, -1, 1].map((d, x) => ({ x, y: 100 + d }));
  assert.equal(leastSquaresSlope(noisy), 0);
});

test('the warm-up is 5 minutes, or a third of a shorter run', () => {
  assert.equal(warmUpMinutes(30), 5);
  assert.equal(warmUpMinutes(120), 5);
  assert.equal(warmUpMinutes(6), 2);
});

test('a steep warm-up then flat RSS meets the target; the warm-up is left out of the slope', () => {
  const verdict = soakVerdict(
    samples(30, (m) => (m < 5 ? 200 + 30 * m : 350)),
    30,
  );
  assert.equal(verdict.warmUpMinutes, 5);
  assert.equal(verdict.samples, 25 * 6 + 1);
  assert.ok(Math.abs(verdict.rssSlopeMbPer10Min) < 1e-9);
  assert.equal(verdict.rssMet, true);
  assert.deepEqual(verdict.fds, { min: 40, max: 40, flat: true });
  assert.deepEqual(verdict.children, { min: 2, max: 2, flat: true });
});

test('RSS growing by 1.5 MB per 10 minutes after warm-up misses the target; 0.9 MB meets it', () => {
  const leaking = soakVerdict(
    samples(30, (m) => 300 + 0.15 * m),
    30,
  );
  assert.ok(Math.abs(leaking.rssSlopeMbPer10Min - 1.5) < 1e-9);
  assert.equal(leaking.rssMet, false);
  assert.equal(
    soakVerdict(
      samples(30, (m) => 300 + 0.09 * m),
      30,
    ).rssMet,
    true,
  );
});

test('a descriptor leak of one a minute, or an extra child process, is not flat', () => {
  const fdLeak = soakVerdict(
    samples(
      30,
      () => 300,
      (m) => 40 + Math.floor(m),
    ),
    30,
  );
  assert.ok(fdLeak.fds.max - fdLeak.fds.min > FD_TOLERANCE);
  assert.equal(fdLeak.fds.flat, false);
  const childLeak = soakVerdict(
    samples(
      30,
      () => 300,
      () => 40,
      (m) => 2 + Math.floor(m / 10),
    ),
    30,
  );
  assert.ok(childLeak.children.max - childLeak.children.min > CHILD_TOLERANCE);
  assert.equal(childLeak.children.flat, false);
});

test('with fewer than two samples after warm-up every verdict fails rather than passes', () => {
  const verdict = soakVerdict(
    samples(1, () => 300).filter((s) => s.minute < 0.5),
    30,
  );
  assert.equal(verdict.samples, 0);
  assert.equal(verdict.rssMet, false);
  assert.equal(verdict.fds.flat, false);
  assert.equal(verdict.children.flat, false);
});

test('a slope that falls window by window shows a warm-up settling; a steady one shows a leak', () => {
  // Settling like an allocator or a cache filling to its bound: growth halving every 10 minutes.
  const settling = soakVerdict(
    samples(35, (m) => 400 - 20 * 0.5 ** ((m - 5) / 10)),
    35,
  );
  const slopes = settling.rssWindowSlopes.map((w) => w.mbPer10Min);
  assert.deepEqual(
    settling.rssWindowSlopes.map((w) => [w.fromMinute, w.toMinute]),
    [
      [5, 15],
      [15, 25],
      [25, 35],
    ],
  );
  assert.ok((slopes[0] as number) > 2 * (slopes[1] as number) * 0.9, `falling: ${slopes}`);
  assert.ok((slopes[1] as number) > 2 * (slopes[2] as number) * 0.9, `falling: ${slopes}`);
  const leaking = soakVerdict(
    samples(30, (m) => 300 + 0.2 * m),
    30,
  );
  // 25 minutes after warm-up: a 10-minute window, then the 15 left as one (no 5-minute stub).
  assert.deepEqual(
    leaking.rssWindowSlopes.map((w) => [w.fromMinute, w.toMinute]),
    [
      [5, 15],
      [15, 30],
    ],
  );
  for (const w of leaking.rssWindowSlopes) assert.ok(Math.abs(w.mbPer10Min - 2) < 1e-9);
  assert.ok(Math.abs(leaking.rssSlopeLast20MinMbPer10Min - 2) < 1e-9);
  // The settling run's last 20 minutes grow far slower than its whole window.
  assert.ok(settling.rssSlopeLast20MinMbPer10Min < settling.rssSlopeMbPer10Min * 0.8);
  // The first and last minute's means: 300 + 0.2 × 5.5 and 300 + 0.2 × 29.5.
  assert.ok(Math.abs(leaking.rssStartMb - 301.1) < 1e-9, String(leaking.rssStartMb));
  assert.ok(Math.abs(leaking.rssEndMb - 305.9) < 1e-9, String(leaking.rssEndMb));
});

test('the V8 heap gets its own slope and range; without heap samples they are unknown', () => {
  const withHeap = soakVerdict(
    samples(30, () => 300).map((s) => ({ ...s, heapMb: 40 + 0.05 * s.minute })),
    30,
  );
  assert.ok(Math.abs(withHeap.heapSlopeMbPer10Min - 0.5) < 1e-9);
  assert.ok(Math.abs(withHeap.heap.min - 40.25) < 1e-9 && Math.abs(withHeap.heap.max - 41.5) < 1e-9);
  const without = soakVerdict(
    samples(30, () => 300),
    30,
  );
  assert.ok(Number.isNaN(without.heapSlopeMbPer10Min) && Number.isNaN(without.heap.max));
});

test('the slope’s standard error is 0 on a line and grows with the scatter about it', () => {
  const line = [0, 1, 2, 3, 4].map((x) => ({ x, y: 2 * x + 1 }));
  assert.ok(Math.abs(slopeStandardError(line)) < 1e-9);
  assert.ok(Number.isNaN(slopeStandardError(line.slice(0, 2))));
  // Residuals ±1 about a flat line at x = 0…3: s² = 4 / 2, Σ(x − x̄)² = 5, so √(2 / 5).
  const noisy = [1, -1, -1, 1].map((d, x) => ({ x, y: 100 + d }));
  assert.ok(Math.abs(slopeStandardError(noisy) - Math.sqrt(2 / 5)) < 1e-9);
  const verdict = soakVerdict(
    samples(30, (m) => 300 + (Math.round(m * 6) % 2 === 0 ? 10 : -10)),
    30,
  );
  assert.ok(
    verdict.rssSlopeErrorMbPer10Min > 0.5 && verdict.rssSlopeErrorMbPer10Min < 2,
    String(verdict.rssSlopeErrorMbPer10Min),
  );
});
