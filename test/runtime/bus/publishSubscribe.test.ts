import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AppEvents, TOPIC_POLICIES } from '../../../runtime/appTopics';
import { childOf } from '../../../runtime/bus/delivery';
import { EventBus } from '../../../runtime/bus/eventBus';
import type { Envelope } from '../../../runtime/bus/types';
import { makeBus, type TestEvents } from './busTestKit';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('EventBus publish/subscribe', () => {
  it('delivers typed envelopes to each subscriber in publish order', async () => {
    let clock = 1_000;
    const { bus } = makeBus({ now: () => clock++ });
    const seen: Record<string, Envelope<TestEvents, 'test.number'>[]> = { a: [], b: [] };
    bus.on('a', 'test.number', (e) => {
      seen.a?.push(e);
    });
    // An async handler that yields at different points must still see events in order.
    bus.on('b', 'test.number', async (e) => {
      if (e.payload.n % 3 === 0) await new Promise((r) => setImmediate(r));
      seen.b?.push(e);
    });
    const publishes = [];
    for (let n = 0; n < 50; n++) publishes.push(bus.publish('test.number', { n }));
    await Promise.all(publishes);
    await bus.drain();

    const expected = Array.from({ length: 50 }, (_, n) => n);
    assert.deepEqual(
      seen.a?.map((e) => e.payload.n),
      expected,
    );
    assert.deepEqual(
      seen.b?.map((e) => e.payload.n),
      expected,
    );
    const first = seen.a?.[0];
    assert.equal(first?.topic, 'test.number');
    assert.equal(first?.seq, 1);
    assert.equal(first?.publishedAt, 1_000);
    assert.equal(seen.a?.[49]?.seq, 50);
    // The same envelope object reaches every subscriber.
    assert.equal(seen.a?.[7], seen.b?.[7]);
  });

  it('rejects wrong payloads at compile time', async () => {
    const { bus } = makeBus();
    // @ts-expect-error payload of 'test.number' needs n: number
    await bus.publish('test.number', { n: 'one' });
    // @ts-expect-error unknown topic
    await bus.publish('test.nope', { n: 1 });
    bus.on('x', 'test.child', (e) => {
      // @ts-expect-error 'test.child' payloads have no n
      void e.payload.n;
    });
    // The app's map is an interface and must be usable as an event map.
    const app = new EventBus<AppEvents>({ policies: TOPIC_POLICIES, onHandlerError: () => undefined });
    await app.publish('system.service_state', { service: 'store', state: 'running' });
  });

  it('generates a correlation id and propagates it to child events with childOf', async () => {
    const { bus, errors } = makeBus();
    const parents: Envelope<TestEvents, 'test.number'>[] = [];
    const children: Envelope<TestEvents, 'test.child'>[] = [];
    bus.on('parent', 'test.number', async (e) => {
      parents.push(e);
      await bus.publish('test.child', { parentN: e.payload.n }, childOf(e));
    });
    bus.on('child', 'test.child', (e) => {
      children.push(e);
    });
    const published = await bus.publish('test.number', { n: 1 });
    await bus.publish('test.number', { n: 2 }, { correlationId: 'given-correlation' });
    await bus.drain();

    assert.equal(errors.length, 0);
    assert.match(published.correlationId, UUID);
    assert.match(published.id, UUID);
    assert.notEqual(published.id, published.correlationId);
    assert.equal(published.causationId, undefined);
    assert.equal(parents[0], published);

    const [child1, child2] = children;
    assert.equal(child1?.correlationId, published.correlationId);
    assert.equal(child1?.causationId, published.id);
    assert.notEqual(child1?.id, published.id);
    assert.equal(child2?.correlationId, 'given-correlation');
    assert.equal(child2?.causationId, parents[1]?.id);
  });

  it('does not run handlers inside the publisher call', async () => {
    const { bus } = makeBus();
    let called = false;
    bus.on('x', 'test.number', () => {
      called = true;
    });
    const publishing = bus.publish('test.number', { n: 1 });
    assert.equal(called, false);
    await publishing;
    await bus.drain();
    assert.equal(called, true);
  });
});

describe('EventBus owners', () => {
  it('removeOwner removes exactly that owner’s listeners', async () => {
    const { bus } = makeBus();
    const calls: string[] = [];
    class Recorder {
      readonly name = 'recorder';
    }
    const recorder = new Recorder();
    const other = new Recorder(); // same class and name, different owner
    bus.on(recorder, 'test.number', () => void calls.push('recorder:number'));
    bus.on(recorder, 'test.child', () => void calls.push('recorder:child'));
    bus.on(other, 'test.number', () => void calls.push('other:number'));
    bus.on('web', 'test.number', () => void calls.push('web:number'));

    assert.equal(bus.removeOwner(recorder), 2);
    assert.equal(bus.removeOwner(recorder), 0);
    await bus.publish('test.number', { n: 1 });
    await bus.publish('test.child', { parentN: 1 });
    await bus.drain();

    assert.deepEqual(calls.sort(), ['other:number', 'web:number']);
    const names = bus.stats().topics['test.number']?.subscriptions.map((s) => s.name);
    // `other` got the suffixed name when it subscribed after `recorder`; it is the one left.
    assert.deepEqual(names, ['recorder/test.number#2', 'web/test.number']);
  });

  it('the function returned by on removes only that subscription', async () => {
    const { bus } = makeBus();
    const calls: string[] = [];
    const off = bus.on('svc', 'test.number', () => void calls.push('first'));
    bus.on('svc', 'test.number', () => void calls.push('second'));
    off();
    off();
    await bus.publish('test.number', { n: 1 });
    await bus.drain();
    assert.deepEqual(calls, ['second']);
    assert.equal(bus.removeOwner('svc'), 1);
  });
});

describe('EventBus configuration errors', () => {
  it('rejects bad topic names, policies, capacities and concurrency with clear messages', () => {
    const onHandlerError = (): void => undefined;
    assert.throws(
      () =>
        new EventBus<Record<string, unknown>>({
          onHandlerError,
          policies: { 'camera.frame': { overflow: 'drop' as 'block' } },
        }),
      /policy for 'camera.frame': overflow must be 'block' or 'drop-oldest', got 'drop'/,
    );
    assert.throws(
      () =>
        new EventBus<Record<string, unknown>>({
          onHandlerError,
          policies: { 'Camera Frame': { overflow: 'block' } },
        }),
      /topic 'Camera Frame' is invalid/,
    );
    const { bus } = makeBus();
    assert.throws(
      () => bus.on('x', 'test.number', () => undefined, { capacity: 0 }),
      /capacity .* positive integer, got 0/,
    );
    assert.throws(
      () => bus.on('x', 'test.number', () => undefined, { concurrency: 1.5 }),
      /concurrency .* got 1.5/,
    );
  });
});
