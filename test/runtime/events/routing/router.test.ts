import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AppEvents } from '../../../../runtime/appTopics';
import { EventBus } from '../../../../runtime/bus/eventBus';
import type { AnyEnvelope } from '../../../../runtime/bus/types';
import type { StagedChannel } from '../../../../runtime/events/routing/channel';
import {
  busChannels,
  type Channel,
  ChannelError,
  Router,
  WebhookChannel,
} from '../../../../runtime/events/routing/index';
import type { Decision } from '../../../../runtime/rules/index';
import { makeEvent } from '../../rules/ruleTestKit';
import { webhookServer } from './webhookServer';

function appBus(): { bus: EventBus<AppEvents>; seen: AnyEnvelope<AppEvents>[] } {
  const bus = new EventBus<AppEvents>({
    onHandlerError: (error) => assert.fail(`bus handler failed: ${String(error)}`),
  });
  const seen: AnyEnvelope<AppEvents>[] = [];
  for (const topic of ['event.stream', 'gpio.command', 'clip.request'] as const) {
    bus.on('test', topic, (envelope) => {
      seen.push(envelope as AnyEnvelope<AppEvents>);
    });
  }
  return { bus, seen };
}

function decision(routes: string[], overrides: Partial<Decision> = {}): Decision {
  return {
    allowed: true,
    severity: 'critical',
    routes,
    tags: ['alert'],
    set: {},
    matched: ['siren-rule'],
    ...overrides,
  };
}

const webhookConfig = {
  headers: {},
  timeout_ms: 2000,
  retries: 1,
  backoff_ms: 1,
  min_severity: 'info',
} as const;

describe('router', () => {
  it('publishes web, gpio and clip routes on the bus with typed payloads', async () => {
    const { bus, seen } = appBus();
    const router = new Router(busChannels(bus, ['siren', 'relay']));
    const event = makeEvent({ id: 'ev-7', type: 'face_blacklisted', camera: 'front', incidentId: 'inc-3' });
    const routed = decision(['web', 'gpio:siren', 'clip']);
    const results = await router.route(event, routed);
    assert.deepEqual(results, [
      { channel: 'web', ok: true, attempts: 1 },
      { channel: 'gpio:siren', ok: true, attempts: 1 },
      { channel: 'clip', ok: true, attempts: 1 },
    ]);
    await bus.drain();
    const byTopic = Object.fromEntries(seen.map((envelope) => [envelope.topic, envelope]));
    assert.deepEqual(byTopic['event.stream']?.payload, { event, decision: routed });
    assert.deepEqual(byTopic['gpio.command']?.payload, {
      output: 'siren',
      action: 'activate',
      event_id: 'ev-7',
      event_at: event.timestamp,
      severity: 'critical',
      reason: 'face_blacklisted on front, rules: siren-rule',
    });
    assert.deepEqual(byTopic['clip.request']?.payload, {
      event_id: 'ev-7',
      camera: 'front',
      incident_id: 'inc-3',
    });
    assert.ok(seen.every((envelope) => envelope.correlationId === event.correlationId));
  });

  it('reports unknown and failing channels and still delivers to the others', async () => {
    const { bus, seen } = appBus();
    const failing = await webhookServer([{ status: 500 }]);
    const working = await webhookServer([{ status: 200 }]);
    const router = new Router(busChannels(bus, ['siren']));
    router.register(new WebhookChannel('down', { ...webhookConfig, url: failing.url }));
    router.register(new WebhookChannel('up', { ...webhookConfig, url: working.url }));
    // An externally owned channel that throws before returning a promise.
    const broken: Channel = {
      name: 'mqtt',
      deliver: () => {
        throw new Error('outbox is closed');
      },
    };
    router.register(broken);
    const event = makeEvent({ camera: null });
    const results = await router.route(
      event,
      decision(['web', 'webhook:down', 'mqtt', 'webhook:nope', 'clip', 'webhook:up', 'gpio:siren', 'web']),
    );
    assert.deepEqual(
      results.map(({ channel, ok, attempts }) => ({ channel, ok, attempts })),
      [
        { channel: 'web', ok: true, attempts: 1 },
        { channel: 'webhook:down', ok: false, attempts: 2 },
        { channel: 'mqtt', ok: false, attempts: 1 },
        { channel: 'webhook:nope', ok: false, attempts: 0 },
        { channel: 'clip', ok: false, attempts: 1 },
        { channel: 'webhook:up', ok: true, attempts: 1 },
        { channel: 'gpio:siren', ok: true, attempts: 1 },
      ],
    );
    assert.equal(results[2]?.error, 'outbox is closed');
    assert.match(
      results[3]?.error ?? '',
      /^no channel 'webhook:nope' is registered \(registered: web, clip, gpio:siren, webhook:down, webhook:up, mqtt\)/,
    );
    assert.match(results[4]?.error ?? '', /has no camera, so there is no clip to cut/);
    assert.equal(working.received.length, 1);
    await bus.drain();
    assert.deepEqual(
      seen.map((envelope) => envelope.topic),
      ['event.stream', 'gpio.command'],
    );
  });

  it('hands staged channels the event in stage() and leaves them out of route()', async () => {
    const { bus, seen } = appBus();
    const staged: Array<[string, string | null, number]> = [];
    const outbox: StagedChannel = {
      name: 'mqtt',
      stage: (event, _decision, description, at) => {
        staged.push([event.id, description, at]);
        return undefined;
      },
    };
    const router = new Router([...busChannels(bus, []), outbox]);
    const event = makeEvent();
    const routed = decision(['mqtt', 'web', 'mqtt']);
    assert.deepEqual(router.stage(event, routed, 'a person', 42), [
      { channel: 'mqtt', ok: true, attempts: 1 },
    ]);
    assert.deepEqual(staged, [[event.id, 'a person', 42]]);
    assert.deepEqual(
      (await router.route(event, routed)).map((r) => r.channel),
      ['web'],
      'the staged channel is delivered by stage(), not again by route()',
    );
    assert.deepEqual(router.stage(event, decision(['mqtt'], { allowed: false }), null, 43), []);
    assert.equal(staged.length, 1, 'a blocked decision is staged nowhere');
    await bus.drain();
    assert.equal(seen.length, 1);
  });

  it('a staged channel that throws fails stage(), so the transaction around it rolls back', () => {
    const router = new Router([
      {
        name: 'mqtt',
        stage: () => {
          throw new Error('disk I/O error');
        },
      } satisfies StagedChannel,
    ]);
    assert.throws(() => router.stage(makeEvent(), decision(['mqtt']), null, 1), /disk I\/O error/);
  });

  it('delivers a blocked decision nowhere', async () => {
    const { bus, seen } = appBus();
    const router = new Router(busChannels(bus, ['siren']));
    assert.deepEqual(
      await router.route(makeEvent(), decision(['web', 'gpio:siren'], { allowed: false })),
      [],
    );
    await bus.drain();
    assert.equal(seen.length, 0);
  });

  it('delivers concurrently: a slow channel does not delay a fast one', async () => {
    let releaseSlow = () => {};
    const order: string[] = [];
    const slow: Channel = {
      name: 'slow',
      deliver: () =>
        new Promise<void>((resolve) => {
          releaseSlow = () => {
            order.push('slow');
            resolve();
          };
        }),
    };
    const fast: Channel = {
      name: 'fast',
      deliver: async () => {
        order.push('fast');
        releaseSlow();
        return { attempts: 1 };
      },
    };
    const results = await new Router([slow, fast]).route(makeEvent(), decision(['slow', 'fast']));
    assert.deepEqual(order, ['fast', 'slow']);
    assert.deepEqual(
      results.map((result) => result.ok),
      [true, true],
    );
  });

  it('takes attempts from a ChannelError, refuses a second channel of one name, and unregisters', async () => {
    const router = new Router();
    const unregister = router.register({
      name: 'flaky',
      deliver: async () => {
        throw new ChannelError('gave up', 4);
      },
    });
    assert.throws(() => router.register({ name: 'flaky', deliver: async () => {} }), /already registered/);
    assert.deepEqual(await router.route(makeEvent(), decision(['flaky'])), [
      { channel: 'flaky', ok: false, attempts: 4, error: 'gave up' },
    ]);
    unregister();
    assert.deepEqual(router.names(), []);
  });
});
