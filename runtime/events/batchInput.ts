import { isUtf8 } from 'node:buffer';
import { RequestError } from '../../base/requestError';
import type { BatchItemResult } from './eventIngest';
import { EventValidationError } from './eventValidation';

/** Most events in one batch, over HTTP (a JSON array or NDJSON lines) and MQTT alike. */
export const MAX_BATCH_ITEMS = 1000;

/** The answer to a batch: one result per item, in order, and their counts. */
export interface BatchAnswer {
  results: BatchItemResult[];
  created: number;
  duplicates: number;
  errors: number;
}

export function batchAnswer(results: BatchItemResult[]): BatchAnswer {
  let created = 0;
  let duplicates = 0;
  for (const result of results) {
    if (result.status === 'created') created += 1;
    else if (result.status === 'duplicate') duplicates += 1;
  }
  return { results, created, duplicates, errors: results.length - created - duplicates };
}

/** A parsed JSON body's items: it must be a non-empty array of at most MAX_BATCH_ITEMS. */
export function arrayItems(body: unknown): unknown[] {
  if (!Array.isArray(body))
    throw new RequestError('invalid', 'the body must be a JSON array of events (or NDJSON lines)', 'body');
  return checkCount(body.length, body);
}

/**
 * One event per line (blank lines skipped), its bytes already bounded by the caller. The lines
 * are counted before any is parsed; a line that is not JSON becomes that item's error (an
 * EventValidationError the ingest answers for it), so the other lines are still taken.
 */
export function ndjsonItems(bytes: Buffer): unknown[] {
  if (!isUtf8(bytes))
    throw new RequestError('invalid', 'the body is not valid UTF-8; send NDJSON encoded as UTF-8', 'body');
  let newlines = 0;
  for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) newlines += 1;
  if (newlines > MAX_BATCH_ITEMS) checkCount(newlines, []);
  const lines = bytes
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  return checkCount(lines.length, lines).map(parseLine);
}

/** A JSON array (`[`…) or NDJSON, told apart by the first character. */
export function batchItemsOfText(bytes: Buffer): unknown[] {
  const text = bytes.toString('utf8').trimStart();
  if (!text.startsWith('[')) return ndjsonItems(bytes);
  let body: unknown;
  try {
    body = JSON.parse(text, noProto);
  } catch (err) {
    throw new RequestError('invalid', `payload: is not valid JSON (${(err as Error).message})`, 'payload');
  }
  return arrayItems(body);
}

function checkCount<T>(count: number, items: T[]): T[] {
  if (count === 0) throw new RequestError('invalid', 'the batch is empty; send at least one event', 'body');
  if (count > MAX_BATCH_ITEMS)
    throw new RequestError(
      'invalid',
      `the batch has ${count} events (or lines); at most ${MAX_BATCH_ITEMS} are taken at once — split it`,
      'body',
    );
  return items;
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line, noProto);
  } catch (err) {
    return new EventValidationError(
      'body',
      `is not JSON (${(err as Error).message}); send one JSON event per line`,
    );
  }
}

/** As fastify's own JSON parser: a `__proto__` or `constructor.prototype` key refuses the input. */
function noProto(key: string, value: unknown): unknown {
  const prototype =
    key === 'constructor' && typeof value === 'object' && value !== null && 'prototype' in value;
  if (key === '__proto__' || prototype) throw new Error(`the key '${key}' is not accepted`);
  return value;
}
