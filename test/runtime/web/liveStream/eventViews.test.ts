import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { VigilEvent } from '../../../../runtime/domain/eventModel';
import { EventStore } from '../../../../runtime/events/eventStore';
import { eventRowOf, eventViewOf } from '../../../../runtime/events/eventTable';
import { EventQueries } from '../../../../runtime/events/queries/eventQueries';
import { RoutingStore } from '../../../../runtime/events/routingStore';
import type { Decision } from '../../../../runtime/rules/decision';
import { StoreService } from '../../../../runtime/store/storeService';
import { storedEventViews } from '../../../../runtime/web/liveStream/eventViews';
import { memoryLogger } from '../../../helpers/memoryLogger';
import { tempDir } from '../../../helpers/tempDir';

const event: VigilEvent = {
  id: 'evt-1',
  type: 'intrusion',
  timestamp: 1_790_000_000_000,
  receivedAt: 1_790_000_000_050,
  source: 'pipeline',
  camera: 'front',
  zones: ['porch', 'drive'],
  label: 'person',
  objectId: 'trk-7',
  confidence: 0.87,
  box: [0.1, 0.2, 0.4, 0.9],
  data: { phase: 'new', top_score: 0.91 },
  correlationId: 'corr-1',
  parentId: null,
  severity: 'medium',
  fingerprint: 'fp-1',
  incidentId: null,
};

const decision: Decision = {
  allowed: true,
  severity: 'high',
  routes: ['web', 'mqtt'],
  tags: ['alert'],
  set: { escalated: true },
  matched: ['default-stream', 'porch-alert'],
};

/** A real appliance database holding `event` as the processor leaves it once routed. */
async function storeWithRoutedEvent() {
  const store = new StoreService({
    file: join(tempDir(), 'vigil.db'),
    version: 'test',
    groupCommit: { maxBatch: 16, maxDelayMs: 0 },
    logger: memoryLogger().logger,
  });
  await store.start();
  const events = new EventStore(store.db);
  const routing = new RoutingStore(store.db);
  await store.writer.write(() => {
    events.insertEvent(eventRowOf(event), event.zones, 'api');
    routing.applyDecision(event, decision, 'A person on the porch');
    events.setState(event.id, 'enriched', 2, 'processor', null);
  });
  return { store, events, queries: new EventQueries({ db: store.db }) };
}

test('the stream shows a routed event exactly as GET /api/v1/events lists it', async () => {
  const { store, events, queries } = await storeWithRoutedEvent();
  const view = storedEventViews(() => store.db);
  // Streamed while routing, before the row says `routed`…
  const streamed = view(event, { ...decision, routes: ['web'] });
  await store.writer.write(() => events.setState(event.id, 'routed', 3, 'processor', 'web ok'));
  // …and the same once it does.
  assert.deepEqual(streamed, queries.listEvents({}).events[0]);
  assert.equal(streamed.description, 'A person on the porch');
  assert.deepEqual(streamed.decision, decision, 'the stored decision, mqtt route included');
  await store.stop();
});

test('without a readable row, the in-memory event maps to the same view (description aside)', async () => {
  const { store, events, queries } = await storeWithRoutedEvent();
  await store.writer.write(() => events.setState(event.id, 'routed', 3, 'processor', 'web ok'));
  const listed = queries.listEvents({}).events[0];
  assert.deepEqual(eventViewOf(event, decision), { ...listed, description: null });
  assert.deepEqual(
    eventViewOf(event, decision, {
      state: 'routed',
      description: 'A person on the porch',
      duplicates: 0,
      last_duplicate_at: null,
    }),
    listed,
  );
  // A row that is not there (or a database already closed) falls back to that mapping.
  const view = storedEventViews(() => store.db);
  assert.deepEqual(view({ ...event, id: 'evt-unknown' }, decision), {
    ...eventViewOf(event, decision),
    id: 'evt-unknown',
  });
  await store.stop();
  assert.deepEqual(view(event, decision), eventViewOf(event, decision));
});
