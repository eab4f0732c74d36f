import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { nextReconnectDelay } from '../../../runtime/mqtt/backoff';
import { MqttConnection } from '../../../runtime/mqtt/mqttConnection';
import { topicMatches } from '../../../runtime/mqtt/topicMatch';
import { memoryLogger } from '../../helpers/memoryLogger';
import { startBroker } from '../../helpers/mosquitto';
import { MqttObserver } from '../../helpers/mqttObserver';
import { tempDir } from '../../helpers/tempDir';
import { stopVigil } from '../events/e2e/e2eKit';
import { appliance, pollUntil } from './sync/syncKit';

const SETTINGS = {
  username: undefined,
  password: undefined,
  tls: { reject_unauthorized: true },
  protocol_version: 'auto' as const,
  keepalive_seconds: 30,
  reconnect: { min_seconds: 0.1, max_seconds: 0.5 },
};

describe('reconnect backoff', () => {
  test('doubles from the minimum up to the cap, with at most half of it random', () => {
    const low = (attempt: number) => nextReconnectDelay(attempt, 1000, 60_000, () => 0);
    const high = (attempt: number) => nextReconnectDelay(attempt, 1000, 60_000, () => 1);
    assert.deepEqual([0, 1, 2, 3].map(high), [1000, 2000, 4000, 8000]);
    assert.deepEqual([0, 1, 2, 3].map(low), [500, 1000, 2000, 4000]);
    assert.equal(high(20), 60_000);
    assert.equal(low(1000), 30_000);
  });
});

describe('topic filters', () => {
  test('match like a broker: + one level, # the rest, shared subscriptions by their filter, $ topics apart', () => {
    assert.ok(topicMatches('vigil/+/ack', 'vigil/porch/ack'));
    assert.ok(!topicMatches('vigil/+/ack', 'vigil/porch/front/ack'));
    assert.ok(topicMatches('vigil/#', 'vigil/porch/front/motion'));
    assert.ok(topicMatches('vigil/porch/#', 'vigil/porch'));
    assert.ok(topicMatches('$share/g/vigil/+/events', 'vigil/pi/events'));
    assert.ok(!topicMatches('$share/g/vigil/+/events', 'vigil/pi/ack'));
    assert.ok(!topicMatches('#', '$SYS/broker/uptime'));
    assert.ok(!topicMatches('vigil/+', 'vigil/porch/ack'));
  });
});

describe('MqttConnection against mosquitto', () => {
  test('says online (retained), comes back after the broker restarts with its subscriptions, says offline on stop', async () => {
    const broker = await startBroker();
    const observer = await MqttObserver.connect(broker.url);
    await observer.subscribe('test/#');
    const { logger } = memoryLogger();
    let connects = 0;
    const connection = new MqttConnection({
      config: { ...SETTINGS, url: broker.url },
      clientId: 'connection-test',
      maxPacketBytes: 1024 * 1024,
      availabilityTopic: 'test/available',
      logger,
      onConnect: () => {
        connects += 1;
      },
    });
    const received: string[] = [];
    connection.subscribe('test/in/+', (topic, payload) => void received.push(`${topic}=${payload}`), {
      maxBytes: 1024,
    });
    connection.start();
    await observer.next((m) => m.topic === 'test/available' && m.payload.toString() === 'online');
    await pollUntil('subscribed', () => connects === 1, 5000);
    await sleep(100);
    await observer.publish('test/in/a', '1');
    await pollUntil('the first message arrives', () => received.length === 1, 5000);

    await broker.kill();
    await pollUntil('the loss is noticed', () => !connection.connected, 5000);
    await assert.rejects(connection.publish('test/x', 'y'), /not connected/);
    await sleep(500);
    await broker.start();
    await pollUntil('reconnected', () => connection.connected && connects === 2, 10_000);
    assert.ok(connection.status().reconnects >= 1);
    const again = await MqttObserver.connect(broker.url);
    await again.subscribe('test/#');
    // A subscriber that comes later is told at once: the broker kept it (retained).
    await again.next((m) => m.topic === 'test/available' && m.payload.toString() === 'online' && m.retain);
    await again.publish('test/in/b', '2');
    await pollUntil('a message after the reconnect arrives', () => received.includes('test/in/b=2'), 5000);

    await connection.stop();
    await again.next((m) => m.topic === 'test/available' && m.payload.toString() === 'offline');
    await broker.stop();
  });

  test('an unreadable TLS file is a start error naming the setting', () => {
    const { logger } = memoryLogger();
    const connection = new MqttConnection({
      config: {
        ...SETTINGS,
        url: 'mqtts://127.0.0.1:1',
        tls: { ca: '/nonexistent/ca.pem', reject_unauthorized: true },
      },
      clientId: 'tls-test',
      maxPacketBytes: 1024 * 1024,
      logger,
    });
    assert.throws(() => connection.start(), /mqtt\.tls\.ca: cannot read \/nonexistent\/ca\.pem \(ENOENT\)/);
  });

  test('an appliance killed with SIGKILL is reported offline by its last will', async () => {
    const broker = await startBroker();
    const observer = await MqttObserver.connect(broker.url);
    await observer.subscribe('vigil/+/available');
    const device = await appliance(tempDir(), broker.url);
    const vigil = await device.start();
    await observer.next((m) => m.topic === 'vigil/e2e-pi/available' && m.payload.toString() === 'online');
    const from = observer.messages.length;
    vigil.child.kill('SIGKILL');
    await vigil.exited;
    const will = await observer.next(
      (m) => m.topic === 'vigil/e2e-pi/available' && m.payload.toString() === 'offline',
      5000,
      from,
    );
    assert.ok(will);
    assert.equal(await stopVigil(vigil), null);
    await broker.stop();
  });
});
