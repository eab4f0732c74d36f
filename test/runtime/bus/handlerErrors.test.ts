import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeliveryDroppedError } from '../../../runtime/bus/errors';
import { deferred, makeBus, settle, track } from './busTestKit';

describe('EventBus handler errors', () => {
  it('isolates a failing handler, reports it, and keeps delivering to it', async () => {
    const { bus, errors } = makeBus();
    const flaky: number[] = [];
    const steady: number[] = [];
    bus.on('flaky', 'test.number', async (e) => {
      if (e.payload.n === 2) throw new Error('sync-looking throw in an async handler');
      if (e.payload.n === 3) await Promise.reject(new Error('rejected'));
      flaky.push(e.payload.n);
    });
    bus.on('flakySync', 'test.number', (e) => {
      if (e.payload.n === 4) throw new TypeError('synchronous throw');
    });
    bus.on('steady', 'test.number', (e) => void steady.push(e.payload.n));

    for (let n = 1; n <= 5; n++) await bus.publish('test.number', { n });
    await bus.drain();

    assert.deepEqual(flaky, [1, 4, 5]);
    assert.deepEqual(steady, [1, 2, 3, 4, 5]);
    assert.deepEqual(
      // Subscribers run independently, so only each one's own order is defined.
      errors
        .map((r) => [r.subscriber, (r.envelope.payload as { n: number }).n, (r.error as Error).message])
        .sort(),
      [
        ['flaky/test.number', 2, 'sync-looking throw in an async handler'],
        ['flaky/test.number', 3, 'rejected'],
        ['flakySync/test.number', 4, 'synchronous throw'],
      ],
    );
    const stats = bus.stats().topics['test.number'];
    assert.equal(stats?.handlerErrors, 3);
    assert.equal(stats?.delivered, 15 - 3);
    assert.equal(stats?.subscriptions.find((s) => s.name === 'flaky/test.number')?.handlerErrors, 2);
  });
});

describe('EventBus publishAndWaitForHandlers', () => {
  it('resolves only after every handler finished', async () => {
    const { bus } = makeBus();
    const release = deferred();
    const persisted: number[] = [];
    bus.on('store', 'test.number', async (e) => {
      await release.promise;
      persisted.push(e.payload.n);
    });
    bus.on('web', 'test.number', () => undefined);

    const ack = track(bus.publishAndWaitForHandlers('test.number', { n: 7 }));
    await settle();
    assert.equal(ack.done, false, 'must wait for the slow handler');
    release.resolve();
    const envelope = await ack.promise;
    assert.deepEqual(persisted, [7]);
    assert.equal(envelope.payload.n, 7);
  });

  it('rejects with an AggregateError when a handler fails; other subscribers still handle it', async () => {
    const { bus, errors } = makeBus();
    const handled: string[] = [];
    bus.on('store', 'test.number', async () => {
      throw new Error('disk full');
    });
    bus.on('web', 'test.number', () => void handled.push('web'));

    await assert.rejects(bus.publishAndWaitForHandlers('test.number', { n: 1 }), (error: unknown) => {
      assert.ok(error instanceof AggregateError);
      assert.match(error.message, /1 subscriber\(s\) did not handle 'test.number'/);
      assert.deepEqual(
        error.errors.map((e: Error) => e.message),
        ['disk full'],
      );
      return true;
    });
    assert.deepEqual(handled, ['web']);
    assert.equal(errors.length, 1, 'the failure is also reported to onHandlerError');
  });

  it('resolves at once when nobody subscribes', async () => {
    const { bus } = makeBus();
    const envelope = await bus.publishAndWaitForHandlers('test.number', { n: 1 });
    assert.equal(envelope.seq, 1);
  });

  it('rejects when the event is dropped or its subscriber leaves before handling it', async () => {
    const { bus } = makeBus({ policies: { 'camera.frame': { overflow: 'drop-oldest', capacity: 1 } } });
    const release = deferred();
    bus.on('detector', 'camera.frame', () => release.promise);
    const unsubscribe = bus.on('slowpoke', 'test.number', () => release.promise, { capacity: 1 });

    const first = bus.publishAndWaitForHandlers('camera.frame', { n: 1 }); // being handled
    await settle();
    const dropped = bus.publishAndWaitForHandlers('camera.frame', { n: 2 }); // queued…
    await bus.publish('camera.frame', { n: 3 }); // …and pushed out by 3
    await assert.rejects(dropped, (error: AggregateError) => {
      assert.ok(error.errors[0] instanceof DeliveryDroppedError);
      assert.equal(error.errors[0].reason, 'overflow');
      return true;
    });

    await bus.publish('test.number', { n: 1 }); // being handled
    await settle();
    const orphaned = bus.publishAndWaitForHandlers('test.number', { n: 2 }); // queued
    const blocked = bus.publishAndWaitForHandlers('test.number', { n: 3 }); // waiting for room
    unsubscribe();
    for (const pending of [orphaned, blocked]) {
      await assert.rejects(pending, (error: AggregateError) => {
        assert.ok(error.errors[0] instanceof DeliveryDroppedError);
        assert.equal(error.errors[0].reason, 'unsubscribed');
        assert.equal(error.errors[0].subscriber, 'slowpoke/test.number');
        return true;
      });
    }
    release.resolve();
    await first;
    await bus.drain();
    assert.equal(bus.stats().topics['test.number']?.dropped, 2);
  });
});
