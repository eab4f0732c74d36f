import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { OutputState } from '../../../../runtime/alarm/outputController';
import type { AppEvents } from '../../../../runtime/appTopics';
import type { VigilEvent } from '../../../../runtime/domain/eventModel';
import { type Broker, startBroker } from '../../../helpers/mosquitto';
import { MqttObserver, retainedUnder, type Seen } from '../../../helpers/mqttObserver';
import { tempDir } from '../../../helpers/tempDir';
import { dbFileIn, haKit } from './haKit';

function processed(event: Partial<VigilEvent>): AppEvents['event.processed'] {
  const now = Date.now();
  return {
    event: {
      id: `e-${Math.random()}`,
      type: 'object_detected',
      timestamp: now,
      receivedAt: now,
      source: 'pipeline',
      camera: 'front',
      zones: [],
      label: null,
      objectId: null,
      confidence: null,
      box: null,
      data: {},
      correlationId: 'c',
      parentId: null,
      severity: 'info',
      fingerprint: 'f',
      incidentId: null,
      ...event,
    },
    decision: { allowed: true, severity: 'info', routes: [], tags: [], set: {}, matched: [] },
    description: null,
  };
}

function siren(active: boolean): OutputState {
  return {
    name: 'siren',
    direction: 'output',
    driver: 'sim',
    pin: 17,
    active_low: false,
    pattern: 'steady',
    max_on_seconds: 60,
    on: active,
    active,
    active_since: active ? Date.now() : null,
    active_until: null,
    activated_by: null,
    silenced_until: null,
    cooldown_until: null,
  };
}

describe('Vigil state topics for Home Assistant', () => {
  let broker: Broker;
  before(async () => {
    broker = await startBroker();
  });
  after(() => broker.stop());

  it('publish the full state on connect, then follow the bus', async () => {
    const dir = tempDir();
    const kit = await haKit({
      brokerUrl: broker.url,
      dbFile: dbFileIn(dir),
      yaml: `
data_dir: ${dir}
device: { id: porch, name: Porch }
mqtt: { enabled: true }
cameras:
  front: { source: { driver: sim }, objects: { track: [person, car] } }
gpio:
  siren: { driver: sim, pin: 17, direction: output }
`,
    });
    kit.state.outputs = [siren(false)];
    const observer = await MqttObserver.connect(broker.url);
    await observer.subscribe('vigil/porch/#');
    const at = (topic: string, match: (text: string) => boolean = () => true, from = 0) =>
      observer.next((m) => m.topic === `vigil/porch/${topic}` && match(m.payload.toString()), 5000, from);
    const text = async (seen: Promise<Seen>) => (await seen).payload.toString();

    await kit.start();
    assert.equal(await text(at('front/motion')), 'OFF');
    assert.deepEqual(JSON.parse(await text(at('front/objects'))), { person: 0, car: 0 });
    assert.equal(await text(at('front/detect/state')), 'ON');
    assert.equal(await text(at('front/motion/state')), 'ON');
    assert.equal(await text(at('siren/state')), 'OFF');
    assert.equal(await text(at('alarm/state')), 'disarmed');
    assert.equal(await text(at('alarm/panel')), 'disarmed');
    const device = JSON.parse(await text(at('state'))) as Record<string, unknown>;
    assert.deepEqual(Object.keys(device).sort(), [
      'backlog',
      'backlog_age_seconds',
      'cpu_load',
      'cpu_temperature',
      'disk_used_percent',
      'memory_used_percent',
      'uptime_seconds',
    ]);
    assert.equal(device.backlog, 3);
    assert.equal(device.backlog_age_seconds, 42);
    assert.equal(typeof device.disk_used_percent, 'number');
    assert.equal(typeof device.memory_used_percent, 'number');

    let from = observer.messages.length;
    await kit.bus.publish('camera.activity', {
      camera: 'front',
      motion: true,
      objects: { person: { count: 2, active: 1 } },
      at: Date.now(),
    });
    assert.equal(await text(at('front/motion', (p) => p === 'ON', from)), 'ON');
    await at('front/objects', (p) => p === '{"person":2,"car":0}', from);
    from = observer.messages.length;
    await kit.bus.publish('camera.activity', { camera: 'front', motion: false, objects: {}, at: Date.now() });
    await at('front/motion', (p) => p === 'OFF', from);
    await at('front/objects', (p) => p === '{"person":0,"car":0}', from);

    from = observer.messages.length;
    await kit.bus.publish('camera.settings', {
      camera: 'front',
      detect_enabled: false,
      motion_enabled: true,
    });
    await at('front/detect/state', (p) => p === 'OFF', from);

    const when = Date.parse('2025-06-01T12:00:00.000Z');
    await kit.bus.publish(
      'event.processed',
      processed({
        type: 'face_known',
        timestamp: when,
        label: 'person',
        confidence: 0.9,
        data: { face_name: 'alice', face_list: 'known', face_score: 0.91 },
      }),
    );
    assert.deepEqual(JSON.parse(await text(at('front/face'))), {
      name: 'alice',
      list: 'known',
      score: 0.91,
      at: '2025-06-01T12:00:00.000Z',
    });
    assert.deepEqual(JSON.parse(await text(at('front/face/event'))), {
      event_type: 'known',
      name: 'alice',
      score: 0.91,
    });
    await kit.bus.publish(
      'event.processed',
      processed({
        type: 'face_blacklisted',
        data: { face_name: 'mallory', face_list: 'blacklist', face_score: 0.8 },
      }),
    );
    await at('front/face/event', (p) => JSON.parse(p).event_type === 'blacklisted');

    // A snapshot path from outside data_dir is never read; the next good one is published.
    mkdirSync(join(dir, 'snapshots', 'front'), { recursive: true });
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 0xff, 0xd9]);
    writeFileSync(join(dir, 'snapshots', 'front', 'a.jpg'), jpeg);
    from = observer.messages.length;
    await kit.bus.publish(
      'event.processed',
      processed({ data: { phase: 'new', snapshot: '../../etc/hostname' } }),
    );
    await kit.bus.publish(
      'event.processed',
      processed({ data: { phase: 'update', snapshot: 'snapshots/front/a.jpg' } }),
    );
    const snapshot = await at('front/snapshot', () => true, from);
    assert.deepEqual(snapshot.payload, jpeg);

    from = observer.messages.length;
    await kit.bus.publish('gpio.state', siren(true));
    await at('siren/state', (p) => p === 'ON', from);
    await kit.bus.publish('alarm.mode', {
      mode: 'away',
      previous: 'disarmed',
      at: Date.now(),
      actor: 'test',
      reason: 'x',
    });
    await at('alarm/state', (p) => p === 'away', from);
    await at('alarm/panel', (p) => p === 'triggered', from);

    const held = await retainedUnder(broker.url, 'vigil/porch/#');
    assert.equal(held.get('vigil/porch/front/face') !== undefined, true, 'the last face is retained');
    assert.equal(held.has('vigil/porch/front/face/event'), false, 'face events are not retained');
    assert.deepEqual(held.get('vigil/porch/front/snapshot'), jpeg, 'the snapshot is retained');
    assert.equal(held.get('vigil/porch/siren/state')?.toString(), 'ON');
    assert.equal(held.get('vigil/porch/alarm/state')?.toString(), 'away');
    assert.equal(
      held.get('vigil/porch/alarm/panel')?.toString(),
      'triggered',
      'armed, with the siren sounding',
    );
    await kit.stop();
  });
});
