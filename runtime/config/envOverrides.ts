import { KindGuard, type TSchema } from '@sinclair/typebox';
import { closest } from '../../base/closest';
import { formatPath, isPlainObject, setIn } from '../../base/pathIssue';
import { coerceEnvValue } from './coerce';
import { envNames, resolveEnvName } from './envResolve';
import type { ConfigIssue } from './issue';
import { recordParts, variantFor } from './schemaWalk';

/** A setting replaced from outside the file, remembered so errors can name their source. */
export interface AppliedOverride {
  path: string[];
  /** The env variable name, or `override`. */
  from: string;
}

const PREFIX = 'VIGIL_';

/**
 * `VIGIL_` variables that are not settings (read by the CLI, not by the loader), so they are not
 * errors. VIGIL_TEST_KILL_WRITER_AFTER is a test hook of the event log writer thread, honoured
 * only with NODE_ENV=test (eventLogWorker.ts).
 */
const NON_CONFIG_ENV: readonly string[] = ['VIGIL_CONFIG', 'VIGIL_TEST_KILL_WRITER_AFTER'];

/**
 * Applies `VIGIL_<PATH>` variables to the raw document, in place. Names are resolved by
 * walking the schema (see {@link resolveEnvName}); values are coerced to the setting's
 * type. A variable that names no setting is an issue, not silently ignored: a typo
 * there would otherwise leave the appliance running with a setting the user thinks
 * they changed.
 */
export function applyEnvOverrides(
  schema: TSchema,
  raw: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): { applied: AppliedOverride[]; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const targets: { name: string; text: string; path: string[]; schema: TSchema }[] = [];
  for (const [name, text] of Object.entries(env)) {
    if (!name.startsWith(PREFIX) || text === undefined || NON_CONFIG_ENV.includes(name)) continue;
    const tokens = name
      .slice(PREFIX.length)
      .toUpperCase()
      .split('_')
      .filter((token) => token !== '');
    const target = resolveEnvName(schema, tokens, raw);
    if (target && target.path.length > 0) targets.push({ name, text, ...target });
    else {
      // Compare without the shared prefix, or every short name would look close to VIGIL_LOG.
      const near = closest(name.slice(PREFIX.length), envNames(schema, raw));
      const suggestion = near === undefined ? undefined : `${PREFIX}${near}`;
      const hint = suggestion === undefined ? '' : ` — did you mean ${suggestion}?`;
      issues.push({ path: name, message: `matches no config setting${hint}` });
    }
  }
  // Broader settings first, so VIGIL_HTTP_PORT still wins over a whole VIGIL_HTTP='{…}'.
  targets.sort((a, b) => a.path.length - b.path.length || a.name.localeCompare(b.name));
  const applied: AppliedOverride[] = [];
  for (const target of targets) {
    const coerced = coerceEnvValue(target.schema, target.text);
    if (coerced.ok) {
      materialiseDefaults(schema, raw, target.path);
      setIn(raw, target.path, coerced.value);
      applied.push({ path: target.path, from: target.name });
    } else {
      issues.push({ path: formatPath(target.path), message: coerced.message, from: target.name });
    }
  }
  return { applied, issues };
}

/**
 * Creates the absent parents of `path` from their schema defaults before a value is set
 * below them. Without this, VIGIL_DETECTORS_DEFAULT_MODEL on a file without `detectors`
 * would create `{ default: { model } }` and lose the default detector's `type`.
 */
function materialiseDefaults(
  schema: TSchema | undefined,
  node: Record<string, unknown>,
  path: readonly string[],
): void {
  const [key, ...rest] = path;
  if (key === undefined || rest.length === 0 || schema === undefined) return;
  let child: TSchema | undefined;
  if (KindGuard.IsObject(schema)) child = schema.properties[key];
  else if (KindGuard.IsRecord(schema)) child = recordParts(schema).value;
  if (child !== undefined && KindGuard.IsUnion(child)) child = variantFor(child, node[key]);
  if (node[key] === undefined && child !== undefined && isPlainObject(child.default))
    node[key] = structuredClone(child.default);
  const next = node[key];
  if (isPlainObject(next)) materialiseDefaults(child, next, rest);
}
