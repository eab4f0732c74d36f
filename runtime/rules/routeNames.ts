import { closest } from '../../base/closest';
import { NAME_PATTERN } from '../../base/schema';

/** Channels named by a plain word. */
const PLAIN_CHANNELS = ['web', 'mqtt', 'clip'] as const;
/** Channels named `<kind>:<target>`: a configured webhook or GPIO output. */
const TARGETED_CHANNELS = ['webhook', 'gpio'] as const;

/** A route name taken apart. */
export type ParsedRoute =
  | { kind: (typeof PLAIN_CHANNELS)[number] }
  | { kind: (typeof TARGETED_CHANNELS)[number]; target: string };

/** What exists to route to; a list left out is not checked (e.g. webhooks before they are configured). */
export interface RouteTargets {
  /** Names of the configured GPIO outputs (direction: output). */
  gpioOutputs?: readonly string[];
  /** Names of the configured webhooks. */
  webhooks?: readonly string[];
}

const TARGET = new RegExp(NAME_PATTERN);

/** Parses `web`, `gpio:siren`, `webhook:ops`…; undefined when the name is not a route. */
export function parseRoute(route: string): ParsedRoute | undefined {
  const plain = PLAIN_CHANNELS.find((kind) => kind === route);
  if (plain !== undefined) return { kind: plain };
  const colon = route.indexOf(':');
  const kind = TARGETED_CHANNELS.find((name) => name === route.slice(0, colon));
  const target = route.slice(colon + 1);
  return kind !== undefined && TARGET.test(target) ? { kind, target } : undefined;
}

function missingTarget(route: string, what: string, known: readonly string[], fix: string): string {
  const have = known.length === 0 ? `no ${what}s are configured` : `configured: ${known.join(', ')}`;
  return `'${route}' names no ${what} (${have}) — ${fix}`;
}

/** Why `route` cannot be delivered to, or undefined when it can. */
export function routeIssue(route: string, targets: RouteTargets): string | undefined {
  const parsed = parseRoute(route);
  if (parsed === undefined) {
    const suggestion = closest(route.split(':')[0] ?? route, [...PLAIN_CHANNELS, ...TARGETED_CHANNELS]);
    const hint = suggestion === undefined ? '' : ` — did you mean '${suggestion}'?`;
    return `unknown route '${route}'${hint} — use web, mqtt, clip, webhook:<name> or gpio:<output>`;
  }
  if (parsed.kind === 'gpio' && targets.gpioOutputs && !targets.gpioOutputs.includes(parsed.target)) {
    const fix = `add gpio.${parsed.target} with direction: output, or route to one that exists`;
    return missingTarget(route, 'gpio output', targets.gpioOutputs, fix);
  }
  if (parsed.kind === 'webhook' && targets.webhooks && !targets.webhooks.includes(parsed.target)) {
    const fix = `add events.webhooks.${parsed.target}, or route to one that exists`;
    return missingTarget(route, 'webhook', targets.webhooks, fix);
  }
  return undefined;
}
