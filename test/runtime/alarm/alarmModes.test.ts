import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterEach, describe, it, mock } from 'node:test';
import { AlarmJournal } from '../../../runtime/alarm/alarmJournal';
import { AlarmModes } from '../../../runtime/alarm/alarmModes';
import { CommandError } from '../../../runtime/alarm/commandError';
import { ModeSchedules } from '../../../runtime/alarm/modeSchedules';
import { StoreService } from '../../../runtime/store/storeService';
import { memoryLogger } from '../../helpers/memoryLogger';
import { tempDir } from '../../helpers/tempDir';

const MODES = ['disarmed', 'home', 'away'];

/** A real store on a fresh file; `reopen()` gives a new store on the same file (a restart). */
async function openStore(file = join(tempDir(), 'vigil.db')) {
  const store = new StoreService({
    file,
    version: 'test',
    groupCommit: { maxBatch: 64, maxDelayMs: 1 },
    logger: memoryLogger().logger,
  });
  await store.start();
  return { store, journal: new AlarmJournal(store.db, store.writer), file };
}

function auditRows(store: StoreService) {
  return store.db
    .prepare("SELECT subject_id, state, actor, reason FROM audit WHERE subject_kind = 'alarm' ORDER BY id")
    .all() as Array<{ subject_id: string; state: string; actor: string; reason: string }>;
}

describe('alarm modes', () => {
  it('a change is durable before it is acknowledged, audited, and survives a restart', async () => {
    const { store, journal, file } = await openStore();
    assert.equal(journal.savedMode(), undefined);
    const modes = new AlarmModes({ modes: MODES, initial: 'disarmed', store: journal });
    const seen: string[] = [];
    modes.onChange((change) => void seen.push(`${change.previous}->${change.mode}`));
    const change = await modes.set('away', { actor: 'api', reason: 'leaving' });
    assert.equal(change?.mode, 'away');
    assert.equal(await modes.set('away', { actor: 'api', reason: 'again' }), undefined, 'no change, no row');
    assert.deepEqual(seen, ['disarmed->away']);
    assert.deepEqual(auditRows(store), [
      { subject_id: 'mode', state: 'away', actor: 'api', reason: 'leaving (was disarmed)' },
    ]);
    await store.stop();

    const reopened = await openStore(file);
    assert.equal(reopened.journal.savedMode(), 'away');
    await reopened.store.stop();
  });

  it('refuses a mode that does not exist, naming the field and the closest mode, and changes nothing', async () => {
    const { store, journal } = await openStore();
    const modes = new AlarmModes({ modes: MODES, initial: 'home', store: journal });
    for (const bad of ['awy', '', 42, null]) {
      await assert.rejects(modes.set(bad, { actor: 'api', reason: 'x' }), (err: unknown) => {
        assert.ok(err instanceof CommandError);
        assert.equal(err.kind, 'invalid');
        assert.equal(err.field, 'mode');
        assert.match(err.message, /is not one of alarm\.modes \(disarmed, home, away\)/);
        return true;
      });
    }
    await assert.rejects(modes.set('awy', { actor: 'api', reason: 'x' }), /did you mean 'away'\?/);
    assert.equal(modes.current, 'home');
    assert.deepEqual(auditRows(store), []);
    await store.stop();
  });

  it('applies changes one at a time in the order asked', async () => {
    const { store, journal } = await openStore();
    const modes = new AlarmModes({ modes: MODES, initial: 'disarmed', store: journal });
    await Promise.all([
      modes.set('home', { actor: 'a', reason: '1' }),
      modes.set('away', { actor: 'b', reason: '2' }),
      modes.set('disarmed', { actor: 'c', reason: '3' }),
    ]);
    assert.equal(modes.current, 'disarmed');
    assert.deepEqual(
      auditRows(store).map((r) => r.state),
      ['home', 'away', 'disarmed'],
    );
    await store.stop();
  });
});

describe('mode schedules (fake clock, node-cron)', () => {
  afterEach(() => mock.timers.reset());

  it('switch at the scheduled local times of the device time zone', async () => {
    const { store, journal } = await openStore();
    // 21:58 in Berlin (UTC+1 in November).
    mock.timers.enable({
      apis: ['setTimeout', 'setInterval', 'Date'],
      now: Date.parse('2026-11-23T20:58:00Z'),
    });
    const modes = new AlarmModes({ modes: MODES, initial: 'disarmed', store: journal });
    const changes: Array<[string, string]> = [];
    // To the second: the change commits a few fake milliseconds after the schedule fires.
    modes.onChange(
      (change) => void changes.push([new Date(change.at).toISOString().slice(0, 19), change.mode]),
    );
    const schedules = new ModeSchedules(modes, memoryLogger().logger);
    schedules.start(
      [
        { cron: '0 22 * * *', mode: 'away' },
        { cron: '30 6 * * 1-5', mode: 'home' },
      ],
      'Europe/Berlin',
    );
    assert.deepEqual(
      schedules.states().map((s) => s.next),
      ['2026-11-23T21:00:00.000Z', '2026-11-24T05:30:00.000Z'],
    );
    // Nine hours: long jumps up to just before each scheduled run, then quarter seconds, as a real clock ticks.
    const end = Date.parse('2026-11-24T05:58:00Z');
    while (Date.now() < end) {
      const next = Math.min(...schedules.states().map((state) => Date.parse(state.next ?? '')));
      mock.timers.tick(
        next - Date.now() > 2_000 ? Math.min(next - Date.now() - 1_000, end - Date.now()) : 250,
      );
      for (let i = 0; i < 20; i++) await Promise.resolve();
    }
    await schedules.stop();
    assert.deepEqual(changes, [
      ['2026-11-23T21:00:00', 'away'],
      ['2026-11-24T05:30:00', 'home'],
    ]);
    assert.deepEqual(
      auditRows(store).map((r) => [r.state, r.actor, r.reason]),
      [
        ['away', 'schedule', "alarm.schedules[0]: '0 22 * * *' (was disarmed)"],
        ['home', 'schedule', "alarm.schedules[1]: '30 6 * * 1-5' (was away)"],
      ],
    );
    mock.timers.reset();
    await store.stop();
  });
});
