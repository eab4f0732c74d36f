import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EnrichmentTimeoutError } from '../../../../runtime/events/enrichment/errors';
import { EnrichmentOrchestrator } from '../../../../runtime/events/enrichment/orchestrator';
import type { EnrichmentContext } from '../../../../runtime/events/enrichment/types';
import { deferred, fakeEnricher, hang, makeEvent } from './enrichmentTestKit';

/** A clock the test moves by hand, so a 60 s cooldown passes instantly. */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let time = 0;
  return {
    now: () => time,
    advance: (ms) => {
      time += ms;
    },
  };
}

describe('enricher timeouts', () => {
  it('abandons a hanging enricher at its timeout, aborts its signal, and still finishes the event', async () => {
    const signals: AbortSignal[] = [];
    const orchestrator = new EnrichmentOrchestrator(
      [
        fakeEnricher(
          'stuck',
          (_event, ctx: EnrichmentContext) => {
            signals.push(ctx.signal);
            return new Promise(() => undefined);
          },
          { timeoutMs: 15, retries: 1 },
        ),
        fakeEnricher('fine', async () => ({ ok: true })),
      ],
      { backoffMs: 1 },
    );
    const startedAt = performance.now();
    const [stuck, fine] = await orchestrator.run(makeEvent());
    const elapsed = performance.now() - startedAt;

    assert.equal(stuck?.status, 'timeout');
    assert.equal(stuck?.attempts, 2, 'a timeout is retried like a temporary error');
    assert.match(stuck?.error ?? '', /'stuck' did not finish within 15 ms/);
    assert.equal(fine?.status, 'success');
    assert.ok(elapsed < 500, `the event completed in ${elapsed} ms despite the hang`);
    assert.equal(signals.length, 2);
    assert.ok(signals.every((s) => s.aborted && s.reason instanceof EnrichmentTimeoutError));
  });
});

describe('enricher circuit breaker', () => {
  it('opens after N consecutive timeouts, answers circuit_open at once, half-opens after the cooldown and closes on success', async () => {
    const clock = manualClock();
    let healthy = false;
    let calls = 0;
    const orchestrator = new EnrichmentOrchestrator(
      [
        fakeEnricher(
          'vision',
          async (_event, ctx) => {
            calls += 1;
            if (!healthy) await hang(ctx.signal);
            return { text: 'ok' };
          },
          { timeoutMs: 10 },
        ),
      ],
      { breaker: { failures: 3, cooldownMs: 60_000 }, now: clock.now },
    );

    for (let i = 0; i < 3; i++) {
      const [result] = await orchestrator.run(makeEvent());
      assert.equal(result?.status, 'timeout');
    }
    assert.equal(orchestrator.stats()[0]?.breaker, 'open');

    const startedAt = performance.now();
    const [refused] = await orchestrator.run(makeEvent());
    assert.equal(refused?.status, 'circuit_open');
    assert.equal(refused?.attempts, 0);
    assert.ok(performance.now() - startedAt < 10, 'an open breaker does not cost the timeout');
    assert.equal(calls, 3, 'the enricher is not called while open');

    clock.advance(59_999);
    assert.equal((await orchestrator.run(makeEvent()))[0]?.status, 'circuit_open', 'still cooling down');
    clock.advance(1);
    assert.equal(orchestrator.stats()[0]?.breaker, 'half_open');

    healthy = true;
    const [trial] = await orchestrator.run(makeEvent());
    assert.equal(trial?.status, 'success');
    assert.equal(orchestrator.stats()[0]?.breaker, 'closed');
    assert.equal((await orchestrator.run(makeEvent()))[0]?.status, 'success');

    const stats = orchestrator.stats()[0];
    assert.equal(stats?.timeout, 3);
    assert.equal(stats?.circuitOpen, 2);
    assert.equal(stats?.success, 2);
  });

  it('lets only one trial call through while half-open, and reopens when it fails', async () => {
    const clock = manualClock();
    const release = deferred();
    let calls = 0;
    let failNext = true;
    const orchestrator = new EnrichmentOrchestrator(
      [
        fakeEnricher('flaky', async () => {
          calls += 1;
          if (failNext) throw new Error('down');
          await release.promise;
          return {};
        }),
      ],
      { breaker: { failures: 1, cooldownMs: 100 }, now: clock.now },
    );
    assert.equal((await orchestrator.run(makeEvent()))[0]?.status, 'failed');
    assert.equal(orchestrator.stats()[0]?.breaker, 'open');

    clock.advance(100);
    assert.equal((await orchestrator.run(makeEvent()))[0]?.status, 'failed', 'the trial call failed');
    assert.equal(orchestrator.stats()[0]?.breaker, 'open', 'a failed trial reopens the breaker');
    assert.equal((await orchestrator.run(makeEvent()))[0]?.status, 'circuit_open');

    clock.advance(100);
    failNext = false;
    const trial = orchestrator.run(makeEvent());
    const [concurrent] = await orchestrator.run(makeEvent());
    assert.equal(concurrent?.status, 'circuit_open', 'a second event during the trial is refused');
    release.resolve();
    assert.equal((await trial)[0]?.status, 'success');
    assert.equal(calls, 3);
    assert.equal(orchestrator.stats()[0]?.breaker, 'closed');
  });

  it('counts only consecutive failures: a success in between resets the count', async () => {
    const outcomes = [false, false, true, false, false];
    const orchestrator = new EnrichmentOrchestrator(
      [
        fakeEnricher('sometimes', async () => {
          if (outcomes.shift() === false) throw new Error('no');
          return {};
        }),
      ],
      { breaker: { failures: 3, cooldownMs: 1000 } },
    );
    for (let i = 0; i < 5; i++) await orchestrator.run(makeEvent());
    assert.equal(orchestrator.stats()[0]?.breaker, 'closed');
  });
});
