import { RequestError } from '../../../base/requestError';

/**
 * Reads a time given as epoch milliseconds (number or digit string) or an ISO 8601 date-time.
 * Anything else is a 400 naming `field`, so `since=yesterday` is an error rather than "no filter".
 */
export function parseTime(value: number | string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) return value;
  } else if (/^\d{1,16}$/.test(value)) {
    return Number(value);
  } else if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    // Date.parse alone accepts loose forms ("1", "May 5") that would silently mean something else.
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new RequestError(
    'invalid',
    `${field}: '${String(value).slice(0, 40)}' is not a time — use epoch milliseconds or ISO 8601 (2024-05-01T12:00:00Z)`,
    field,
  );
}
