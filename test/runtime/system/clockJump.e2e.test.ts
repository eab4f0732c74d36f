import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../../helpers/freePort';
import { startBroker } from '../../helpers/mosquitto';
import { tempDir } from '../../helpers/tempDir';
import { startVigil } from '../../helpers/vigilProcess';
import { pollUntil, postEvent, stopVigil, untilRunning, withDb, writeConfig } from '../events/e2e/e2eKit';
import { central, centralEvents, untilCentralHas } from '../mqtt/sync/syncKit';

/** libfaketime (Debian's `faketime`), the thread-safe build: node runs threads. */
const LIBFAKETIME = `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu/faketime/libfaketimeMT.so.1`;

/**
 * The built appliance under libfaketime, its wall clock read from a file the test rewrites (as
 * NTP sets it), its monotonic clock real: it boots 400 days in the past, unsynchronised, then NTP
 * sets it forwards, then back an hour. Events posted all along reach the central server in the
 * order posted (by seq), none lost; the ones before the sync are marked; each jump is one
 * `system` event and one warning.
 */
test('the appliance across real clock jumps: booted 400 days in the past, set forwards, then back an hour', async (t) => {
  if (!existsSync(LIBFAKETIME)) {
    t.skip(`${LIBFAKETIME} is missing: apt-get install faketime`);
    return;
  }
  const dir = tempDir();
  const timeFile = join(dir, 'faketime');
  writeFileSync(timeFile, '-400d');
  const syncDir = join(dir, 'timesync');
  mkdirSync(syncDir);
  const broker = await startBroker();
  const receiver = await central(dir, broker.url);
  const centralProcess = await receiver.start();
  const port = await freePort();
  const config = writeConfig(dir, port, {
    mqtt: `enabled: true, url: '${broker.url}', homeassistant: false, reconnect: { min_seconds: 0.2, max_seconds: 1 }, sync: { ack_timeout_seconds: 2 }`,
    extra: `system: { clock_sync_file: ${join(syncDir, 'synchronized')} }`,
  });
  receiver.enroll({ dataDir: join(dir, 'data') });
  const vigil = await untilRunning(
    startVigil(['run', '--config', config], {
      LD_PRELOAD: LIBFAKETIME,
      FAKETIME_TIMESTAMP_FILE: timeFile,
      FAKETIME_NO_CACHE: '1',
      FAKETIME_DONT_FAKE_MONOTONIC: '1',
    }),
  );
  const base = `http://127.0.0.1:${port}`;
  const jumps = () => vigil.logs.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('clock jumped'));
  try {
    let n = 0;
    const post = async (count: number) => {
      for (let i = 0; i < count; i++) {
        n += 1;
        const reply = await postEvent(base, { id: `clk-${n}`, type: 'sensor', source: 'door', data: { n } });
        assert.equal(reply.status, 201, reply.text);
      }
    };
    await post(5);

    // NTP answers: the clock is set forwards 400 days, and timesyncd makes its file.
    writeFileSync(join(syncDir, 'synchronized'), '');
    writeFileSync(timeFile, '+0');
    await pollUntil('the forward jump is seen', () => jumps().length === 1, 10_000);
    await post(5);

    writeFileSync(timeFile, '-1h');
    await pollUntil('the backward jump is seen', () => jumps().length === 2, 10_000);
    await post(5);

    await untilCentralHas(receiver.base, 15, 60_000);
    let stored = await centralEvents(receiver.base);
    for (
      let tries = 0;
      stored.filter((s) => s.event.id.startsWith('clk-')).length < 15 && tries < 100;
      tries++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      stored = await centralEvents(receiver.base);
    }
    const ours = () => stored.filter((s) => s.event.id.startsWith('clk-'));
    const posted = ours();
    assert.deepEqual(
      posted.map((s) => s.event.id),
      Array.from({ length: 15 }, (_, i) => `clk-${i + 1}`),
      'every event, in the order posted, though the clock went forwards and back',
    );
    assert.ok(stored.every((s, i) => i === 0 || s.seq > (stored[i - 1]?.seq ?? 0)));
    const unsynced = posted.map((s) => (s.event as { clock_unsynced?: boolean }).clock_unsynced === true);
    assert.deepEqual(
      unsynced,
      [...Array(5).fill(true), ...Array(10).fill(false)],
      'marked before the sync only',
    );
    const stamps = posted.map((s) => Date.parse((s.event as unknown as { timestamp: string }).timestamp));
    assert.ok(
      (stamps[5] ?? 0) - (stamps[4] ?? 0) > 399 * 86_400_000,
      'the first five were stamped 400 days early',
    );

    assert.deepEqual(
      jumps().map((l) => l.msg),
      ['clock jumped +400 d', 'clock jumped -1 h'],
    );
    const systemEvents = withDb(
      dir,
      (db) =>
        db
          .prepare(
            "SELECT json_extract(data, '$.reason') FROM events WHERE type = 'system' AND source = 'clock' ORDER BY rowid",
          )
          .pluck()
          .all() as string[],
    );
    assert.deepEqual(systemEvents, ['clock jumped +400 d', 'clock jumped -1 h']);
    assert.deepEqual(
      vigil.logs.filter((l) => Number(l.level) >= 50).map((l) => l.msg),
      [],
      'no error on the way',
    );
  } finally {
    await stopVigil(vigil);
    await stopVigil(centralProcess);
    await broker.stop();
  }
});
