import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CHILD_TOLERANCE,
  FD_TOLERANCE,
  leastSquaresSlope,
  type SoakSample,
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
