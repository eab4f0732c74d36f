import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deferred, makeBus, settle } from './busTestKit';

describe('EventBus stats', () => {
  it('counts per topic and reports per-subscription depth, high-water mark and in-flight calls', async () => {
    const { bus } = makeBus({ defaultCapacity: 8 });
    const release = deferred();
    bus.on(
      'store',
      'test.number',
      async (e) => {
        if (e.payload.n === 1) await release.promise;
        if (e.payload.n === 3) throw new Error('bad row');
      },
      { name: 'store-writer' },
    );
    bus.on('web', 'test.number', () => undefined);

    for (let n = 1; n <= 4; n++) await bus.publish('test.number', { n });
    await bus.publish('test.child', { parentN: 1 }); // a topic nobody listens to
    await settle();

    const during = bus.stats().topics['test.number'];
    const store = during?.subscriptions.find((s) => s.name === 'store-writer');
    assert.deepEqual(store, {
      name: 'store-writer',
      overflow: 'block',
      capacity: 8,
      concurrency: 1,
      queueDepth: 3,
      highWaterMark: 3,
      inFlight: 1,
      blockedPublishers: 0,
      blocked: 0,
      delivered: 0,
      dropped: 0,
      handlerErrors: 0,
    });
    assert.equal(during?.subscriptions.find((s) => s.name === 'web/test.number')?.delivered, 4);

    release.resolve();
    await bus.drain();
    const after = bus.stats();
    assert.deepEqual(
      { ...after.topics['test.number'], subscriptions: undefined },
      { published: 4, delivered: 7, dropped: 0, handlerErrors: 1, subscriptions: undefined },
    );
    const storeAfter = after.topics['test.number']?.subscriptions.find((s) => s.name === 'store-writer');
    assert.equal(storeAfter?.queueDepth, 0);
    assert.equal(storeAfter?.highWaterMark, 3);
    assert.equal(storeAfter?.inFlight, 0);
    assert.equal(storeAfter?.delivered, 3);
    assert.equal(storeAfter?.handlerErrors, 1);
    assert.deepEqual(after.topics['test.child'], {
      published: 1,
      delivered: 0,
      dropped: 0,
      handlerErrors: 0,
      subscriptions: [],
    });

    // Topic counters outlive the subscriptions that produced them.
    bus.removeOwner('store');
    bus.removeOwner('web');
    const gone = bus.stats().topics['test.number'];
    assert.equal(gone?.delivered, 7);
    assert.deepEqual(gone?.subscriptions, []);
  });
});
