import { closest } from '../../base/closest';
import type { PathSegment } from '../../base/pathIssue';
import { EVENT_TYPES, SEVERITIES } from '../domain/eventModel';
import { FIELD_ROOTS, type FieldChoices, type FieldKind, type FieldRoot, resolveField } from './fieldRoots';
import { parseRegex } from './operators';
import type { RuleConditionConfig } from './ruleSchema';

/** A problem in one condition, at a path relative to the condition. */
export interface ConditionIssue {
  path: PathSegment[];
  message: string;
}

const KIND_WORDS: Readonly<Record<FieldKind, string>> = {
  string: 'text',
  number: 'a number',
  severity: 'a severity',
  list: 'a list',
  any: 'any value',
};

const ORDERING_OPS: ReadonlySet<string> = new Set(['gt', 'gte', 'lt', 'lte', 'range']);

function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

function choicesOf(
  choices: FieldChoices,
  modes: readonly string[],
): { what: string; values: readonly string[] } {
  if (choices === 'event_types') return { what: 'an event type', values: EVENT_TYPES };
  if (choices === 'severities') return { what: 'a severity', values: SEVERITIES };
  return { what: 'one of alarm.modes', values: modes };
}

function choiceIssue(root: FieldRoot, value: unknown, modes: readonly string[]): string | undefined {
  if (root.choices === undefined || typeof value !== 'string') return undefined;
  const { what, values } = choicesOf(root.choices, modes);
  if (values.includes(value)) return undefined;
  const suggestion = closest(value, values);
  const hint = suggestion === undefined ? ` (${values.join(', ')})` : ` — did you mean '${suggestion}'?`;
  return `${show(value)} is not ${what}${hint}`;
}

// One value compared with the field: its type must fit the field's, and a named choice must exist.
function valueIssue(
  field: string,
  root: FieldRoot,
  value: unknown,
  modes: readonly string[],
): string | undefined {
  if (Array.isArray(value)) return `must be a single value, not a list (got ${show(value)})`;
  if (root.kind === 'number' && typeof value !== 'number') {
    return `'${field}' is a number, so compare it with a number (got ${show(value)})`;
  }
  if (root.kind === 'severity' && typeof value !== 'string') {
    return `'${field}' is a severity: one of ${SEVERITIES.join(', ')} (got ${show(value)})`;
  }
  if ((root.kind === 'string' || root.kind === 'list') && typeof value !== 'string') {
    return `'${field}' holds text: write ${show(value)} as a quoted string, '${String(value)}'`;
  }
  return choiceIssue(root, value, modes);
}

function opIssue(field: string, root: FieldRoot, op: string): string | undefined {
  const kind = root.kind;
  if ((op === 'eq' || op === 'neq') && kind === 'list') {
    return `'${field}' is a list: use contains (one value) or in (any of several) instead of ${op}`;
  }
  if (ORDERING_OPS.has(op) && (kind === 'string' || kind === 'list')) {
    return `'${field}' is ${KIND_WORDS[kind]}, so ${op} cannot order it — use eq, in or regex`;
  }
  if ((op === 'contains' || op === 'regex') && (kind === 'number' || kind === 'severity')) {
    return `'${field}' is ${KIND_WORDS[kind]}, so ${op} does not apply — use eq, in, gt/lt or range`;
  }
  return undefined;
}

function listIssues(
  condition: RuleConditionConfig,
  root: FieldRoot,
  modes: readonly string[],
): ConditionIssue[] {
  const { field, op, value } = condition;
  if (op === 'in') {
    if (!Array.isArray(value) || value.length === 0) {
      return [
        {
          path: ['value'],
          message: `in needs a list of values, e.g. [porch, driveway] (got ${show(value)})`,
        },
      ];
    }
  } else if (!Array.isArray(value) || value.length !== 2) {
    const example = root.kind === 'severity' ? '[medium, critical]' : '[0.5, 0.9]';
    return [
      {
        path: ['value'],
        message: `range needs [min, max]: two values, e.g. ${example} (got ${show(value)})`,
      },
    ];
  }
  const issues = value.flatMap((item, index) => {
    const message = valueIssue(field, root, item, modes);
    return message === undefined ? [] : [{ path: ['value', index], message }];
  });
  if (op === 'range' && issues.length === 0 && root.wraps !== true) {
    const [low, high] = value.map((bound) =>
      root.kind === 'severity' ? SEVERITIES.indexOf(bound as never) : bound,
    );
    if ((low as number) > (high as number)) {
      issues.push({
        path: ['value'],
        message: `range min is above max — write [${show(value[1])}, ${show(value[0])}]`,
      });
    }
  }
  return issues;
}

function valueIssues(
  condition: RuleConditionConfig,
  root: FieldRoot,
  modes: readonly string[],
): ConditionIssue[] {
  const { field, op, value } = condition;
  if (op === 'exists') {
    if (value === undefined || typeof value === 'boolean') return [];
    return [{ path: ['value'], message: `exists takes true, false or no value (got ${show(value)})` }];
  }
  if (value === undefined)
    return [{ path: [], message: `missing required key 'value' — ${op} compares with it` }];
  if (op === 'in' || op === 'range') return listIssues(condition, root, modes);
  if (op === 'regex') {
    if (typeof value !== 'string')
      return [{ path: ['value'], message: `regex needs a pattern string (got ${show(value)})` }];
    try {
      parseRegex(value);
      return [];
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      return [
        {
          path: ['value'],
          message: `invalid regex ${show(value)}: ${error.message} — fix the pattern (plain, or /pattern/i)`,
        },
      ];
    }
  }
  // contains looks for part of a value, so the field's named choices do not apply to it.
  const message = valueIssue(field, op === 'contains' ? { ...root, choices: undefined } : root, value, modes);
  return message === undefined ? [] : [{ path: ['value'], message }];
}

/** Problems with one condition: an unknown field, an operator that does not fit it, a bad value. */
export function conditionIssues(condition: RuleConditionConfig, modes: readonly string[]): ConditionIssue[] {
  const resolved = resolveField(condition.field);
  if (!resolved.ok) {
    const { rootName, reason } = resolved;
    if (reason === 'flat') {
      return [{ path: ['field'], message: `'${rootName}' has no sub-fields; only data.<key>… has them` }];
    }
    if (reason === 'empty') {
      return [
        { path: ['field'], message: `'${condition.field}' has an empty part — write data.<key>.<key>` },
      ];
    }
    const names = Object.keys(FIELD_ROOTS);
    const suggestion = closest(rootName, names);
    const hint = suggestion === undefined ? `valid: ${names.join(', ')}` : `did you mean '${suggestion}'?`;
    return [{ path: ['field'], message: `unknown field '${condition.field}' — ${hint}` }];
  }
  const wrongOp = opIssue(condition.field, resolved.root, condition.op);
  if (wrongOp !== undefined) return [{ path: ['op'], message: wrongOp }];
  // Ordering a data field only works on numbers, so its values must be numbers.
  const ordered = ORDERING_OPS.has(condition.op) && resolved.root.kind === 'any';
  const root: FieldRoot = ordered ? { ...resolved.root, kind: 'number' } : resolved.root;
  return valueIssues(condition, root, modes);
}
