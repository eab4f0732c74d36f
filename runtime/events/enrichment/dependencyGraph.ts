import { EnrichmentConfigError } from './errors';
import type { Enricher } from './types';

/** Every enricher an enricher waits for: the required ones and the optional ones. */
export function prerequisites(enricher: Enricher): readonly string[] {
  return [...enricher.dependsOn, ...(enricher.optionalDependsOn ?? [])];
}

/**
 * Checks that the enrichers form a runnable DAG and sane limits, throwing
 * {@link EnrichmentConfigError} that names the offending enrichers. Runs once at construction,
 * so a bad list fails at startup instead of on the first event.
 */
export function validateEnrichers(enrichers: readonly Enricher[]): void {
  const byName = new Map<string, Enricher>();
  for (const enricher of enrichers) {
    if (byName.has(enricher.name))
      throw new EnrichmentConfigError(
        `enricher '${enricher.name}' is registered twice — give each a unique name`,
      );
    byName.set(enricher.name, enricher);
    checkLimits(enricher);
  }
  const registered = [...byName.keys()].join(', ');
  for (const enricher of enrichers) {
    for (const dependency of prerequisites(enricher)) {
      if (!byName.has(dependency))
        throw new EnrichmentConfigError(
          `enricher '${enricher.name}' depends on '${dependency}', which is not registered (registered: ${registered}) — register it or remove the dependency`,
        );
    }
  }
  const cycle = findCycle(byName);
  if (cycle)
    throw new EnrichmentConfigError(
      `enrichers ${cycle.map((name) => `'${name}'`).join(', ')} form a dependency cycle (${[...cycle, cycle[0]].join(' → ')}, → meaning "depends on") — remove one of these dependencies`,
    );
}

function checkLimits(enricher: Enricher): void {
  if (!Number.isFinite(enricher.timeoutMs) || enricher.timeoutMs <= 0)
    throw new EnrichmentConfigError(
      `enricher '${enricher.name}': timeoutMs must be a positive number of milliseconds, got ${enricher.timeoutMs}`,
    );
  if (!Number.isInteger(enricher.retries) || enricher.retries < 0)
    throw new EnrichmentConfigError(
      `enricher '${enricher.name}': retries must be a whole number ≥ 0, got ${enricher.retries}`,
    );
  const { concurrency } = enricher;
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1))
    throw new EnrichmentConfigError(
      `enricher '${enricher.name}': concurrency must be a whole number ≥ 1 (or left out for no limit), got ${concurrency}`,
    );
}

/** A dependency cycle as the enricher names along it, or null; depth-first with an explicit path. */
function findCycle(byName: ReadonlyMap<string, Enricher>): string[] | null {
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();

  const visit = (name: string): string[] | null => {
    if (onPath.has(name)) return path.slice(path.indexOf(name));
    if (done.has(name)) return null;
    onPath.add(name);
    path.push(name);
    for (const dependency of prerequisites(byName.get(name) as Enricher)) {
      const cycle = visit(dependency);
      if (cycle) return cycle;
    }
    path.pop();
    onPath.delete(name);
    done.add(name);
    return null;
  };

  for (const name of byName.keys()) {
    const cycle = visit(name);
    if (cycle) return cycle;
  }
  return null;
}
