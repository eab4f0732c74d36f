import { type Static, Type } from '@sinclair/typebox';
import { SECRET, strictObject } from '../../../base/schema';

const ProviderSchema = strictObject(
  {
    base_url: Type.String({
      pattern: '^https?://[^\\s]+$',
      description:
        'OpenAI-compatible API root; {base_url}/chat/completions is called. E.g. http://localhost:11434/v1 for Ollama.',
    }),
    model: Type.String({ minLength: 1, description: 'Model name, e.g. llava:7b or gpt-4o-mini.' }),
    api_key: Type.Optional(
      Type.String({ minLength: 1, description: 'Sent as "Authorization: Bearer <api_key>".', ...SECRET }),
    ),
    timeout_ms: Type.Integer({
      minimum: 1,
      default: 2000,
      description: 'Longest wait for this provider; the overall budget_ms still applies.',
    }),
  },
  { description: 'One vision-language / chat endpoint.' },
);

const DescriptionSchema = strictObject(
  {
    enabled: Type.Boolean({
      default: true,
      description: 'Add a text description to every event: a local summary, refined by the providers if any.',
    }),
    budget_ms: Type.Integer({
      minimum: 1,
      default: 3000,
      description: 'Total time for all providers of one event; past it the local summary is used.',
    }),
    concurrency: Type.Integer({
      minimum: 1,
      maximum: 256,
      default: 4,
      description:
        'Events sent to the providers at once; the others wait their turn (not counted in budget_ms).',
    }),
    providers: Type.Array(ProviderSchema, {
      default: [],
      description: 'Tried in order until one answers; empty means the local summary only.',
    }),
  },
  { default: {}, description: 'Event descriptions.' },
);

const BreakerSchema = strictObject(
  {
    failures: Type.Integer({
      minimum: 1,
      default: 5,
      description: 'Consecutive failures after which an enricher is no longer called.',
    }),
    cooldown_seconds: Type.Number({
      minimum: 0,
      default: 30,
      description: 'Pause before a failing enricher gets one trial call again.',
    }),
  },
  { default: {}, description: 'Circuit breaker for each enricher.' },
);

/** `events.enrichment`: limits of the enrichment stage and settings of the built-in enrichers. */
export const EnrichmentConfigSchema = strictObject(
  {
    timeout_ms: Type.Integer({
      minimum: 1,
      default: 1000,
      description: 'Longest one enricher may take on one event before it is abandoned.',
    }),
    retries: Type.Integer({
      minimum: 0,
      maximum: 10,
      default: 1,
      description: 'Extra attempts after a temporary error or a timeout.',
    }),
    backoff_ms: Type.Integer({
      minimum: 0,
      default: 50,
      description: 'Delay before the first retry; doubles for each further one.',
    }),
    breaker: BreakerSchema,
    day_start_hour: Type.Integer({
      minimum: 0,
      maximum: 23,
      default: 7,
      description: 'Local hour (0..23) from which an event counts as day.',
    }),
    day_end_hour: Type.Integer({
      minimum: 0,
      maximum: 24,
      default: 19,
      description: 'Local hour (0..24) from which an event counts as night again.',
    }),
    description: DescriptionSchema,
  },
  { default: {}, description: 'Event enrichment.' },
);

/** Settings of the enrichment stage. */
export type EnrichmentConfig = Static<typeof EnrichmentConfigSchema>;
/** One vision-language / chat provider. */
export type DescriptionProviderConfig = Static<typeof ProviderSchema>;
