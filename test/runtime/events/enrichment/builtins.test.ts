import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VigilEvent } from '../../../../runtime/domain/eventModel';
import type { FaceGallery } from '../../../../runtime/events/enrichment/builtins/faceIdentity';
import {
  type BuiltinEnricherOptions,
  createBuiltinEnrichers,
} from '../../../../runtime/events/enrichment/builtins/index';
import { isDayHour } from '../../../../runtime/events/enrichment/builtins/metadata';
import { EnrichmentConfigError } from '../../../../runtime/events/enrichment/errors';
import { EnrichmentOrchestrator } from '../../../../runtime/events/enrichment/orchestrator';
import type { EnrichmentResult } from '../../../../runtime/events/enrichment/types';
import { enrichmentConfig, makeEvent } from './enrichmentTestKit';

const device = { id: 'porch-pi', name: 'Porch', timezone: 'Europe/Berlin' };

async function enrich(
  event: VigilEvent,
  options: Partial<BuiltinEnricherOptions> = {},
): Promise<Record<string, EnrichmentResult>> {
  const orchestrator = new EnrichmentOrchestrator(
    createBuiltinEnrichers({ config: enrichmentConfig(), device, ...options }),
  );
  const results = await orchestrator.run(event);
  return Object.fromEntries(results.map((r) => [r.enricher, r]));
}

describe('metadata enricher', () => {
  it('adds device, camera display name, zones, local time in the device zone and day', async () => {
    const { metadata } = await enrich(
      makeEvent({
        camera: 'front_door',
        zones: ['porch', 'path'],
        timestamp: Date.UTC(2024, 5, 1, 12, 0, 5),
      }),
    );
    assert.equal(metadata?.status, 'success');
    assert.deepEqual(metadata?.data, {
      device_id: 'porch-pi',
      device_name: 'Porch',
      camera: 'front_door',
      camera_name: 'Front door',
      zones: ['porch', 'path'],
      timezone: 'Europe/Berlin',
      local_time: '2024-06-01 14:00:05',
      utc_offset: 'GMT+2',
      local_hour: 14,
      day_night: 'day',
    });
  });

  it('says night after day_end_hour local time, and uses configured camera names', async () => {
    // 18:30 UTC in January is 19:30 in Berlin: past the default day end of 19.
    const { metadata } = await enrich(makeEvent({ timestamp: Date.UTC(2024, 0, 15, 18, 30) }), {
      cameraNames: { front: 'Front garden' },
    });
    assert.equal(metadata?.data?.local_time, '2024-01-15 19:30:00');
    assert.equal(metadata?.data?.utc_offset, 'GMT+1');
    assert.equal(metadata?.data?.day_night, 'night');
    assert.equal(metadata?.data?.camera_name, 'Front garden');
  });

  it('honours configured day hours, including a day that wraps past midnight', () => {
    assert.equal(isDayHour(6, 7, 19), false);
    assert.equal(isDayHour(7, 7, 19), true);
    assert.equal(isDayHour(18, 7, 19), true);
    assert.equal(isDayHour(19, 7, 19), false);
    assert.equal(isDayHour(23, 22, 6), true);
    assert.equal(isDayHour(3, 22, 6), true);
    assert.equal(isDayHour(12, 22, 6), false);
  });

  it('refuses an unknown time zone at construction, saying what to use', () => {
    assert.throws(
      () =>
        createBuiltinEnrichers({
          config: enrichmentConfig(),
          device: { ...device, timezone: 'Mars/Olympus' },
        }),
      (err: unknown) =>
        err instanceof EnrichmentConfigError &&
        /device\.timezone 'Mars\/Olympus'.*IANA name/.test(err.message),
    );
  });
});

describe('face_identity enricher', () => {
  const gallery: FaceGallery & { seen: number[][] } = {
    seen: [],
    identify(embedding) {
      this.seen.push(embedding);
      return embedding[0] === 1 ? { name: 'Mallory', list: 'blacklist', distance: 0.21 } : null;
    },
  };

  it('identifies from the gallery when the event carries an embedding', async () => {
    const { face_identity: match } = await enrich(
      makeEvent({ type: 'face_unknown', data: { embedding: [1, 0, 0] } }),
      {
        faceGallery: gallery,
      },
    );
    assert.deepEqual(match?.data, { name: 'Mallory', list: 'blacklist', distance: 0.21, source: 'gallery' });
    assert.deepEqual(gallery.seen.at(-1), [1, 0, 0]);

    const { face_identity: none } = await enrich(
      makeEvent({ type: 'face_unknown', data: { embedding: [0, 1] } }),
      {
        faceGallery: gallery,
      },
    );
    assert.deepEqual(none?.data, { name: null, list: 'unknown', source: 'gallery' });
  });

  it('falls back to event data without a gallery or a usable embedding', async () => {
    const { face_identity: fromData } = await enrich(
      makeEvent({ type: 'face_known', data: { face_name: 'Alice', embedding: [0.1, 'x'] } }),
      { faceGallery: gallery },
    );
    assert.deepEqual(fromData?.data, { name: 'Alice', list: 'known', source: 'event' });

    const { face_identity: listed } = await enrich(
      makeEvent({ type: 'object_detected', data: { face_name: 'Bob', face_list: 'blacklist' } }),
    );
    assert.deepEqual(listed?.data, { name: 'Bob', list: 'blacklist', source: 'event' });

    const { face_identity: byType } = await enrich(makeEvent({ type: 'face_blacklisted', data: {} }));
    assert.deepEqual(byType?.data, { name: null, list: 'blacklist', source: 'event' });
  });

  it('is skipped for events with no face', async () => {
    const { face_identity: skipped } = await enrich(makeEvent({ type: 'motion' }), { faceGallery: gallery });
    assert.equal(skipped?.status, 'skipped');
  });
});

describe('thumbnail enricher', () => {
  it('references the snapshot through the API when the event has one, and is skipped otherwise', async () => {
    const { thumbnail } = await enrich(
      makeEvent({ id: 'evt-42', data: { snapshot: '/var/lib/vigil/snap/42.jpg' } }),
    );
    assert.deepEqual(thumbnail?.data, { snapshot_url: '/api/v1/events/evt-42/snapshot.jpg' });
    const { thumbnail: none } = await enrich(makeEvent());
    assert.equal(none?.status, 'skipped');
  });
});

describe('createBuiltinEnrichers', () => {
  it('builds metadata, face_identity, thumbnail and description with the configured limits', () => {
    const enrichers = createBuiltinEnrichers({
      config: enrichmentConfig({ timeout_ms: 250, retries: 2 }),
      device,
    });
    assert.deepEqual(
      enrichers.map((e) => [e.name, e.timeoutMs, e.retries]),
      [
        ['metadata', 250, 2],
        ['face_identity', 250, 2],
        ['thumbnail', 250, 2],
        ['description', 250, 0],
      ],
    );
  });

  it('leaves description out when disabled, and gives it time for its budget when it has providers', () => {
    const off = createBuiltinEnrichers({
      config: enrichmentConfig({ description: { enabled: false } }),
      device,
    });
    assert.deepEqual(
      off.map((e) => e.name),
      ['metadata', 'face_identity', 'thumbnail'],
    );
    const remote = createBuiltinEnrichers({
      config: enrichmentConfig({
        description: { budget_ms: 3000, providers: [{ base_url: 'http://127.0.0.1:1/v1', model: 'm' }] },
      }),
      device,
    });
    assert.ok((remote.find((e) => e.name === 'description')?.timeoutMs ?? 0) > 3000);
  });

  it('describes an event locally using metadata and the face identity', async () => {
    const { description } = await enrich(
      makeEvent({ zones: ['porch'], data: { face_name: 'Alice', face_list: 'known' } }),
      { cameraNames: { front: 'Front' } },
    );
    assert.deepEqual(description?.data, {
      text: '1 person in zone porch at Front, face: Alice',
      source: 'local',
      local_summary: '1 person in zone porch at Front, face: Alice',
      provider_errors: [],
    });
  });
});
