import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createCameraSource } from '../../../hal/camera/createCameraSource';
import type { CameraSource, Frame } from '../../../hal/camera/types';
import type { CameraConfig } from '../../../runtime/config/schema/index';
import { cameraConfig, type SourceSection, testSourceOptions } from './fixtures/cameraConfig';
import { descendantProcesses, isRunning } from './fixtures/childProcesses';

/** What the shared suite needs to know about one driver. */
export interface ContractTarget {
  /** Shown in test names, e.g. `ffmpeg (HTTP MJPEG)`. */
  name: string;
  /** A source that keeps delivering frames for at least ~10 s. */
  healthy(): SourceSection;
  /** Whether frames come from child processes (checked for orphans after stop). */
  spawnsProcesses: boolean;
  /** Every frame is delivered, unpaced (a file with `realtime: false`). */
  lossless?: boolean;
  /**
   * A source that delivers a few frames, loses them, and comes back (or, for a file, one
   * that is missing and appears later: call `recover` once it is offline).
   */
  flaky?(): Promise<{ source: SourceSection; recover?: () => void | Promise<void> }>;
  /** A source that cannot work, and the offline reason it must give. */
  broken?(): { source: SourceSection; reason: RegExp };
}

/** Creates a source from a config section; every source a test makes is stopped at its end. */
function open(section: SourceSection, detect: Partial<CameraConfig['detect']> = {}) {
  const harness = testSourceOptions(cameraConfig(section, detect));
  const source = createCameraSource(harness.options);
  return { ...harness, source };
}

/** Processes started since `baseline` (tsx keeps an esbuild helper running, which is not ours). */
function newProcesses(baseline: ReadonlySet<number>) {
  return descendantProcesses().filter((child) => !baseline.has(child.pid));
}

function pidSet(): Set<number> {
  return new Set(descendantProcesses().map((child) => child.pid));
}

/** Takes `count` frames (or fewer if iteration ends), optionally waiting between them. */
async function take(source: CameraSource, count: number, pauseMs = 0): Promise<Frame[]> {
  const frames: Frame[] = [];
  const iterator = source.frames()[Symbol.asyncIterator]();
  while (frames.length < count) {
    const next = await iterator.next();
    if (next.done) break;
    frames.push(next.value);
    if (pauseMs > 0) await sleep(pauseMs);
  }
  return frames;
}

/**
 * The behaviour every camera driver promises (MQTT.js's abstract-store pattern): one suite,
 * run against each driver that can run on this machine.
 */
export function cameraSourceContract(target: ContractTarget): void {
  describe(`camera source contract: ${target.name}`, () => {
    it('delivers packed rgb24 frames at detect size with increasing seq and timestamps', async () => {
      const { source, statuses } = open(target.healthy(), { width: 160, height: 90, fps: 10 });
      try {
        const before = Date.now();
        const frames = await take(source, 6);
        assert.equal(frames.length, 6);
        for (const frame of frames) {
          assert.equal(frame.format, 'rgb24');
          assert.equal(frame.width, 160);
          assert.equal(frame.height, 90);
          assert.equal(frame.data.length, 160 * 90 * 3);
          assert.ok(Buffer.isBuffer(frame.data));
        }
        for (let i = 1; i < frames.length; i++) {
          const [previous, current] = [frames[i - 1] as Frame, frames[i] as Frame];
          assert.ok(current.seq > previous.seq, `seq ${current.seq} after ${previous.seq}`);
          assert.ok(current.timestamp > previous.timestamp, 'timestamps strictly increase');
        }
        assert.ok(Math.abs((frames[0] as Frame).timestamp - before) < 30_000, 'timestamps are wall-clock ms');
        assert.deepEqual(statuses[0], { state: 'online' });
        assert.equal(source.stats().framesReceived >= 6, true);
      } finally {
        await source.stop();
      }
    });

    if (!target.lossless) {
      it('never delivers faster than detect.fps', async () => {
        const { source } = open(target.healthy(), { fps: 5 });
        try {
          const iterator = source.frames()[Symbol.asyncIterator]();
          await iterator.next();
          let count = 0;
          const until = Date.now() + 2_000;
          while (Date.now() < until) {
            const next = await iterator.next();
            if (next.done) break;
            count += 1;
          }
          // 2 s at 5 fps is 10 frames; generous bounds, this is not a timing benchmark.
          assert.ok(count >= 4 && count <= 13, `${count} frames in 2 s at 5 fps`);
        } finally {
          await source.stop();
        }
      });

      it('drops frames for a slow consumer instead of queueing them, keeping the newest', async () => {
        const { source } = open(target.healthy(), { fps: 10 });
        try {
          const iterator = source.frames()[Symbol.asyncIterator]();
          const seqs: number[] = [];
          for (let i = 0; i < 3; i++) {
            const next = await iterator.next();
            assert.ok(!next.done);
            seqs.push(next.value.seq);
            await sleep(600);
          }
          // The frame handed over after a 600 ms pause is the newest, not one queued 600 ms ago.
          const next = await iterator.next();
          assert.ok(!next.done);
          const age = Date.now() - next.value.timestamp;
          assert.ok(age < 450, `frame is ${age} ms old`);
          const stats = source.stats();
          assert.ok(stats.framesSkipped > 0, `framesSkipped ${stats.framesSkipped}`);
          assert.ok((seqs.at(-1) ?? 0) - (seqs[0] ?? 0) > 2, `seq gaps show the drops: ${seqs.join(',')}`);
        } finally {
          await source.stop();
        }
      });
    } else {
      it('delivers every frame to a slow consumer (lossless)', async () => {
        const { source } = open(target.healthy(), { fps: 10 });
        try {
          const frames = await take(source, 5, 150);
          assert.deepEqual(
            frames.map((frame) => frame.seq),
            [0, 1, 2, 3, 4],
          );
          assert.equal(source.stats().framesSkipped, 0);
        } finally {
          await source.stop();
        }
      });
    }

    it('stop() ends iteration and leaves no child process', async () => {
      const baseline = pidSet();
      const { source } = open(target.healthy());
      const iterator = source.frames()[Symbol.asyncIterator]();
      assert.equal((await iterator.next()).done, false);
      const children = newProcesses(baseline);
      if (target.spawnsProcesses) assert.ok(children.length > 0, 'the source runs a capture process');
      const pending = iterator.next();
      await source.stop();
      // The pending next() may still get a frame that was already on its way; then iteration ends.
      const first = await pending;
      const after = first.done ? first : await iterator.next();
      assert.equal(after.done, true);
      for (const child of children)
        assert.equal(isRunning(child.pid), false, `${child.command} ${child.pid} gone`);
      await source.stop();
    });

    it('breaking out of for-await stops the source', async () => {
      const baseline = pidSet();
      const { source } = open(target.healthy());
      let seen = 0;
      let children: ReturnType<typeof descendantProcesses> = [];
      for await (const _frame of source.frames()) {
        seen += 1;
        children = newProcesses(baseline);
        if (seen === 2) break;
      }
      assert.equal(seen, 2);
      for (const child of children)
        assert.equal(isRunning(child.pid), false, `${child.command} ${child.pid} gone`);
    });

    const { flaky, broken } = target;
    if (flaky) {
      it('goes offline when the source dies and online again when it is back', async () => {
        const { source: section, recover } = await flaky();
        const { source, statuses, waitForStatus } = open(section);
        const consumer = (async () => {
          for await (const _frame of source.frames()) {
            // Just keep the source running.
          }
        })();
        try {
          const offline = await waitForStatus((status) => status.state === 'offline');
          assert.ok(offline.reason && offline.reason.length > 0, 'offline carries a reason');
          await recover?.();
          await waitForStatus(
            (status, index) => status.state === 'online' && index > statuses.indexOf(offline),
          );
          assert.ok(source.stats().reconnects >= 1);
          for (let i = 1; i < statuses.length; i++) {
            assert.notEqual(
              statuses[i]?.state,
              statuses[i - 1]?.state,
              'statuses are reported on changes only',
            );
          }
        } finally {
          await source.stop();
          await consumer;
        }
      });
    }

    if (broken) {
      it('reports bad input as offline with a reason and keeps running', async () => {
        const { source: section, reason } = broken();
        const { source, waitForStatus, statuses } = open(section);
        const frames: Frame[] = [];
        const consumer = (async () => {
          for await (const frame of source.frames()) frames.push(frame);
        })();
        try {
          const offline = await waitForStatus((status) => status.state === 'offline');
          assert.match(offline.reason ?? '', reason);
          await sleep(700);
          assert.equal(frames.length, 0);
          assert.ok(source.stats().reconnects >= 1, 'it keeps retrying');
          assert.equal(statuses.length, 1, 'repeated failures are one offline report');
        } finally {
          await source.stop();
          await consumer;
        }
      });
    }
  });
}
