import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DropInfo } from '../../../runtime/bus/types';
import { deferred, makeBus, settle, type TestEvents, track } from './busTestKit';

describe('EventBus block policy', () => {
  it('makes the publisher wait while the queue is full and lets it go when a slot frees', async () => {
    const { bus } = makeBus();
    const firstStarted = deferred();
    const release = deferred();
    const handled: number[] = [];
    bus.on(
      'slow',
      'test.number',
      async (e) => {
        if (e.payload.n === 1) {
          firstStarted.resolve();
          await release.promise;
        }
        handled.push(e.payload.n);
      },
      { capacity: 2 },
    );

    await bus.publish('test.number', { n: 1 });
    await firstStarted.promise; // 1 is being handled, the queue is empty again
    await bus.publish('test.number', { n: 2 });
    await bus.publish('test.number', { n: 3 }); // queue now full: [2, 3]
    const fourth = track(bus.publish('test.number', { n: 4 }));
    const fifth = track(bus.publish('test.number', { n: 5 }));
    await settle();
    assert.equal(fourth.done, false, 'publish must not resolve while the queue is full');
    assert.equal(fifth.done, false);
    const blockedStats = bus.stats().topics['test.number']?.subscriptions[0];
    assert.equal(blockedStats?.blockedPublishers, 2);
    assert.equal(blockedStats?.queueDepth, 2);

    release.resolve();
    await fourth.promise;
    await fifth.promise;
    await bus.drain();

    assert.deepEqual(handled, [1, 2, 3, 4, 5], 'blocked publishers keep their order');
    const stats = bus.stats().topics['test.number'];
    assert.equal(stats?.dropped, 0);
    assert.equal(stats?.delivered, 5);
    assert.equal(stats?.subscriptions[0]?.blocked, 2);
    assert.equal(stats?.subscriptions[0]?.highWaterMark, 2);
  });

  it('waits for the slowest subscriber while faster ones already have the event', async () => {
    const { bus } = makeBus();
    const release = deferred();
    const fast: number[] = [];
    bus.on('fast', 'test.number', (e) => void fast.push(e.payload.n), { capacity: 1 });
    bus.on('slow', 'test.number', () => release.promise, { capacity: 1 });

    await bus.publish('test.number', { n: 1 }); // slow starts handling 1
    await settle();
    await bus.publish('test.number', { n: 2 }); // slow's queue: [2]
    const third = track(bus.publish('test.number', { n: 3 }));
    await settle();
    assert.equal(third.done, false);
    assert.deepEqual(fast, [1, 2, 3]);

    release.resolve();
    await third.promise;
    await bus.drain();
    assert.equal(bus.stats().topics['test.number']?.dropped, 0);
  });

  it('runs at most `concurrency` handler calls at once', async () => {
    const { bus } = makeBus();
    const release = deferred();
    let running = 0;
    let maxRunning = 0;
    bus.on(
      'pool',
      'test.number',
      async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await release.promise;
        running--;
      },
      { concurrency: 3 },
    );
    for (let n = 0; n < 6; n++) await bus.publish('test.number', { n });
    await settle();
    assert.equal(running, 3);
    assert.equal(bus.stats().topics['test.number']?.subscriptions[0]?.queueDepth, 3);
    release.resolve();
    await bus.drain();
    assert.equal(maxRunning, 3);
    assert.equal(bus.stats().topics['test.number']?.delivered, 6);
  });
});

describe('EventBus drop-oldest policy', () => {
  it('keeps the newest events, never blocks, and counts and reports every drop', async () => {
    const drops: DropInfo<TestEvents>[] = [];
    const { bus } = makeBus({
      policies: { 'camera.frame': { overflow: 'drop-oldest', capacity: 2 } },
      onDrop: (drop) => drops.push(drop),
    });
    const firstStarted = deferred();
    const release = deferred();
    const handled: number[] = [];
    bus.on('detector', 'camera.frame', async (e) => {
      if (e.payload.n === 1) {
        firstStarted.resolve();
        await release.promise;
      }
      handled.push(e.payload.n);
    });

    await bus.publish('camera.frame', { n: 1 });
    await firstStarted.promise;
    // Every publish resolves at once even though the handler is stuck.
    for (let n = 2; n <= 10; n++) await bus.publish('camera.frame', { n });
    release.resolve();
    await bus.drain();

    assert.deepEqual(handled, [1, 9, 10]);
    assert.deepEqual(
      drops.map((d) => [d.reason, d.subscriber, (d.envelope.payload as { n: number }).n]),
      [2, 3, 4, 5, 6, 7, 8].map((n) => ['overflow', 'detector/camera.frame', n]),
    );
    const stats = bus.stats().topics['camera.frame'];
    assert.equal(stats?.dropped, 7);
    assert.equal(stats?.subscriptions[0]?.dropped, 7);
    assert.equal(stats?.subscriptions[0]?.blocked, 0);
    assert.equal(stats?.subscriptions[0]?.capacity, 2);
    assert.equal(stats?.subscriptions[0]?.overflow, 'drop-oldest');
    // Other topics are unaffected by the frame policy.
    assert.equal(bus.stats().topics['test.number'], undefined);
  });
});
