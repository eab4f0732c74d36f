import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VigilProcess } from '../../../helpers/vigilProcess';
import { runVigil } from '../../events/e2e/e2eKit';

/**
 * Helpers for the live stream's end-to-end tests and `npm run bench:web`: a `vigil run` config on
 * a free port, distinct events to post, and metric reads over the API.
 */

export interface StreamConfigOptions {
  /** The `http.stream` block. */
  stream?: string;
  /** The `http.auth` block; default: auth off. */
  auth?: string;
  /** `events.workers`; default 1: events are routed, and so streamed, in the order they were stored. */
  workers?: number;
  /** More YAML. */
  extra?: string;
}

/** Writes `config.yaml` in `dir`: data under `dir/data`, HTTP on 127.0.0.1:`port`, MQTT off, auth off. */
export function writeStreamConfig(dir: string, port: number, options: StreamConfigOptions = {}): string {
  const file = join(dir, 'config.yaml');
  const stream = options.stream ? `, stream: ${options.stream}` : '';
  writeFileSync(
    file,
    [
      'device: { id: ws-pi, name: Stream Pi }',
      `data_dir: ${join(dir, 'data')}`,
      `http: { host: 127.0.0.1, port: ${port}, auth: ${options.auth ?? '{ enabled: false }'}${stream} }`,
      'mqtt: { enabled: false }',
      `events: { workers: ${options.workers ?? 1} }`,
      'log: { level: info }',
      options.extra ?? '',
    ].join('\n'),
  );
  return file;
}

/** A running appliance and its URLs. */
export interface Appliance {
  vigil: VigilProcess;
  base: string;
  /** `ws://…/api/v1/ws` with `query` appended. */
  ws: (query?: string) => string;
}

export async function startAppliance(config: string, port: number): Promise<Appliance> {
  const vigil = await runVigil(config);
  return {
    vigil,
    base: `http://127.0.0.1:${port}`,
    ws: (query = '') => `ws://127.0.0.1:${port}/api/v1/ws${query}`,
  };
}

/**
 * A distinct sensor event (its own id and label, so no dedup rule folds it into another);
 * `padBytes` of filler in `data` make it big (at most 16 KiB of data are accepted).
 */
export function sensorEvent(run: string, n: number, padBytes = 0): Record<string, unknown> {
  return {
    id: `${run}-${n}`,
    type: 'sensor',
    label: `door-${run}-${n}`,
    source: 'gpio:door',
    data: { state: 'open', n, ...(padBytes > 0 ? { pad: 'p'.repeat(padBytes) } : {}) },
  };
}

/** One posted event: its id, when the request was sent and when it was answered 201 (`performance.now()`). */
export interface Posted {
  id: string;
  sentAt: number;
  ackedAt: number;
}

/**
 * Posts `count` events with `concurrency` requests in flight (1: each answered 201 before the
 * next is sent, so the posting order is the storing order); returns them in the order sent.
 */
export async function postEventsTimed(
  base: string,
  run: string,
  count: number,
  options: { padBytes?: number; concurrency?: number; headers?: Record<string, string> } = {},
): Promise<Posted[]> {
  const posted: Posted[] = [];
  let next = 0;
  const poster = async () => {
    while (next < count) {
      const body = sensorEvent(run, next++, options.padBytes);
      const entry = { id: String(body.id), sentAt: performance.now(), ackedAt: 0 };
      posted.push(entry);
      const response = await fetch(`${base}/api/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...options.headers },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      if (response.status !== 201)
        throw new Error(`POST /api/v1/events answered ${response.status}: ${text}`);
      entry.ackedAt = performance.now();
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 1 }, poster));
  return posted;
}

/** Posts `count` events one after another (each answered 201 before the next); returns their ids in order. */
export async function postEvents(base: string, run: string, count: number, padBytes = 0): Promise<string[]> {
  return (await postEventsTimed(base, run, count, { padBytes })).map((p) => p.id);
}

/** The `q` quantile (0..1) of `values`, by nearest rank; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

/**
 * For each posted event, ms from its 201 answer until the last of `clients` received it
 * (`undefined` entries for events some client never got).
 */
export function deliveryLatencies(
  posted: readonly Posted[],
  clients: ReadonlyArray<{ received: ReadonlyArray<{ id: string | undefined; at: number }> }>,
): number[] {
  const lastArrival = new Map<string, number>();
  const seen = new Map<string, number>();
  for (const client of clients) {
    for (const message of client.received) {
      if (message.id === undefined) continue;
      seen.set(message.id, (seen.get(message.id) ?? 0) + 1);
      lastArrival.set(message.id, Math.max(lastArrival.get(message.id) ?? 0, message.at));
    }
  }
  return posted
    .filter((p) => seen.get(p.id) === clients.length)
    .map((p) => Math.max(0, (lastArrival.get(p.id) ?? p.ackedAt) - p.ackedAt));
}

/** One metric from `GET /api/v1/metrics` (counters and gauges; first label set), 0 when absent. */
export async function metricValue(base: string, name: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}/api/v1/metrics`, { headers });
  const snapshot = (await response.json()) as {
    counters: Record<string, Array<{ value: number }>>;
    gauges: Record<string, Array<{ value: number }>>;
  };
  return (snapshot.counters[name] ?? snapshot.gauges[name])?.[0]?.value ?? 0;
}
