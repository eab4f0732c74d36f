import { TypeCompiler } from '@sinclair/typebox/compiler';
import { fieldPath } from '../../base/fieldPath';
import { EVENT_TYPES, type EventInput, EventInputSchema, SEVERITIES } from '../domain/eventModel';

/** Fields with a closed set of values get the list instead of TypeBox's "expected union value". */
const CLOSED_SETS: Record<string, string> = {
  type: `must be one of: ${EVENT_TYPES.join(', ')}`,
  severity: `must be one of: ${SEVERITIES.join(', ')}`,
  timestamp: 'must be epoch milliseconds or an ISO 8601 date-time string',
};

/** Compiled once: validating every event is on the hot path. */
const eventInputCheck = TypeCompiler.Compile(EventInputSchema);

const MAX_DATA_BYTES = 16 * 1024;
const MAX_DATA_DEPTH = 8;
const MAX_DATA_KEY = 64;
const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;

/** An event that cannot be accepted; `field` names the offending input (dotted path). */
export class EventValidationError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'EventValidationError';
  }
}

const MALFORMED = 'contains an unpaired UTF-16 surrogate (\\ud800-\\udfff); send well-formed text';

/** A valid event as sent, with its timestamp as epoch ms and its `data` as the JSON that is stored. */
export interface ValidEventInput {
  input: EventInput;
  timestamp: number | undefined;
  dataJson: string;
}

/**
 * Checks an event from any producer against the one event schema plus the limits a schema
 * cannot say (size and depth of `data`, well-formed text, a parseable timestamp not far in the
 * future). Throws naming the first bad field.
 */
export function validateEventInput(body: unknown, now: number): ValidEventInput {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new EventValidationError('body', 'must be a JSON object describing one event');
  }
  const first = eventInputCheck.Check(body) ? undefined : eventInputCheck.Errors(body).First();
  if (first) {
    const field = fieldPath(first.path, 'body');
    const closed = Object.hasOwn(CLOSED_SETS, field) ? CLOSED_SETS[field] : undefined;
    throw new EventValidationError(field, closed ?? describe(first.message, first.value));
  }
  const input = body as EventInput;
  for (const field of TEXT_FIELDS) {
    const value = input[field];
    if (typeof value === 'string' && !isWellFormed(value)) throw new EventValidationError(field, MALFORMED);
  }
  checkZones(input.zones);
  const dataJson = input.data === undefined ? '{}' : checkData(input.data);
  if (input.box && (input.box[2] <= input.box[0] || input.box[3] <= input.box[1])) {
    throw new EventValidationError('box', 'must be [x1, y1, x2, y2] with x2 > x1 and y2 > y1');
  }
  const timestamp = input.timestamp === undefined ? undefined : parseTimestamp(input.timestamp, now);
  return { input, timestamp, dataJson };
}

/** The schema's text fields outside data and zones (it allows no other fields). */
const TEXT_FIELDS = [
  'id',
  'type',
  'timestamp',
  'source',
  'camera',
  'label',
  'object_id',
  'correlation_id',
  'parent_id',
  'severity',
] as const satisfies ReadonlyArray<keyof EventInput>;

/** Each zone once (checked here rather than by the schema's uniqueItems, which hashes every array). */
function checkZones(zones: readonly string[] | undefined): void {
  if (zones === undefined || zones.length === 0) return;
  if (!zones.every(isWellFormed)) throw new EventValidationError('zones', MALFORMED);
  if (zones.length > 1 && new Set(zones).size !== zones.length)
    throw new EventValidationError('zones', 'names a zone more than once; list each zone once');
}

/** Checks `data` in one walk (depth first: serialising a hostile, very deep value would overflow the stack), then its size; returns its JSON. */
function checkData(data: Record<string, unknown>): string {
  const longKey = Object.keys(data).find((key) => key.length > MAX_DATA_KEY);
  if (longKey !== undefined)
    throw new EventValidationError(
      `data.${longKey.slice(0, 20)}…`,
      `keys are at most ${MAX_DATA_KEY} characters`,
    );
  const problem = dataProblem(data, 1);
  if (problem === 'too deep')
    throw new EventValidationError('data', `is nested more than ${MAX_DATA_DEPTH} levels deep; flatten it`);
  if (problem !== undefined) throw new EventValidationError(['data', ...problem].join('.'), MALFORMED);
  const json = JSON.stringify(data);
  // A UTF-16 unit is at most 3 bytes of UTF-8: short JSON needs no counting.
  const bytes = json.length * 3 <= MAX_DATA_BYTES ? json.length : Buffer.byteLength(json);
  if (bytes > MAX_DATA_BYTES)
    throw new EventValidationError('data', `is ${bytes} bytes; at most ${MAX_DATA_BYTES} are accepted`);
  return json;
}

/**
 * What is wrong inside a `data` value at `depth`: 'too deep', or the path (keys, built only on
 * the way back) to the first text with a lone surrogate (JSON escapes get past the UTF-8 check).
 */
function dataProblem(value: unknown, depth: number): 'too deep' | string[] | undefined {
  if (typeof value === 'string') return isWellFormed(value) ? undefined : [];
  if (value === null || typeof value !== 'object') return undefined;
  if (depth > MAX_DATA_DEPTH) return 'too deep';
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!isWellFormed(key)) return [key];
    const problem = dataProblem(record[key], depth + 1);
    if (problem === 'too deep') return problem;
    if (problem !== undefined) {
      problem.unshift(key);
      return problem;
    }
  }
  return undefined;
}

function isWellFormed(text: string): boolean {
  // String.prototype.isWellFormed (ES2024) is in Node 20 but not in the ES2023 lib typings.
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
}

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseTimestamp(value: number | string, now: number): number {
  const ms = typeof value === 'number' ? value : parseIso(value);
  if (ms === undefined || !Number.isFinite(ms) || ms < 0)
    throw new EventValidationError(
      'timestamp',
      `'${value}' is not an ISO 8601 date-time with a zone, e.g. 2026-11-23T12:00:00Z`,
    );
  if (ms > now + MAX_FUTURE_MS)
    throw new EventValidationError('timestamp', 'is more than a day in the future; check the sender clock');
  return ms;
}

/** Only full ISO 8601 with a zone, and only real calendar dates (Date.parse would take 'Feb 30'). */
function parseIso(text: string): number | undefined {
  const match = ISO_DATE_TIME.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return undefined;
  return Date.parse(text);
}

function describe(message: string, value: unknown): string {
  if (message.startsWith('Unexpected property')) return 'is not a known event field';
  const shown = typeof value === 'string' ? `'${value.slice(0, 40)}'` : JSON.stringify(value)?.slice(0, 40);
  return `${message.charAt(0).toLowerCase()}${message.slice(1)} (got ${shown})`;
}
