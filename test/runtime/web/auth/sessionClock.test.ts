import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { FastifyRequest } from 'fastify';
import { loadConfig } from '../../../../runtime/config/index';
import { StoreService } from '../../../../runtime/store/storeService';
import { ClockWatch } from '../../../../runtime/system/clockWatch';
import { AuthService, SESSION_COOKIE } from '../../../../runtime/web/auth/authService';
import { memoryLogger } from '../../../helpers/memoryLogger';
import { tempDir } from '../../../helpers/tempDir';
import { TestClock } from '../../../helpers/testClock';

const HOUR = 3_600_000;
const YEAR = 365 * 24 * HOUR;

/** The login service on a real store, its clock moved by the test (booted at the last saved time). */
async function authKit() {
  const dataDir = tempDir();
  const loaded = loadConfig({ text: `data_dir: ${dataDir}\nhttp: { auth: { session_hours: 2 } }`, env: {} });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  const { logger, lines } = memoryLogger();
  const store = new StoreService({
    file: join(dataDir, 'vigil.db'),
    version: 'test',
    groupCommit: { maxBatch: 64, maxDelayMs: 1 },
    logger,
  });
  const clock = new TestClock(Date.parse('2025-05-01T00:00:00Z'));
  const clockWatch = new ClockWatch({ clock, syncFile: '', logger });
  const auth = new AuthService({ auth: loaded.config.http.auth, dataDir, store, logger, clock: clockWatch });
  await store.start();
  await auth.start();
  after(() => store.stop());
  const password = lines.find((l) => String(l.msg).startsWith('admin password generated'))?.password;
  const session = await auth.login(String(password));
  assert.ok(session);
  const request = { headers: {}, cookies: { [SESSION_COOKIE]: session.token } } as unknown as FastifyRequest;
  /** Lets the clock watch see the jump and the re-base commit. */
  const settle = async () => {
    clockWatch.check();
    await store.writer.write(() => undefined);
  };
  return { auth, clock, settle, loggedIn: () => auth.identify(request) !== null };
}

test('a session is not ended early by the clock jumping forwards a year', async () => {
  const kit = await authKit();
  kit.clock.advance(HOUR);
  kit.clock.jump(YEAR);
  await kit.settle();
  assert.equal(kit.loggedIn(), true, 'one hour into a two-hour session');
  kit.clock.advance(HOUR + 1000);
  assert.equal(kit.loggedIn(), false, 'and it still ends after its two hours');
});

test('a session is not lengthened by the clock jumping back', async () => {
  const kit = await authKit();
  kit.clock.advance(HOUR);
  kit.clock.jump(-HOUR);
  await kit.settle();
  assert.equal(kit.loggedIn(), true);
  kit.clock.advance(HOUR + 1000);
  assert.equal(kit.loggedIn(), false, 'ended two hours after the login, not three');
});
