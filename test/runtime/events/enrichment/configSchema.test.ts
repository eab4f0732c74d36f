import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { applyDefaults } from '../../../../runtime/config/applyDefaults';
import { EnrichmentConfigSchema } from '../../../../runtime/config/schema/enrichment';
import { redactSecrets, secretPaths } from '../../../../runtime/config/secrets';
import { enrichmentConfig } from './enrichmentTestKit';

describe('events.enrichment config schema', () => {
  it('fills every default from nothing', () => {
    assert.deepEqual(enrichmentConfig(), {
      timeout_ms: 1000,
      retries: 1,
      backoff_ms: 50,
      breaker: { failures: 5, cooldown_seconds: 30 },
      day_start_hour: 7,
      day_end_hour: 19,
      description: { enabled: true, budget_ms: 3000, concurrency: 4, providers: [] },
    });
  });

  it('defaults a provider timeout and keeps its key', () => {
    const config = enrichmentConfig({
      description: { providers: [{ base_url: 'http://localhost:11434/v1', model: 'llava', api_key: 'k' }] },
    });
    assert.deepEqual(config.description.providers[0], {
      base_url: 'http://localhost:11434/v1',
      model: 'llava',
      api_key: 'k',
      timeout_ms: 2000,
    });
  });

  it('marks api_key secret so it is redacted from logs and the API', () => {
    assert.deepEqual(secretPaths(EnrichmentConfigSchema), ['description.providers[].api_key']);
    const redacted = redactSecrets(
      enrichmentConfig({
        description: { providers: [{ base_url: 'http://h/v1', model: 'm', api_key: 'sk-live' }] },
      }),
      EnrichmentConfigSchema,
    );
    assert.equal(redacted.description.providers[0]?.api_key, '[redacted]');
  });

  it('rejects unknown keys, bad URLs and out-of-range hours', () => {
    const bad = [
      { timeout_ms: 1000, typo: true },
      { breaker: { failures: 5, cooldown: 30 } },
      { description: { providers: [{ base_url: 'localhost:11434', model: 'm' }] } },
      { description: { providers: [{ base_url: 'http://h/v1', model: 'm', organisation: 'x' }] } },
      { day_start_hour: 24 },
    ];
    for (const value of bad) {
      const config = applyDefaults(EnrichmentConfigSchema, structuredClone(value));
      assert.equal(Value.Check(EnrichmentConfigSchema, config), false, JSON.stringify(value));
    }
  });
});
