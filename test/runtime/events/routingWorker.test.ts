import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { pino } from 'pino';
import { EventBus } from '../../../runtime/bus/eventBus';
import { createEnrichment } from '../../../runtime/events/enrichment/index';
import { createEventMetrics } from '../../../runtime/events/eventMetrics';
import { EventStore } from '../../../runtime/events/eventStore';
import { EVENT_TOPIC_POLICIES, type EventTopics } from '../../../runtime/events/eventTopics';
import type { StagedChannel } from '../../../runtime/events/routing/channel';
import { busChannels, Router, webhookChannels } from '../../../runtime/events/routing/index';
import { outboxChannel } from '../../../runtime/events/routing/outboxChannel';
import { RoutingRecorder } from '../../../runtime/events/routingOps';
import { RoutingStore } from '../../../runtime/events/routingStore';
import { RoutingWorker } from '../../../runtime/events/routingWorker';
import { Metrics } from '../../../runtime/metrics/metrics';
import { compileRules } from '../../../runtime/rules/index';
import { openDatabase } from '../../../runtime/store/database';
import { GroupCommitWriter } from '../../../runtime/store/groupCommitWriter';
import { MIGRATIONS } from '../../../runtime/store/migrations/index';
import { migrate } from '../../../runtime/store/migrator';
import { tempDir } from '../../helpers/tempDir';
import { enrichmentConfig } from './enrichment/enrichmentTestKit';
import { insertEvent } from './queries/eventStoreFixture';
import { webhookServer } from './routing/webhookServer';

const logger = pino({ level: 'silent' });

/**
 * The routing worker on a real database, with the built-in enrichers, the default rules plus
 * `rules`, the outbox, the web stream, and a webhook `hook` on a real local server. Commits go
 * through a group-commit writer that counts them (the appliance's go to the event log thread).
 */
async function routingKit(
  options: {
    rules?: unknown[];
    staged?: StagedChannel[];
    retry?: { attempts: number; backoffMs: number };
  } = {},
) {
  const file = join(tempDir(), 'vigil.db');
  const db = openDatabase(file);
  migrate(db, file, MIGRATIONS);
  const commits: number[] = [];
  const writer = new GroupCommitWriter(db, {
    maxBatch: 512,
    maxDelayMs: 0,
    onCommit: (size) => commits.push(size),
  });
  const events = new EventStore(db);
  const routing = new RoutingStore(db);
  const recorder = new RoutingRecorder();
  const hook = await webhookServer([{ status: 200 }]);
  const bus = new EventBus<EventTopics>({ policies: EVENT_TOPIC_POLICIES, onHandlerError: () => {} });
  const router = new Router([
    ...busChannels(bus, []),
    ...webhookChannels({
      hook: {
        url: hook.url,
        headers: {},
        min_severity: 'info',
        retries: 0,
        backoff_ms: 10,
        timeout_ms: 5000,
      },
    }),
    outboxChannel(recorder, true),
    ...(options.staged ?? []),
  ]);
  const modes = ['disarmed', 'home', 'away'];
  const rules = compileRules((options.rules ?? []) as Parameters<typeof compileRules>[0], {
    modes,
    webhooks: ['hook', 'archive'],
  });
  const enrichment = createEnrichment({
    config: enrichmentConfig(),
    device: { id: 'pi', name: 'Pi', timezone: 'UTC' },
  });
  const metrics = new Metrics();
  const worker = new RoutingWorker({
    recorder,
    commit: (ops) => writer.write(() => routing.apply(ops, events)),
    routing,
    enrich: (event) => enrichment.run(event),
    decide: (event, context) => rules.evaluate(event, context),
    stage: (event, decision, description, at) => router.stage(event, decision, description, at),
    deliver: (event, decision) => router.route(event, decision),
    delivers: (decision) => router.delivers(decision),
    context: () => ({ mode: 'disarmed', hour: 12 }),
    metrics: createEventMetrics(metrics),
    logger,
    concurrency: 4,
    capacity: 10_000,
    ...(options.retry ? { retry: options.retry } : {}),
  });
  const count = (sql: string, ...params: unknown[]) =>
    db
      .prepare(sql)
      .pluck()
      .get(...params) as number;
  const states = (id: string) =>
    (
      db
        .prepare("SELECT state FROM audit WHERE subject_kind = 'event' AND subject_id = ? ORDER BY id")
        .all(id) as Array<{ state: string }>
    ).map((row) => row.state);
  /** A counter's value per label set, as `label=value,…` → value. */
  const counter = async (name: string) =>
    Object.fromEntries(
      ((await metrics.snapshot()).counters[name] ?? []).map((v) => [
        Object.entries(v.labels)
          .map(([k, l]) => `${k}=${String(l)}`)
          .join(','),
        v.value,
      ]),
    );
  return { db, worker, commits, hook, count, states, counter };
}

/** A rule, as the config loader makes it, routing events whose `field` equals `value` to `route`. */
function rule(name: string, field: string, value: string, route: string): unknown {
  return {
    name,
    enabled: true,
    stop: false,
    when: { all: [{ field, op: 'eq', value }] },
    // biome-ignore lint/suspicious/noThenProperty: `then` is the rule key users write; it holds a mapping, not a function.
    then: { route: [route] },
  };
}

/** `n` stored events not yet routed, as ingest leaves them; every `carEvery`-th is a car. */
function seed(db: Parameters<typeof insertEvent>[0], n: number, carEvery = 0): void {
  for (let i = 0; i < n; i++) {
    const car = carEvery > 0 && i % carEvery === 0;
    insertEvent(db, {
      id: `e-${i}`,
      timestamp: 1_700_000_000_000 + i,
      label: car ? 'car' : 'person',
      state: 'persisted',
    });
    db.prepare(
      "INSERT INTO audit (subject_kind, subject_id, state, at, actor, reason) VALUES ('event', ?, 'persisted', 0, 'test', null)",
    ).run(`e-${i}`);
  }
}

describe('RoutingWorker', () => {
  test('a backlog is routed as one batch: its whole outcome in one transaction', async () => {
    const kit = await routingKit();
    seed(kit.db, 300);
    await kit.worker.scan();
    await kit.worker.idle();

    assert.deepEqual(kit.commits, [1], 'one write, one commit, for 300 events');
    assert.equal(kit.count("SELECT count(*) FROM events WHERE state = 'routed'"), 300);
    assert.equal(kit.count('SELECT count(*) FROM outbox'), 300, 'one outbox row each');
    assert.equal(kit.count('SELECT count(DISTINCT event_id) FROM enrichments'), 300, 'enrichments stored');
    assert.deepEqual(kit.states('e-7'), ['persisted', 'enriched', 'routed']);
    const reason = kit.count(
      "SELECT reason FROM audit WHERE subject_id = 'e-7' AND state = 'routed'",
    ) as unknown as string;
    assert.equal(reason, 'mqtt ok, web live');
  });

  test('events routed to a webhook are routed once it answered, in one more transaction for the batch', async () => {
    const kit = await routingKit({
      rules: [rule('cars', 'label', 'car', 'webhook:hook')],
    });
    seed(kit.db, 100, 10);
    await kit.worker.scan();
    await kit.worker.idle();

    assert.deepEqual(
      kit.commits,
      [1, 1],
      `the outcome, then the webhook results (e-10: ${kit.states('e-10').join(' → ')})`,
    );
    assert.equal(kit.hook.received.length, 10, 'each car went to the webhook once');
    assert.equal(kit.count("SELECT count(*) FROM events WHERE state = 'routed'"), 100);
    assert.equal(kit.count('SELECT count(*) FROM outbox'), 100);
    assert.deepEqual(kit.states('e-10'), ['persisted', 'enriched', 'routed']);
    const reason = kit.count(
      "SELECT reason FROM audit WHERE subject_id = 'e-10' AND state = 'routed'",
    ) as unknown as string;
    assert.match(reason, /webhook:hook ok/);
  });

  test('deliveries and enricher outcomes are counted once each, per channel and per enricher', async () => {
    const kit = await routingKit({
      rules: [rule('cars', 'label', 'car', 'webhook:hook')],
    });
    seed(kit.db, 100, 10);
    await kit.worker.scan();
    await kit.worker.idle();

    assert.deepEqual(await kit.counter('vigil_events_routed_total'), {
      'channel=mqtt,ok=true': 100,
      'channel=web,ok=true': 100,
      'channel=webhook:hook,ok=true': 10,
    });
    const perEnricher = new Map<string, number>();
    for (const [labels, n] of Object.entries(await kit.counter('vigil_events_enriched_total'))) {
      const enricher = /enricher=([^,]+)/.exec(labels)?.[1] ?? labels;
      perEnricher.set(enricher, (perEnricher.get(enricher) ?? 0) + n);
    }
    assert.ok(perEnricher.size > 0, 'enricher outcomes counted');
    for (const [enricher, n] of perEnricher) assert.equal(n, 100, `${enricher}: one outcome per event`);
  });

  test('a staged channel refusing one event dead-letters that event alone; the rest of its batch is routed', async () => {
    const refusing: StagedChannel = {
      // A staged channel under a route name the rules know.
      name: 'webhook:archive',
      stage(event) {
        if (event.id === 'e-13') throw new Error('archive is full for e-13');
        return undefined;
      },
    };
    const kit = await routingKit({
      staged: [refusing],
      rules: [rule('archive-all', 'type', 'object_detected', 'webhook:archive')],
    });
    seed(kit.db, 50);
    await kit.worker.scan();
    await kit.worker.idle();

    assert.deepEqual(kit.commits, [1], 'still one transaction for the batch');
    assert.deepEqual(kit.states('e-13'), ['persisted', 'dead_lettered']);
    assert.equal(
      kit.count("SELECT count(*) FROM dead_letters WHERE event_id = 'e-13' AND stage = 'process'"),
      1,
    );
    assert.equal(
      kit.count("SELECT count(*) FROM enrichments WHERE event_id = 'e-13'"),
      0,
      'none of its rows kept',
    );
    assert.equal(kit.count("SELECT count(*) FROM outbox WHERE event_id = 'e-13'"), 0);
    assert.equal(kit.count("SELECT count(*) FROM events WHERE state = 'routed'"), 49);
    assert.equal(kit.count('SELECT count(*) FROM outbox'), 49);
  });

  /** Makes every outbox insert fail (a real SQLite error) until `unblock()`. */
  function blockOutbox(db: Parameters<typeof insertEvent>[0]) {
    db.exec(`CREATE TABLE test_block (x INTEGER);
      INSERT INTO test_block VALUES (1);
      CREATE TRIGGER outbox_blocked BEFORE INSERT ON outbox WHEN EXISTS (SELECT 1 FROM test_block)
      BEGIN SELECT RAISE (ABORT, 'outbox blocked by the test'); END;`);
    return { unblock: () => db.exec('DELETE FROM test_block') };
  }

  test('an event whose routing failed is retried with backoff, and its dead letters resolved once it is routed', async () => {
    const kit = await routingKit({ retry: { attempts: 3, backoffMs: 50 } });
    const outbox = blockOutbox(kit.db);
    seed(kit.db, 5);
    await kit.worker.scan();
    await kit.worker.idle();
    assert.equal(kit.count("SELECT count(*) FROM events WHERE state = 'dead_lettered'"), 5);
    assert.equal(kit.worker.retrying, 5, 'every failed event waits for a retry (health: routing_retrying)');

    outbox.unblock();
    const deadline = Date.now() + 10_000;
    while (kit.count("SELECT count(*) FROM events WHERE state = 'routed'") < 5 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await kit.worker.idle();
    assert.equal(kit.count("SELECT count(*) FROM events WHERE state = 'routed'"), 5);
    assert.equal(kit.count('SELECT count(*) FROM outbox'), 5);
    assert.equal(
      kit.count('SELECT count(*) FROM dead_letters WHERE resolved_at IS NULL'),
      0,
      'dead letters resolved',
    );
    assert.ok(kit.count('SELECT min(retry_count) FROM dead_letters') >= 1);
    assert.deepEqual(kit.states('e-2'), ['persisted', 'dead_lettered', 'enriched', 'routed']);
    assert.equal(kit.worker.retrying, 0);
  });

  test('automatic retries are bounded: past them the event stays dead-lettered for the API', async () => {
    const kit = await routingKit({ retry: { attempts: 2, backoffMs: 10 } });
    blockOutbox(kit.db);
    seed(kit.db, 3);
    await kit.worker.scan();
    await kit.worker.idle();
    // First try at once, then after 10 ms and 20 ms more.
    const deadline = Date.now() + 10_000;
    while (
      (kit.worker.retrying > 0 || kit.count('SELECT count(*) FROM dead_letters') < 9) &&
      Date.now() < deadline
    )
      await new Promise((resolve) => setTimeout(resolve, 20));
    await kit.worker.idle();
    assert.equal(kit.worker.retrying, 0);
    assert.equal(
      kit.count("SELECT count(*) FROM dead_letters WHERE event_id = 'e-1'"),
      3,
      'the try and 2 retries',
    );
    assert.equal(kit.count("SELECT count(*) FROM events WHERE state = 'dead_lettered'"), 3);
    assert.equal(kit.count('SELECT count(*) FROM outbox'), 0);
  });
});
