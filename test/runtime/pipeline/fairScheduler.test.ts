import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FairScheduler } from '../../../runtime/pipeline/fairScheduler';

/** A job the test finishes by hand, so the order the scheduler starts jobs in is what it records. */
interface Job {
  name: string;
}

/** A scheduler whose work records the order jobs start in and waits until the test releases it. */
function harness(concurrency: number, queueLimit = 100) {
  const started: string[] = [];
  const release: Array<() => void> = [];
  const scheduler = new FairScheduler<Job, string>({
    run: (job) => {
      started.push(job.name);
      return new Promise((resolve) => release.push(() => resolve(job.name)));
    },
    concurrency,
    queueLimit,
  });
  /** Finishes the oldest running job and lets the scheduler start the next. */
  const finishOne = async () => {
    release.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { scheduler, started, finishOne };
}

describe('FairScheduler', () => {
  it('serves a quiet camera within one round while a busy one floods it', async () => {
    const { scheduler, started, finishOne } = harness(1);
    // The busy camera submits 6 regions first; the quiet one submits 1 after them.
    const busy = Array.from({ length: 6 }, (_, i) => scheduler.submit('busy', { name: `busy${i}` }));
    const quiet = scheduler.submit('quiet', { name: 'quiet0' });
    assert.deepEqual(started, ['busy0'], 'the first region starts at once');
    await finishOne();
    assert.deepEqual(started, ['busy0', 'quiet0'], 'the quiet camera is next, not after busy1..busy5');
    await finishOne();
    assert.equal(await quiet, 'quiet0');
    for (let i = 0; i < 5; i++) await finishOne();
    assert.deepEqual(await Promise.all(busy), ['busy0', 'busy1', 'busy2', 'busy3', 'busy4', 'busy5']);
  });

  it('alternates between cameras with work, round-robin, whatever their queue lengths', async () => {
    const { scheduler, started, finishOne } = harness(1);
    for (let i = 0; i < 4; i++) void scheduler.submit('a', { name: `a${i}` });
    for (let i = 0; i < 2; i++) void scheduler.submit('b', { name: `b${i}` });
    void scheduler.submit('c', { name: 'c0' });
    for (let i = 0; i < 7; i++) await finishOne();
    assert.deepEqual(started, ['a0', 'b0', 'c0', 'a1', 'b1', 'a2', 'a3']);
  });

  it('runs a tracked object’s region before the camera’s motion regions', async () => {
    const { scheduler, started, finishOne } = harness(1);
    void scheduler.submit('cam', { name: 'first' });
    void scheduler.submit('cam', { name: 'motion1' });
    void scheduler.submit('cam', { name: 'motion2' });
    void scheduler.submit('cam', { name: 'tracked' }, true);
    for (let i = 0; i < 4; i++) await finishOne();
    assert.deepEqual(started, ['first', 'tracked', 'motion1', 'motion2']);
  });

  it('keeps each queue bounded: a full queue drops its oldest waiting region, counted', async () => {
    const { scheduler, started, finishOne } = harness(1, 2);
    const running = scheduler.submit('cam', { name: 'r0' });
    const oldest = scheduler.submit('cam', { name: 'r1' });
    const kept = [scheduler.submit('cam', { name: 'r2' }), scheduler.submit('cam', { name: 'r3' })];
    assert.equal(await oldest, null, 'the oldest waiting region is dropped, resolving to null');
    assert.deepEqual(scheduler.counts('cam'), { waiting: 2, served: 1, dropped: 1 });
    // Another camera's queue is its own: its region is not dropped for this camera's overflow.
    const other = scheduler.submit('other', { name: 'o0' });
    for (let i = 0; i < 4; i++) await finishOne();
    assert.equal(await running, 'r0');
    assert.deepEqual(await Promise.all(kept), ['r2', 'r3']);
    assert.equal(await other, 'o0');
    assert.deepEqual(started, ['r0', 'o0', 'r2', 'r3']);
    assert.deepEqual(scheduler.counts('cam'), { waiting: 0, served: 3, dropped: 1 });
  });

  it('runs up to `concurrency` regions at once and no more', async () => {
    const { scheduler, started, finishOne } = harness(2);
    for (let i = 0; i < 3; i++) void scheduler.submit('a', { name: `a${i}` });
    void scheduler.submit('b', { name: 'b0' });
    // Free slots are used at once, whoever asks; then the quiet camera is next.
    assert.deepEqual(started, ['a0', 'a1']);
    assert.equal(scheduler.running(), 2);
    await finishOne();
    assert.deepEqual(started, ['a0', 'a1', 'b0']);
    assert.equal(scheduler.running(), 2);
  });

  it('passes a failure to its submitter and goes on with the next region', async () => {
    let calls = 0;
    const scheduler = new FairScheduler<string, string>({
      run: async (item) => {
        calls++;
        if (item === 'bad') throw new Error('detector failed');
        return item;
      },
      concurrency: 1,
      queueLimit: 4,
    });
    const bad = scheduler.submit('cam', 'bad');
    const good = scheduler.submit('cam', 'good');
    await assert.rejects(bad, /detector failed/);
    assert.equal(await good, 'good');
    assert.equal(calls, 2);
    assert.equal(scheduler.running(), 0);
  });

  it('drops what waits on close and takes no more', async () => {
    const { scheduler, finishOne } = harness(1);
    const running = scheduler.submit('cam', { name: 'r0' });
    const waiting = scheduler.submit('cam', { name: 'r1' });
    scheduler.close();
    assert.equal(await waiting, null);
    assert.equal(await scheduler.submit('cam', { name: 'late' }), null);
    await finishOne();
    assert.equal(await running, 'r0', 'a running region still finishes');
  });

  it('refuses a concurrency or queue limit that is not a positive integer', () => {
    const run = async () => 0;
    assert.throws(() => new FairScheduler({ run, concurrency: 0, queueLimit: 1 }), /concurrency/);
    assert.throws(() => new FairScheduler({ run, concurrency: 1, queueLimit: 0.5 }), /queueLimit/);
  });
});
