/** A failure worth retrying (network error, service busy): the orchestrator retries it with backoff. */
export class TemporaryError extends Error {
  override readonly name = 'TemporaryError';
}

/** The enricher list cannot run: duplicate name, unknown dependency, dependency cycle, bad limits. */
export class EnrichmentConfigError extends Error {
  override readonly name = 'EnrichmentConfigError';
}

/** One attempt took longer than the enricher's `timeoutMs`. */
export class EnrichmentTimeoutError extends Error {
  override readonly name = 'EnrichmentTimeoutError';

  constructor(enricher: string, timeoutMs: number) {
    super(`enricher '${enricher}' did not finish within ${timeoutMs} ms`);
  }
}

/** The message of anything thrown, for results and logs. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
