import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TemporaryError } from '../../../../runtime/events/enrichment/errors';
import { EnrichmentOrchestrator } from '../../../../runtime/events/enrichment/orchestrator';
import { deferred, fakeEnricher, makeEvent } from './enrichmentTestKit';

describe('EnrichmentOrchestrator scheduling', () => {
  it('runs independent enrichers concurrently and a dependent one only after both finished', {
    timeout: 5000,
  }, async () => {
    const log: string[] = [];
    const gateA = deferred();
    const gateB = deferred();
    const bothStarted = deferred();
    const started = new Set<string>();
    const held = (name: string, gate: Promise<void>) =>
      fakeEnricher(name, async () => {
        log.push(`start ${name}`);
        started.add(name);
        if (started.size === 2) bothStarted.resolve();
        await gate;
        log.push(`end ${name}`);
        return { from: name };
      });
    const combined = fakeEnricher(
      'c',
      async (_event, ctx) => {
        log.push('start c');
        return { seen: [...ctx.results.keys()].sort() };
      },
      { dependsOn: ['a', 'b'] },
    );
    const orchestrator = new EnrichmentOrchestrator([
      combined,
      held('a', gateA.promise),
      held('b', gateB.promise),
    ]);

    const run = orchestrator.run(makeEvent());
    await bothStarted.promise;
    assert.deepEqual(log, ['start a', 'start b'], 'a and b run at the same time; c waits');
    gateB.resolve();
    gateA.resolve();
    const results = await run;

    assert.deepEqual(log, ['start a', 'start b', 'end b', 'end a', 'start c']);
    assert.deepEqual(
      results.map((r) => r.enricher),
      ['c', 'a', 'b'],
      'results come in registration order',
    );
    assert.deepEqual(results[0]?.data, { seen: ['a', 'b'] }, 'c sees its dependencies’ results');
    assert.ok(results.every((r) => r.status === 'success' && r.attempts === 1));
  });

  it('starts ready enrichers in priority order, lowest first, within the concurrency limit', async () => {
    const order: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const make = (name: string, priority: number) =>
      fakeEnricher(
        name,
        async () => {
          order.push(name);
          inFlight += 1;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await new Promise((resolve) => setImmediate(resolve));
          inFlight -= 1;
          return {};
        },
        { priority },
      );
    const enrichers = [make('late', 50), make('first', 1), make('middle', 20), make('second', 5)];
    await new EnrichmentOrchestrator(enrichers, { concurrency: 2 }).run(makeEvent());
    assert.deepEqual(order, ['first', 'second', 'middle', 'late']);
    assert.equal(maxInFlight, 2);
  });

  it('holds an enricher to its own concurrency across events, and not the others', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let freeMax = 0;
    let freeInFlight = 0;
    const limited = fakeEnricher(
      'remote',
      async () => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight -= 1;
        return {};
      },
      { concurrency: 3, timeoutMs: 50 },
    );
    const free = fakeEnricher('local', async () => {
      freeInFlight += 1;
      freeMax = Math.max(freeMax, freeInFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      freeInFlight -= 1;
      return {};
    });
    const orchestrator = new EnrichmentOrchestrator([limited, free]);
    // 20 events × 5 ms at 3 at once is ~35 ms of waiting: more than the 50 ms timeout would allow
    // if waiting for a turn counted against it.
    const runs = await Promise.all(
      Array.from({ length: 20 }, (_, i) => orchestrator.run(makeEvent({ id: `e${i}` }))),
    );
    assert.equal(maxInFlight, 3, 'the limited enricher never ran more than 3 events at once');
    assert.equal(freeMax, 20, 'the unlimited one ran every event at once');
    assert.ok(
      runs.flat().every((r) => r.status === 'success'),
      JSON.stringify(runs.flat().filter((r) => r.status !== 'success')),
    );
  });

  it('skips an enricher whose required dependency failed, but runs one whose optional dependency failed', async () => {
    let dependentCalled = false;
    const orchestrator = new EnrichmentOrchestrator([
      fakeEnricher('base', async () => {
        throw new Error('broken');
      }),
      fakeEnricher(
        'needs_base',
        async () => {
          dependentCalled = true;
          return {};
        },
        { dependsOn: ['base'] },
      ),
      fakeEnricher('transitive', async () => ({}), { dependsOn: ['needs_base'] }),
      fakeEnricher('tolerant', async (_e, ctx) => ({ base: ctx.results.get('base')?.status }), {
        optionalDependsOn: ['base'],
      }),
    ]);
    const [base, needsBase, transitive, tolerant] = await orchestrator.run(makeEvent());
    assert.equal(base?.status, 'failed');
    assert.equal(needsBase?.status, 'skipped');
    assert.match(needsBase?.error ?? '', /dependency 'base' did not succeed \(failed\)/);
    assert.equal(transitive?.status, 'skipped', 'a skip propagates down the chain');
    assert.equal(dependentCalled, false);
    assert.equal(tolerant?.status, 'success');
    assert.deepEqual(tolerant?.data, { base: 'failed' });
  });

  it('skips an enricher whose canProcess is false, and fails one whose canProcess throws', async () => {
    const orchestrator = new EnrichmentOrchestrator([
      fakeEnricher('faces_only', async () => ({}), { canProcess: (e) => e.type.startsWith('face_') }),
      fakeEnricher('bad_check', async () => ({}), {
        canProcess: () => {
          throw new Error('oops');
        },
      }),
    ]);
    const [faces, bad] = await orchestrator.run(makeEvent({ type: 'motion' }));
    assert.equal(faces?.status, 'skipped');
    assert.equal(faces?.attempts, 0);
    assert.equal(bad?.status, 'failed');
    assert.match(bad?.error ?? '', /canProcess threw: oops/);
  });
});

describe('EnrichmentOrchestrator retries', () => {
  it('retries a TemporaryError with exponential backoff, then succeeds', async () => {
    const callTimes: number[] = [];
    const flaky = fakeEnricher(
      'flaky',
      async () => {
        callTimes.push(performance.now());
        if (callTimes.length < 3) throw new TemporaryError('service busy');
        return { ok: true };
      },
      { retries: 3 },
    );
    const orchestrator = new EnrichmentOrchestrator([flaky], { backoffMs: 20, random: () => 0 });
    const [result] = await orchestrator.run(makeEvent());

    assert.equal(result?.status, 'success');
    assert.equal(result?.attempts, 3);
    assert.deepEqual(result?.data, { ok: true });
    const [t0 = 0, t1 = 0, t2 = 0] = callTimes;
    // Timers may fire a little late, never early (1 ms of slack for clock rounding).
    assert.ok(t1 - t0 >= 19, `first retry after ≥ 20 ms, was ${t1 - t0}`);
    assert.ok(t2 - t1 >= 39, `second retry after ≥ 40 ms (doubled), was ${t2 - t1}`);
    assert.equal(orchestrator.stats()[0]?.retries, 2);
  });

  it('gives up after the configured retries and reports the last error', async () => {
    let calls = 0;
    const orchestrator = new EnrichmentOrchestrator(
      [
        fakeEnricher(
          'down',
          async () => {
            calls += 1;
            throw new TemporaryError(`attempt ${calls} refused`);
          },
          { retries: 2 },
        ),
      ],
      { backoffMs: 1 },
    );
    const [result] = await orchestrator.run(makeEvent());
    assert.equal(result?.status, 'failed');
    assert.equal(calls, 3);
    assert.equal(result?.attempts, 3);
    assert.equal(result?.error, 'attempt 3 refused');
  });

  it('does not retry a permanent error', async () => {
    let calls = 0;
    const orchestrator = new EnrichmentOrchestrator(
      [
        fakeEnricher(
          'strict',
          async () => {
            calls += 1;
            throw new Error('bad input');
          },
          { retries: 5 },
        ),
      ],
      { backoffMs: 1 },
    );
    const [result] = await orchestrator.run(makeEvent());
    assert.equal(calls, 1);
    assert.equal(result?.status, 'failed');
    assert.equal(result?.attempts, 1);
    assert.equal(result?.error, 'bad input');
  });

  it('treats a synchronous throw and a non-object result as failures, not crashes', async () => {
    const orchestrator = new EnrichmentOrchestrator([
      fakeEnricher('sync_throw', (() => {
        throw new Error('thrown before any await');
      }) as never),
      fakeEnricher('returns_array', async () => [1, 2] as never),
    ]);
    const [syncThrow, returnsArray] = await orchestrator.run(makeEvent());
    assert.equal(syncThrow?.status, 'failed');
    assert.equal(syncThrow?.error, 'thrown before any await');
    assert.equal(returnsArray?.status, 'failed');
    assert.match(returnsArray?.error ?? '', /returned an array; enrich\(\) must resolve to an object/);
  });

  it('reports every result to onResult and counts them in stats', async () => {
    const seen: string[] = [];
    const orchestrator = new EnrichmentOrchestrator(
      [
        fakeEnricher('ok', async () => ({})),
        fakeEnricher('never', async () => ({}), { canProcess: () => false }),
      ],
      { onResult: (r) => seen.push(`${r.enricher}:${r.status}`) },
    );
    await orchestrator.run(makeEvent());
    await orchestrator.run(makeEvent());
    assert.deepEqual(seen.sort(), ['never:skipped', 'never:skipped', 'ok:success', 'ok:success']);
    const [ok, never] = orchestrator.stats();
    assert.equal(ok?.success, 2);
    assert.equal(typeof ok?.p50Ms, 'number');
    assert.equal(ok?.breaker, 'closed');
    assert.equal(never?.skipped, 2);
    assert.equal(never?.p50Ms, null, 'skips are not latency samples');
  });

  it('uses enrichNow when it returns data, without calling enrich, and falls back to enrich when it throws', async () => {
    const calls: string[] = [];
    const now = fakeEnricher(
      'now',
      async () => {
        calls.push('now:enrich');
        return { via: 'enrich' };
      },
      { enrichNow: () => ({ via: 'now' }) },
    );
    let tries = 0;
    const flaky = fakeEnricher(
      'flaky',
      async () => {
        calls.push('flaky:enrich');
        tries += 1;
        if (tries === 1) throw new TemporaryError('busy');
        return { via: 'enrich' };
      },
      {
        retries: 1,
        enrichNow: () => {
          calls.push('flaky:now');
          throw new Error('not now');
        },
      },
    );
    const orchestrator = new EnrichmentOrchestrator([now, flaky], { backoffMs: 1 });
    const [fast, slow] = await orchestrator.run(makeEvent());
    assert.deepEqual(fast?.data, { via: 'now' });
    assert.equal(fast?.status, 'success');
    assert.equal(fast?.attempts, 1);
    assert.deepEqual(slow?.data, { via: 'enrich' }, 'the enrich way, its retries included');
    assert.equal(slow?.attempts, 2);
    assert.deepEqual(calls, ['flaky:now', 'flaky:enrich', 'flaky:enrich'], 'enrich never called for `now`');
  });

  it('hands a signal that is already aborted when first read after the timeout', async () => {
    let late: AbortSignal | undefined;
    const orchestrator = new EnrichmentOrchestrator([
      fakeEnricher(
        'slow',
        async (_event, ctx) => {
          await new Promise((resolve) => setTimeout(resolve, 40));
          late = ctx.signal;
          return {};
        },
        { timeoutMs: 10 },
      ),
    ]);
    const [result] = await orchestrator.run(makeEvent());
    assert.equal(result?.status, 'timeout');
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(late?.aborted, true);
  });
});
