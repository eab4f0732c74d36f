import { RequestError } from '../../../base/requestError';

/**
 * Opaque page cursors: the sort key of the last row a page returned, as base64url JSON. Clients
 * must not build them, so the format may change; a cursor that does not decode is a 400 naming
 * `cursor`, never a 500.
 */
export function encodeCursor(key: readonly number[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** Decodes a cursor made by {@link encodeCursor} holding exactly `length` integers. */
export function decodeCursor(cursor: string, length: number): number[] {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (err) {
    throw new RequestError(
      'invalid',
      `cursor: not a cursor from this API (${describe(err)}) — pass next_cursor unchanged`,
      'cursor',
    );
  }
  if (!Array.isArray(key) || key.length !== length || !key.every((n) => Number.isSafeInteger(n))) {
    throw new RequestError(
      'invalid',
      'cursor: not a cursor from this API — pass next_cursor unchanged',
      'cursor',
    );
  }
  return key as number[];
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
