import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { childOf } from '../../../runtime/bus/delivery';
import { BusClosedError } from '../../../runtime/bus/errors';
import { deferred, makeBus, settle, track } from './busTestKit';

describe('EventBus drain', () => {
  it('waits for queued events, running handlers and the events they publish', async () => {
    const { bus } = makeBus();
    const release = deferred();
    const handled: string[] = [];
    bus.on('parent', 'test.number', async (e) => {
      await bus.publish('test.child', { parentN: e.payload.n }, childOf(e));
      handled.push(`parent ${e.payload.n}`);
    });
    bus.on('child', 'test.child', async (e) => {
      await release.promise;
      handled.push(`child ${e.payload.parentN}`);
    });
    await bus.publish('test.number', { n: 1 });
    await bus.publish('test.number', { n: 2 });

    const drained = track(bus.drain());
    await settle();
    assert.equal(drained.done, false, 'the child handler is still held');
    assert.deepEqual(handled, ['parent 1', 'parent 2']);
    release.resolve();
    await drained.promise;
    assert.deepEqual(handled, ['parent 1', 'parent 2', 'child 1', 'child 2']);
  });

  it('waits for a removed subscription’s running handler', async () => {
    const { bus } = makeBus();
    const release = deferred();
    let finished = false;
    bus.on('leaving', 'test.number', async () => {
      await release.promise;
      finished = true;
    });
    await bus.publish('test.number', { n: 1 });
    await settle();
    bus.removeOwner('leaving');
    const drained = track(bus.drain());
    await settle();
    assert.equal(drained.done, false);
    release.resolve();
    await drained.promise;
    assert.equal(finished, true);
  });

  it('resolves at once when idle', async () => {
    const { bus } = makeBus();
    bus.on('x', 'test.number', () => undefined);
    await bus.drain();
  });
});

describe('EventBus close', () => {
  it('rejects publishes after close with a clear error but finishes what was queued', async () => {
    const { bus } = makeBus();
    const release = deferred();
    const handled: number[] = [];
    bus.on('store', 'test.number', async (e) => {
      await release.promise;
      handled.push(e.payload.n);
    });
    await bus.publish('test.number', { n: 1 });
    await bus.publish('test.number', { n: 2 });
    bus.close();
    bus.close(); // idempotent

    await assert.rejects(bus.publish('test.number', { n: 3 }), (error: unknown) => {
      assert.ok(error instanceof BusClosedError);
      assert.equal(error.code, 'BUS_CLOSED');
      assert.match(error.message, /event bus is closed: cannot publish 'test.number'/);
      return true;
    });
    await assert.rejects(bus.publishAndWaitForHandlers('test.number', { n: 4 }), BusClosedError);

    release.resolve();
    await bus.drain();
    assert.deepEqual(handled, [1, 2]);
    assert.equal(bus.closed, true);
    assert.equal(bus.stats().closed, true);
    assert.equal(bus.stats().topics['test.number']?.published, 2, 'rejected publishes are not counted');
  });
});
