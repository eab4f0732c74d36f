import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EnrichmentConfigError } from '../../../../runtime/events/enrichment/errors';
import { EnrichmentOrchestrator } from '../../../../runtime/events/enrichment/orchestrator';
import { fakeEnricher } from './enrichmentTestKit';

const noop = async () => ({});

function configError(build: () => unknown): EnrichmentConfigError {
  try {
    build();
  } catch (err) {
    assert.ok(err instanceof EnrichmentConfigError, `expected EnrichmentConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the constructor to throw');
}

describe('enricher graph validation', () => {
  it('rejects a cycle, naming every enricher in it and only those', () => {
    const err = configError(
      () =>
        new EnrichmentOrchestrator([
          fakeEnricher('metadata', noop),
          fakeEnricher('alpha', noop, { dependsOn: ['metadata', 'gamma'] }),
          fakeEnricher('beta', noop, { dependsOn: ['alpha'] }),
          fakeEnricher('gamma', noop, { optionalDependsOn: ['beta'] }),
        ]),
    );
    assert.match(err.message, /enrichers 'alpha', 'gamma', 'beta' form a dependency cycle/);
    assert.match(err.message, /alpha → gamma → beta → alpha/);
    assert.doesNotMatch(err.message, /'metadata'/);
  });

  it('rejects an enricher depending on itself', () => {
    const err = configError(
      () => new EnrichmentOrchestrator([fakeEnricher('selfish', noop, { dependsOn: ['selfish'] })]),
    );
    assert.match(err.message, /'selfish' form a dependency cycle \(selfish → selfish/);
  });

  it('rejects an unknown dependency, naming both enrichers and listing the registered ones', () => {
    const err = configError(
      () =>
        new EnrichmentOrchestrator([
          fakeEnricher('metadata', noop),
          fakeEnricher('description', noop, { dependsOn: ['metadta'] }),
        ]),
    );
    assert.match(err.message, /enricher 'description' depends on 'metadta', which is not registered/);
    assert.match(err.message, /registered: metadata, description/);
  });

  it('rejects duplicate names and impossible limits', () => {
    assert.match(
      configError(() => new EnrichmentOrchestrator([fakeEnricher('a', noop), fakeEnricher('a', noop)]))
        .message,
      /'a' is registered twice/,
    );
    assert.match(
      configError(() => new EnrichmentOrchestrator([fakeEnricher('a', noop, { timeoutMs: 0 })])).message,
      /'a': timeoutMs must be a positive number/,
    );
    assert.match(
      configError(() => new EnrichmentOrchestrator([fakeEnricher('a', noop, { retries: -1 })])).message,
      /'a': retries must be a whole number/,
    );
    assert.match(
      configError(() => new EnrichmentOrchestrator([fakeEnricher('a', noop, { concurrency: 0 })])).message,
      /'a': concurrency must be a whole number ≥ 1/,
    );
  });

  it('accepts a diamond', () => {
    const orchestrator = new EnrichmentOrchestrator([
      fakeEnricher('top', noop),
      fakeEnricher('left', noop, { dependsOn: ['top'] }),
      fakeEnricher('right', noop, { dependsOn: ['top'] }),
      fakeEnricher('bottom', noop, { dependsOn: ['left', 'right'] }),
    ]);
    assert.deepEqual(orchestrator.names, ['top', 'left', 'right', 'bottom']);
  });
});
