import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { netnsUnavailable } from '../../../helpers/netns';
import { postEvent } from '../../events/e2e/e2eKit';
import {
  backlog,
  eventLoopLagMaxMs,
  KEEPALIVE_SECONDS,
  loadavg,
  loggedAt,
  message,
  outbox,
  partitionRig,
  stopCleanly,
} from './partitionKit';
import { centralEvents, orderByCamera, postAll, syncEvent, untilCentralHas } from './syncKit';

/**
 * Issue 23 item 1: a house's network. The appliance's link to the broker loses packets at random
 * and is cut off (packets dropped, not refused) again and again, while a camera detects people
 * and events are posted throughout. Every event the appliance acknowledged reaches the central
 * server once, in order per camera; each dead link is noticed within 1.5 × the keep-alive; the
 * backlog drains after each cut, before the next.
 *
 * The default suite runs two short cuts. `VIGIL_PARTITION_MINUTES=10` (`npm run test:partition`)
 * runs the long one: a 30 s cut every 2 minutes. `VIGIL_PARTITION_EVERY_SECONDS`,
 * `VIGIL_PARTITION_CUT_SECONDS` and `VIGIL_PARTITION_LOSS_PERCENT` change the schedule.
 */

const CAMERA = 'street';
const POSTED_CAMERAS = ['front', 'back', 'garage'];
const POST_EVERY_MS = 100;
/**
 * Scheduling slack over the 1.5 × keep-alive a dead link is noticed in (mqtt.js times out 1.5 ×
 * keep-alive after the last packet it received, on a timer); the appliance's own event-loop
 * stalls during the cut, measured, are allowed on top and printed.
 */
const DETECTION_SLACK_MS = 1000;
const DETECTION_LIMIT_MS = KEEPALIVE_SECONDS * 1500 + DETECTION_SLACK_MS;
/** After the last cut and the loss end, everything is at the central server within this. */
const FINAL_DRAIN_MS = 60_000;

interface Schedule {
  /** Cuts, one at the end of each period. */
  periods: number;
  /** Lossy link at the start of each period. */
  lossMs: number;
  cutMs: number;
  /** Lossy link after the last cut, for its backlog to drain. */
  tailMs: number;
  lossPercent: number;
}

function schedule(): Schedule {
  const env = (name: string, fallback: number) => {
    const value = Number(process.env[name] ?? fallback);
    if (!Number.isFinite(value) || value < 0)
      throw new Error(`${name} must be a number ≥ 0, not ${process.env[name]}`);
    return value;
  };
  const minutes = env('VIGIL_PARTITION_MINUTES', 0);
  const everyMs = env('VIGIL_PARTITION_EVERY_SECONDS', minutes > 0 ? 120 : 24) * 1000;
  const cutMs = env('VIGIL_PARTITION_CUT_SECONDS', minutes > 0 ? 30 : 12) * 1000;
  const lossPercent = env('VIGIL_PARTITION_LOSS_PERCENT', 20);
  if (lossPercent > 100) throw new Error('VIGIL_PARTITION_LOSS_PERCENT must be at most 100');
  // A cut shorter than this ends before the appliance may notice it: nothing to measure.
  if (cutMs <= DETECTION_LIMIT_MS || cutMs >= everyMs)
    throw new Error(
      `VIGIL_PARTITION_CUT_SECONDS must be over ${DETECTION_LIMIT_MS / 1000} s and under VIGIL_PARTITION_EVERY_SECONDS`,
    );
  return {
    periods: minutes > 0 ? Math.max(1, Math.round((minutes * 60_000) / everyMs)) : 2,
    lossMs: everyMs - cutMs,
    cutMs,
    tailMs: minutes > 0 ? 60_000 : 12_000,
    lossPercent,
  };
}

interface Cut {
  at: number;
  /** Whether the appliance was connected when the cut began (a link that flapped under loss was not). */
  connected: boolean;
  noticedMs: number | null;
  /** The longest stall of the appliance's event loop from the cut until it noticed. */
  lagMs: number;
  healedAt: number;
  /** Unacknowledged outbox rows from before the heal, at the heal. */
  backlogAtHeal: number;
  /** From the heal until the central server acknowledged every one of them; null if not before the next cut. */
  drainedMs: number | null;
  /** Every unacknowledged outbox row just before the next cut (or the end of the tail). */
  backlogBeforeNext: number;
}

/** One line of figures for cut `i` (of `count`). */
function describeCut(c: Cut, i: number, count: number): string {
  const noticed = c.connected
    ? `dead link noticed after ${c.noticedMs ?? 'never (!)'} ms (limit ${DETECTION_LIMIT_MS} + the appliance's event-loop stall ${c.lagMs} ms)`
    : 'link already down (flapped under loss) at the cut';
  return `  cut ${i + 1}: ${noticed}; backlog ${c.backlogAtHeal} at the heal, drained in ${c.drainedMs ?? 'not drained (!)'} ms; backlog ${c.backlogBeforeNext} before the ${i + 1 < count ? 'next cut' : 'end'}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const plan = schedule();
const unavailable = netnsUnavailable();

test(`a lossy link (${plan.lossPercent} % of packets dropped each way) cut off ${plan.periods} times for ${plan.cutMs / 1000} s: every acknowledged event reaches the central server once, in order per camera; each dead link noticed within 1.5 × keep-alive; the backlog drains after each cut`, {
  skip: unavailable ?? false,
  timeout: plan.periods * (plan.lossMs + plan.cutMs) + plan.tailMs + FINAL_DRAIN_MS + 120_000,
}, async () => {
  const rig = await partitionRig({ camera: CAMERA });
  const { receiver, process: centralProcess } = await rig.startCentral();
  const vigil = await rig.device.start();
  await vigil.waitForLog(message('connected to the MQTT broker'));
  const run = randomUUID().slice(0, 8);
  await postAll(rig.device.base, [syncEvent(run, 'front', -1)]);
  await untilCentralHas(receiver.base, 1);

  // Events are posted all along, round robin over three cameras, beside the real camera's.
  const posted: string[] = [];
  let posting = true;
  const poster = (async () => {
    for (let n = 0; posting; n++) {
      const event = syncEvent(run, POSTED_CAMERAS[n % POSTED_CAMERAS.length] as string, n);
      const reply = await postEvent(rig.device.base, event);
      assert.equal(reply.status, 201, `POST ${event.id}: ${reply.text}`);
      posted.push(event.id as string);
      await sleep(POST_EVERY_MS);
    }
  })();
  const isLinkLog = (l: Record<string, unknown>) =>
    message('connected to the MQTT broker')(l) || message('lost the MQTT broker')(l);
  const connectedAt = (at: number) => {
    const last = vigil.logs.filter((l) => isLinkLog(l) && loggedAt(l) <= at).at(-1);
    return last !== undefined && message('connected')(last);
  };

  const cuts: Cut[] = [];
  let draining: Promise<void> = Promise.resolve();
  const dir = rig.device.dir;
  rig.link({ lossPercent: plan.lossPercent });
  for (let period = 0; period < plan.periods; period++) {
    await sleep(plan.lossMs);
    const previous = cuts.at(-1);
    if (previous) previous.backlogBeforeNext = backlog(dir);
    await eventLoopLagMaxMs(rig.device.base);
    const at = Date.now();
    rig.link({ cut: true });
    const cut: Cut = {
      at,
      connected: connectedAt(at),
      noticedMs: null,
      lagMs: 0,
      healedAt: 0,
      backlogAtHeal: 0,
      drainedMs: null,
      backlogBeforeNext: 0,
    };
    cuts.push(cut);
    await draining;
    // The long run prints as it goes.
    if (previous)
      console.log(
        `partition progress ${loadavg()}:\n${describeCut(previous, cuts.length - 2, plan.periods)}`,
      );
    if (cut.connected) {
      const lost = await vigil
        .waitForLog((l) => message('lost the MQTT broker')(l) && loggedAt(l) >= at, plan.cutMs)
        .catch(() => null);
      cut.noticedMs = lost ? loggedAt(lost) - at : null;
      cut.lagMs = await eventLoopLagMaxMs(rig.device.base);
    }
    await sleep(at + plan.cutMs - Date.now());
    rig.link({ lossPercent: plan.lossPercent });
    cut.healedAt = Date.now();
    cut.backlogAtHeal = backlog(dir, cut.healedAt);
    // Measured beside the next period's loss; only the next cut stops the watch.
    const until = cut.healedAt + plan.lossMs;
    draining = (async () => {
      while (Date.now() < until) {
        if (backlog(dir, cut.healedAt) === 0) {
          cut.drainedMs = Date.now() - cut.healedAt;
          return;
        }
        await sleep(250);
      }
    })();
  }
  await sleep(plan.tailMs);
  const last = cuts.at(-1) as Cut;
  last.backlogBeforeNext = backlog(dir);
  await draining;
  posting = false;
  await poster;
  const flaps = vigil.logs.filter(
    (l) =>
      message('lost the MQTT broker')(l) &&
      !cuts.some((c) => loggedAt(l) >= c.at && loggedAt(l) <= c.healedAt),
  ).length;

  // The end: the appliance stopped (its camera makes events until then) and started again
  // without its camera on a clear link, to send what was in flight at the stop; then the central
  // server must hold exactly the appliance's outbox.
  await stopCleanly(vigil, 'the appliance');
  const inFlightAtStop = backlog(dir);
  rig.link({});
  const quiet = await rig.device.start({ cameras: false });
  const drainedBy = Date.now() + FINAL_DRAIN_MS;
  while (backlog(dir) > 0 && Date.now() < drainedBy) await sleep(250);
  await stopCleanly(quiet, 'the appliance without its camera');
  const rows = outbox(dir);
  const stored = await centralEvents(receiver.base);
  const storedIds = stored.map((e) => e.event.id);
  const cameraEvents = rows.filter((r) => r.camera === CAMERA).length;

  const lines = cuts.map((c, i) => describeCut(c, i, cuts.length));
  console.log(
    [
      `partition: ${plan.periods} cuts of ${plan.cutMs / 1000} s every ${(plan.lossMs + plan.cutMs) / 1000} s, ${plan.lossPercent} % loss each way between, keep-alive ${KEEPALIVE_SECONDS} s ${loadavg()}`,
      ...lines,
      `  ${rows.length} events in the outbox (${posted.length + 1} posted, ${cameraEvents} from camera ${CAMERA}), ${stored.length} at the central (${new Set(storedIds).size} distinct), ${inFlightAtStop} unacknowledged at the stop (sent after a restart without the camera); links lost outside the cuts (under loss alone): ${flaps}`,
    ].join('\n'),
  );

  assert.equal(new Set(storedIds).size, storedIds.length, 'nothing stored twice');
  assert.deepEqual(
    rows.filter((r) => !r.acked).map((r) => r.id),
    [],
    'the central server acknowledged every event in the outbox',
  );
  assert.deepEqual(
    new Set(storedIds),
    new Set(rows.map((r) => r.id)),
    'the central holds the outbox, no more',
  );
  const notSynced = posted.filter((id) => !storedIds.includes(id));
  assert.deepEqual(notSynced, [], 'every posted (201) event is at the central');
  assert.ok(cameraEvents > 0, `camera ${CAMERA} made no event: nothing tested of a camera's events`);

  // In order per camera: the appliance's order (its ingest order).
  const expected = new Map<string, string[]>();
  for (const r of rows) expected.set(r.camera ?? '', [...(expected.get(r.camera ?? '') ?? []), r.id]);
  assert.deepEqual(orderByCamera(stored), expected, "in each camera's order by the device's sequence");
  assert.deepEqual(
    orderByCamera(await centralEvents(receiver.base, 'arrival')),
    expected,
    'and stored in that order',
  );

  for (const [i, c] of cuts.entries()) {
    assert.notEqual(c.drainedMs, null, `cut ${i + 1}: the backlog did not drain before the next cut`);
    if (!c.connected) continue;
    assert.ok(
      c.noticedMs !== null && c.noticedMs <= DETECTION_LIMIT_MS + c.lagMs,
      `cut ${i + 1}: the dead link was noticed after ${c.noticedMs} ms (the appliance's event loop stalled up to ${c.lagMs} ms); keep-alive ${KEEPALIVE_SECONDS} s`,
    );
  }
  assert.ok(
    cuts.some((c) => c.connected),
    'the link was down at every cut: no dead link noticed to measure',
  );
  await stopCleanly(centralProcess, 'the central server');
});

if (unavailable) console.log(`partition test skipped: ${unavailable}`);
