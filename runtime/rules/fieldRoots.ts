import type { Severity, VigilEvent } from '../domain/eventModel';
import type { RuleContext } from './decision';

/** What a condition sees: the event, the alarm state, and what earlier rules decided so far. */
export interface RuleView {
  readonly event: VigilEvent;
  readonly context: RuleContext;
  readonly severity: Severity;
  readonly tags: readonly string[];
  readonly set: Readonly<Record<string, unknown>>;
}

/** The type of value a field holds, which decides the operators and values that make sense. */
export type FieldKind = 'string' | 'number' | 'severity' | 'list' | 'any';

/** Named sets of values a field may take, so a typo in a rule's value is caught at load. */
export type FieldChoices = 'event_types' | 'severities' | 'modes';

/** One top-level field a condition can name. */
export interface FieldRoot {
  readonly kind: FieldKind;
  readonly read: (view: RuleView) => unknown;
  readonly choices?: FieldChoices;
  /** `range: [min, max]` with min > max wraps around: hour [22, 6] is 22:00 to 06:59. */
  readonly wraps?: boolean;
  /** Only `data` has sub-fields (`data.face.name`). */
  readonly nested?: boolean;
}

// Rule fields use the config's snake_case, not VigilEvent's camelCase: users write them in YAML.
// severity and tags are the running values, so a rule ordered `after` another sees its effect.
/** Every field root a condition may name, by name. */
export const FIELD_ROOTS: Readonly<Record<string, FieldRoot>> = {
  id: { kind: 'string', read: (view) => view.event.id },
  type: { kind: 'string', read: (view) => view.event.type, choices: 'event_types' },
  source: { kind: 'string', read: (view) => view.event.source },
  camera: { kind: 'string', read: (view) => view.event.camera },
  zones: { kind: 'list', read: (view) => view.event.zones },
  label: { kind: 'string', read: (view) => view.event.label },
  object_id: { kind: 'string', read: (view) => view.event.objectId },
  incident_id: { kind: 'string', read: (view) => view.event.incidentId },
  correlation_id: { kind: 'string', read: (view) => view.event.correlationId },
  parent_id: { kind: 'string', read: (view) => view.event.parentId },
  confidence: { kind: 'number', read: (view) => view.event.confidence },
  timestamp: { kind: 'number', read: (view) => view.event.timestamp },
  severity: { kind: 'severity', read: (view) => view.severity, choices: 'severities' },
  tags: { kind: 'list', read: (view) => view.tags },
  data: { kind: 'any', read: (view) => ({ ...view.event.data, ...view.set }), nested: true },
  mode: { kind: 'string', read: (view) => view.context.mode, choices: 'modes' },
  hour: { kind: 'number', read: (view) => view.context.hour, wraps: true },
};

/** A field path resolved to its root and a reader, or why it cannot be. */
export type ResolvedField =
  | { ok: true; rootName: string; root: FieldRoot; read: (view: RuleView) => unknown }
  | { ok: false; rootName: string; reason: string };

function child(value: unknown, key: string): unknown {
  if (Array.isArray(value)) return /^\d+$/.test(key) ? value[Number(key)] : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  return Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

// A value set by an earlier rule hides the event's own; only the first key can be set.
function dataReader(keys: readonly string[]): (view: RuleView) => unknown {
  const [first = '', ...rest] = keys;
  return (view) => {
    let value = Object.hasOwn(view.set, first) ? view.set[first] : child(view.event.data, first);
    for (const key of rest) value = child(value, key);
    return value;
  };
}

/** Resolves a dotted field path such as `camera` or `data.face.name`. */
export function resolveField(field: string): ResolvedField {
  const [rootName = '', ...rest] = field.split('.');
  // hasOwn: `toString` must not resolve to Object.prototype's.
  const root = Object.hasOwn(FIELD_ROOTS, rootName) ? FIELD_ROOTS[rootName] : undefined;
  if (root === undefined) return { ok: false, rootName, reason: 'unknown' };
  if (rest.length === 0) return { ok: true, rootName, root, read: root.read };
  if (!root.nested || rest.some((key) => key === '')) {
    return { ok: false, rootName, reason: root.nested ? 'empty' : 'flat' };
  }
  return { ok: true, rootName, root, read: dataReader(rest) };
}
