import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { netnsUnavailable } from '../../helpers/netns';
import type { VigilProcess } from '../../helpers/vigilProcess';
import { stopVigil } from '../events/e2e/e2eKit';
import { loggedAt, message, partitionRig } from './sync/partitionKit';

/** With the broker unreachable the MQTT service must not take its whole stop budget (10 s). */
const STOP_WITHIN_MS = 1000;

const unavailable = netnsUnavailable();

/** How long the MQTT service took to stop: from the line before its 'service stopped' to that line. */
function mqttStopMs(vigil: VigilProcess): number {
  const logs = vigil.logs;
  const at = logs.findIndex((l) => l.msg === 'service stopped' && l.service === 'mqtt');
  assert.ok(at >= 0, `the MQTT service did not stop cleanly: ${JSON.stringify(logs.slice(-8))}`);
  const previous = logs
    .slice(0, at)
    .findLast((l) => l.msg === 'service stopped' || l.msg === 'shutting down') as Record<string, unknown>;
  return loggedAt(logs[at] as Record<string, unknown>) - loggedAt(previous);
}

test('the MQTT service stops within 1 s with the broker unreachable: the link half-open, or reconnecting', {
  skip: unavailable ?? false,
}, async () => {
  const rig = await partitionRig();
  const device = rig.device;

  // Connected, then every packet to and from the broker dropped: the client still believes it
  // is connected, so the `offline` publish and the graceful end would wait forever.
  const halfOpen = await device.start();
  await halfOpen.waitForLog(message('connected to the MQTT broker'));
  rig.link({ cut: true });
  assert.equal(await stopVigil(halfOpen), 0);
  const halfOpenMs = mqttStopMs(halfOpen);

  // Started while cut off: the connect attempt's SYNs are dropped, no CONNACK ever comes.
  const reconnecting = await device.start();
  await new Promise((r) => setTimeout(r, 1500));
  assert.ok(!reconnecting.logs.some(message('connected to the MQTT broker')), 'the cut holds');
  assert.equal(await stopVigil(reconnecting), 0);
  const reconnectingMs = mqttStopMs(reconnecting);
  rig.link({});

  console.log(
    `mqtt stop with the broker unreachable: half-open ${halfOpenMs} ms, connecting ${reconnectingMs} ms (loadavg ${readFileSync('/proc/loadavg', 'utf8').trim()})`,
  );
  assert.ok(halfOpenMs <= STOP_WITHIN_MS, `half-open link: the MQTT service took ${halfOpenMs} ms to stop`);
  assert.ok(
    reconnectingMs <= STOP_WITHIN_MS,
    `while connecting: the MQTT service took ${reconnectingMs} ms to stop`,
  );
});

if (unavailable) console.log(`MQTT stop test skipped: ${unavailable}`);
