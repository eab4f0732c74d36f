import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../../helpers/freePort';
import { tempDir } from '../../../helpers/tempDir';
import {
  pollUntil,
  postEvent,
  type Reply,
  rowCounts,
  spawnVigil,
  stopVigil,
  untilRunning,
  withDb,
  writeConfig,
} from './e2eKit';
import { buildCorpus, type FuzzCase, KNOWN_FIELDS } from './fuzzCorpus';

/** Fixed so a failure replays; override with VIGIL_FUZZ_SEED=<n> to explore. */
const SEED = Number(process.env.VIGIL_FUZZ_SEED ?? 0x5eed_c0de) >>> 0;
const BODY_LIMIT_KB = 256;
const corpus = buildCorpus(SEED, BODY_LIMIT_KB * 1024);
const kinds = [...new Set(corpus.map((c) => c.kind))];
const PORT = await freePort();
const replay = `seed ${SEED} (0x${SEED.toString(16)}); replay with VIGIL_FUZZ_SEED=${SEED}`;

/** What is wrong with the server's answer to a bad body; empty when it is right. */
function judge(c: FuzzCase, reply: Reply): string[] {
  const problems: string[] = [];
  if (reply.status !== c.status) problems.push(`status ${reply.status}, expected ${c.status}`);
  if (reply.status >= 500) problems.push('a server error for a client mistake');
  if (reply.status < 400) problems.push('accepted');
  const body = reply.json;
  if (!body) return [...problems, 'the body is not JSON'];
  if (typeof body.error !== 'string' || body.error.length === 0) problems.push('no error message');
  if (reply.status === 400) {
    const field = body.field;
    if (typeof field !== 'string' || field.length === 0)
      problems.push(`field ${JSON.stringify(field)} names nothing`);
    else if (typeof c.field === 'string' && field !== c.field)
      problems.push(`field '${field}', expected '${c.field}'`);
    else if (c.field instanceof RegExp && !c.field.test(field))
      problems.push(`field '${field}' does not match ${c.field}`);
  }
  if (c.errorIncludes && typeof body.error === 'string' && !body.error.includes(c.errorIncludes))
    problems.push(`error does not say '${c.errorIncludes}'`);
  return problems;
}

/** Sum of every `vigil_events_rejected_total` series, and the `field` labels seen. */
async function rejectedMetric(base: string): Promise<{ total: number; fields: string[]; text: string }> {
  const text = await (await fetch(`${base}/metrics`)).text();
  let total = 0;
  const fields: string[] = [];
  for (const line of text.split('\n')) {
    const match = /^vigil_events_rejected_total(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    total += Number(match[2]);
    const field = /field="((?:[^"\\]|\\.)*)"/.exec(match[1] ?? '')?.[1];
    if (field !== undefined) fields.push(field);
  }
  return { total, fields, text };
}

describe(`POST /api/v1/events with fuzzed bad bodies (${corpus.length} cases, ${replay})`, () => {
  const dir = tempDir('vigil-fuzz-');
  const base = `http://127.0.0.1:${PORT}`;
  const vigil = spawnVigil(
    writeConfig(dir, PORT, {
      http: `body_limit_kb: ${BODY_LIMIT_KB}`,
      // No incident may end on its own while the counts are compared.
      extra: 'events: { incidents: { idle_seconds: 3600, max_seconds: 86400 } }',
    }),
  );
  let baseline: Record<string, number> = {};
  let rejectedBefore = 0;
  let countedSent = 0;

  before(async () => {
    await untilRunning(vigil);
    // One valid event first, so the tables exist and are warm; wait until it is fully routed.
    const warm = await postEvent(base, { id: 'fuzz-warm-up', type: 'sensor', label: 'pir', camera: 'front' });
    assert.equal(warm.status, 201, warm.text);
    await pollUntil(
      'the warm-up event is routed',
      () =>
        withDb(dir, (db) => {
          const row = db.prepare("SELECT state FROM events WHERE id = 'fuzz-warm-up'").get() as
            | { state: string }
            | undefined;
          return row !== undefined && !['persisted', 'enriched'].includes(row.state);
        }),
      10_000,
    );
    baseline = rowCounts(dir);
    rejectedBefore = (await rejectedMetric(base)).total;
  });

  after(async () => {
    assert.equal(
      await stopVigil(vigil),
      0,
      `unclean stop (signal ${vigil.child.signalCode}); stderr: ${vigil.stderr()}; last logs: ${JSON.stringify(vigil.logs.slice(-4))}`,
    );
  });

  for (const kind of kinds) {
    const cases = corpus.filter((c) => c.kind === kind);
    test(`${kind}: ${cases.length} bodies, each a 4xx naming the field`, async () => {
      const failures: string[] = [];
      for (const c of cases) {
        const reply = await postEvent(base, c.body);
        if (c.counted) countedSent += 1;
        const problems = judge(c, reply);
        if (problems.length > 0)
          failures.push(
            `${c.what}: ${problems.join('; ')} — got ${reply.status} ${reply.text.slice(0, 160)}`,
          );
      }
      assert.ok(
        failures.length === 0,
        `${failures.length} of ${cases.length} wrong (${replay}):\n${failures.join('\n')}`,
      );
    });
  }

  test('the database is unchanged and every body that reached validation was counted', async () => {
    assert.deepEqual(rowCounts(dir), baseline, `rows changed; ${replay}`);
    const { total } = await rejectedMetric(base);
    assert.equal(
      total - rejectedBefore,
      countedSent,
      'vigil_events_rejected_total did not count each rejected event',
    );
  });

  test('the server still takes a valid event, and /metrics has vigil_events_rejected_total', async () => {
    const reply = await postEvent(base, {
      id: 'fuzz-after',
      type: 'object_detected',
      label: 'person',
      camera: 'front',
      object_id: 'trk-after',
      box: [0.1, 0.1, 0.4, 0.9],
      confidence: 0.9,
      zones: ['porch'],
      data: { note: 'still healthy' },
    });
    assert.equal(reply.status, 201, reply.text);
    assert.equal(reply.json?.status, 'created');
    assert.equal(reply.json?.id, 'fuzz-after');
    assert.equal(reply.json?.polluted, undefined);
    const { text } = await rejectedMetric(base);
    assert.match(text, /^# TYPE vigil_events_rejected_total counter$/m);
    assert.match(text, /^vigil_events_rejected_total\{field="type"\} \d+$/m);
    const health = await fetch(`${base}/api/v1/health`);
    assert.equal(health.status, 200);
  });

  // The cases below found bugs; they run last because a wrong 2xx stores rows.

  test('rejections do not create a metric series per unknown field name', async () => {
    const { fields } = await rejectedMetric(base);
    const allowed = new Set<string>([...KNOWN_FIELDS, 'body', 'unknown_field']);
    const unbounded = fields.filter((f) => !allowed.has(f.split('.')[0] as string));
    assert.deepEqual(
      unbounded,
      [],
      'vigil_events_rejected_total{field} takes its value from the sender: every new unknown field name is a new series',
    );
  });

  test('data nested 100 000 levels deep is a 400 naming data, not a 5xx', async () => {
    const body = `{"type":"motion","data":{"a":${'['.repeat(100_000)}1${']'.repeat(100_000)}}}`;
    const reply = await postEvent(base, body);
    assert.deepEqual(
      judge(
        { kind: 'data', what: 'deep', body: Buffer.from(body), status: 400, field: 'data', counted: true },
        reply,
      ),
      [],
      `got ${reply.status} ${reply.text}`,
    );
  });

  test('a lone UTF-16 surrogate escape is refused like invalid UTF-8', async () => {
    const reply = await postEvent(base, '{"type":"sensor","label":"door\\ud800","id":"fuzz-surrogate"}');
    assert.ok(reply.status >= 400 && reply.status < 500, `got ${reply.status} ${reply.text}`);
  });

  test('timestamps that are not ISO 8601 date-times are refused', async () => {
    const accepted: string[] = [];
    for (const timestamp of [
      '2024-02-30T00:00:00Z',
      '12/31/2023 10:00',
      'March 7, 2024 10:00',
      '-271821-04-20T00:00:00Z',
    ]) {
      const reply = await postEvent(base, { type: 'system', source: `ts-${accepted.length}`, timestamp });
      if (reply.status < 400) accepted.push(`${timestamp} → ${reply.status}`);
    }
    assert.deepEqual(accepted, []);
  });

  test('a data key longer than 64 characters is refused', async () => {
    const reply = await postEvent(base, {
      type: 'system',
      source: 'long-key',
      data: { ['k'.repeat(100)]: 1 },
    });
    assert.equal(reply.status, 400, reply.text);
    assert.match(String(reply.json?.field), /^data/);
  });
});
