import { SEVERITIES, type Severity } from '../domain/eventModel';
import type { FieldRoot } from './fieldRoots';
import type { ConditionOp } from './ruleSchema';

/** A compiled test of one field's value. */
export type Predicate = (actual: unknown) => boolean;

type OperatorFactory = (value: unknown, root: FieldRoot) => Predicate;

const SLASHED = /^\/(.*)\/([a-z]*)$/s;

/**
 * A condition's regex: a plain pattern (`^front`), or `/pattern/flags` for flags such
 * as `i`. Throws SyntaxError for a bad pattern, and for the `g` and `y` flags, which make
 * `test()` stateful so the same event could match once and not the next time.
 */
export function parseRegex(source: string): RegExp {
  const slashed = SLASHED.exec(source);
  const pattern = slashed?.[1] ?? source;
  const flags = slashed?.[2] ?? '';
  if (/[gy]/.test(flags)) throw new SyntaxError(`flag '${flags.match(/[gy]/)?.[0]}' is not allowed here`);
  return new RegExp(pattern, flags);
}

/** null, undefined and an empty list count as "not there": only `exists: false` matches them. */
function isMissing(value: unknown): boolean {
  return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
}

// Severities compare by urgency, so `severity gte high` means high or critical.
function toNumber(root: FieldRoot, value: unknown): number | undefined {
  if (root.kind === 'severity') {
    const rank = SEVERITIES.indexOf(value as Severity);
    return rank === -1 ? undefined : rank;
  }
  return typeof value === 'number' && !Number.isNaN(value) ? value : undefined;
}

function comparison(test: (actual: number, target: number) => boolean): OperatorFactory {
  return (value, root) => {
    const target = toNumber(root, value);
    return (actual) => {
      const number = toNumber(root, actual);
      return number !== undefined && target !== undefined && test(number, target);
    };
  };
}

function range(value: unknown, root: FieldRoot): Predicate {
  const [low, high] = Array.isArray(value) ? value.map((bound) => toNumber(root, bound)) : [];
  if (low === undefined || high === undefined) return () => false;
  const wraps = root.wraps === true && low > high;
  return (actual) => {
    const number = toNumber(root, actual);
    if (number === undefined) return false;
    return wraps ? number >= low || number <= high : number >= low && number <= high;
  };
}

/**
 * How each operator tests a field. Every operator except `exists` is false for a missing
 * field. There is no type coercion: the string '5' is not the number 5. On a list field
 * (zones, tags) `contains` and `in` test membership and `regex` matches any element.
 */
export const OPERATORS: Readonly<Record<ConditionOp, OperatorFactory>> = {
  eq: (value) => (actual) => !isMissing(actual) && actual === value,
  neq: (value) => (actual) => !isMissing(actual) && actual !== value,
  gt: comparison((actual, target) => actual > target),
  gte: comparison((actual, target) => actual >= target),
  lt: comparison((actual, target) => actual < target),
  lte: comparison((actual, target) => actual <= target),
  contains: (value) => (actual) => {
    if (typeof actual === 'string') return typeof value === 'string' && actual.includes(value);
    return Array.isArray(actual) && actual.includes(value);
  },
  regex: (value) => {
    const pattern = parseRegex(String(value));
    return (actual) => {
      if (typeof actual === 'string') return pattern.test(actual);
      return Array.isArray(actual) && actual.some((item) => typeof item === 'string' && pattern.test(item));
    };
  },
  in: (value) => {
    const allowed = new Set(Array.isArray(value) ? value : [value]);
    return (actual) => {
      if (Array.isArray(actual)) return actual.some((item) => allowed.has(item));
      return !isMissing(actual) && allowed.has(actual);
    };
  },
  range,
  exists: (value) => {
    const wanted = value !== false;
    return (actual) => isMissing(actual) !== wanted;
  },
};
