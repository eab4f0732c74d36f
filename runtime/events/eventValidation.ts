import { TypeCompiler } from '@sinclair/typebox/compiler';
import { EVENT_TYPES, type EventInput, EventInputSchema, SEVERITIES } from './eventModel';

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

/**
 * Checks an event from any producer against the one event schema plus the limits a schema
 * cannot say (size and depth of `data`, a parseable timestamp not far in the future).
 * Returns the event with its timestamp as epoch ms; throws naming the first bad field.
 */
export function validateEventInput(body: unknown, now: number): EventInput & { timestamp?: number } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new EventValidationError('body', 'must be a JSON object describing one event');
  }
  const first = eventInputCheck.Check(body) ? undefined : eventInputCheck.Errors(body).First();
  if (first) {
    const field = fieldOf(first.path);
    throw new EventValidationError(field, CLOSED_SETS[field] ?? describe(first.message, first.value));
  }
  const input = body as EventInput;
  if (input.data !== undefined) checkData(input.data);
  if (input.box && (input.box[2] <= input.box[0] || input.box[3] <= input.box[1])) {
    throw new EventValidationError('box', 'must be [x1, y1, x2, y2] with x2 > x1 and y2 > y1');
  }
  const timestamp = input.timestamp === undefined ? undefined : parseTimestamp(input.timestamp, now);
  return { ...input, timestamp };
}

function checkData(data: Record<string, unknown>): void {
  const bytes = Buffer.byteLength(JSON.stringify(data));
  if (bytes > MAX_DATA_BYTES)
    throw new EventValidationError('data', `is ${bytes} bytes; at most ${MAX_DATA_BYTES} are accepted`);
  const depth = depthOf(data, 0);
  if (depth > MAX_DATA_DEPTH)
    throw new EventValidationError('data', `is nested ${depth} levels deep; at most ${MAX_DATA_DEPTH}`);
}

function depthOf(value: unknown, depth: number): number {
  if (value === null || typeof value !== 'object') return depth;
  if (depth > MAX_DATA_DEPTH) return depth;
  let deepest = depth + 1;
  for (const child of Object.values(value)) deepest = Math.max(deepest, depthOf(child, depth + 1));
  return deepest;
}

function parseTimestamp(value: number | string, now: number): number {
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms))
    throw new EventValidationError('timestamp', `'${value}' is not an ISO 8601 date-time`);
  if (ms > now + MAX_FUTURE_MS)
    throw new EventValidationError('timestamp', 'is more than a day in the future; check the sender clock');
  return ms;
}

function fieldOf(pointer: string): string {
  const parts = pointer.split('/').filter(Boolean);
  return parts.length === 0 ? 'body' : parts.join('.');
}

function describe(message: string, value: unknown): string {
  if (message.startsWith('Unexpected property')) return 'is not a known event field';
  const shown = typeof value === 'string' ? `'${value.slice(0, 40)}'` : JSON.stringify(value)?.slice(0, 40);
  return `${message.charAt(0).toLowerCase()}${message.slice(1)} (got ${shown})`;
}
