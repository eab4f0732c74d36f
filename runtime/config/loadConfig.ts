import { readFileSync } from 'node:fs';
import { Value } from '@sinclair/typebox/value';
import { formatPath, isPlainObject, isUnder, type PathIssue, setIn } from '../../base/pathIssue';
import { applyDefaults } from './applyDefaults';
import { showValue } from './describe';
import { type AppliedOverride, applyEnvOverrides } from './envOverrides';
import type { ConfigIssue } from './issue';
import { migrate } from './migrate';
import { applyModelFilterDefaults } from './modelFilterDefaults';
import { type Config, ConfigSchema } from './schema/index';
import { semanticIssues } from './semantic/index';
import { validate } from './validate';
import { parseYaml, type YamlSource } from './yamlSource';

/** Where a configuration comes from. Later sources win: file (or text) < env < overrides. */
export interface LoadConfigInput {
  /** YAML file to read (ignored for reading when `text` is given, but still used to name locations). */
  file?: string;
  /** YAML text, e.g. the embedded demo config. Neither `file` nor `text`: an empty config. */
  text?: string;
  /** Name for `text` in syntax-error locations; default: `file`, else `<config>`. */
  name?: string;
  /** Variables scanned for `VIGIL_<PATH>` overrides; default `process.env`. Pass `{}` to ignore the environment. */
  env?: NodeJS.ProcessEnv;
  /** Final values by dotted path, e.g. `{ 'http.port': 9090 }` (for CLI flags and tests). */
  overrides?: Readonly<Record<string, unknown>>;
}

/** A valid config with every default filled in, or every problem found. */
export type LoadConfigResult = { ok: true; config: Config } | { ok: false; errors: ConfigIssue[] };

/**
 * Reads, overrides, migrates, defaults and validates a configuration, reporting every
 * problem at once (one issue each, with its YAML line where the value came from the text).
 */
export function loadConfig(input: LoadConfigInput = {}): LoadConfigResult {
  const name = input.name ?? input.file ?? '<config>';
  let text = input.text;
  if (text === undefined && input.file !== undefined) {
    try {
      text = readFileSync(input.file, 'utf8');
    } catch (error) {
      // "ENOENT: no such file or directory, open '…'" minus the path the issue already names.
      const reason = ((error as Error).message.split(',')[0] ?? '').trim();
      return {
        ok: false,
        errors: [{ path: input.file, message: `cannot read the config file (${reason})` }],
      };
    }
  }
  const parsed = parseYaml(text ?? '', name);
  if (!parsed.ok) return { ok: false, errors: parsed.issues };
  const { source } = parsed;
  if (!isPlainObject(source.value)) {
    return {
      ok: false,
      errors: [
        {
          path: '(root)',
          message: `must be a mapping of settings (got ${showValue(source.value)})`,
          line: 1,
        },
      ],
    };
  }

  const raw = source.value;
  const env = applyEnvOverrides(ConfigSchema, raw, input.env ?? process.env);
  const applied: AppliedOverride[] = [...env.applied];
  for (const [dotted, value] of Object.entries(input.overrides ?? {})) {
    const path = dotted.split('.');
    setIn(raw, path, structuredClone(value));
    applied.push({ path, from: 'override' });
  }

  const migrated = migrate(raw);
  if (!migrated.ok) return { ok: false, errors: [locate(migrated.issue, source, applied)] };
  // Before the schema's defaults: a filter the config leaves unset gets its detector model's values.
  applyModelFilterDefaults(migrated.value);
  const value = applyDefaults(ConfigSchema, migrated.value) as Record<string, unknown>;

  const found = [...validate(ConfigSchema, value), ...semanticIssues(value)];
  if (found.length === 0 && !Value.Check(ConfigSchema, value)) found.push(...typeboxIssues(value));
  const errors = dedupe([...env.issues, ...found.map((issue) => locate(issue, source, applied))]);
  return errors.length === 0 ? { ok: true, config: value as Config } : { ok: false, errors: byLine(errors) };
}

// A setting that came from env or an override has no line in the file; name its source instead.
function locate(issue: PathIssue, source: YamlSource, applied: readonly AppliedOverride[]): ConfigIssue {
  const origin = applied
    .filter((override) => isUnder(issue.path, override.path))
    .sort((a, b) => b.path.length - a.path.length)[0];
  const path = formatPath(issue.path);
  if (origin !== undefined) return { path, message: issue.message, from: origin.from };
  const line = source.lineOf(issue.path);
  return line === undefined ? { path, message: issue.message } : { path, message: issue.message, line };
}

// Safety net: the walker in validate.ts should catch everything Value.Check does; if a
// schema keyword slips through it, TypeBox's own messages are still better than accepting.
function typeboxIssues(value: unknown): PathIssue[] {
  return [...Value.Errors(ConfigSchema, value)].map((error) => ({
    path: error.path
      .split('/')
      .slice(1)
      .map((segment) =>
        /^\d+$/.test(segment) ? Number(segment) : segment.replaceAll('~1', '/').replaceAll('~0', '~'),
      ),
    message: error.message,
  }));
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}\u0000${issue.from ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// File order reads best; issues without a line (env, overrides) keep their order at the end.
function byLine(issues: ConfigIssue[]): ConfigIssue[] {
  const rank = (issue: ConfigIssue) => issue.line ?? Number.MAX_SAFE_INTEGER;
  return [...issues].sort((a, b) => rank(a) - rank(b));
}
