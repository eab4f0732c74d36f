import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startVigil, type VigilProcess } from '../../../helpers/vigilProcess';

/**
 * Helpers for the end-to-end event tests: a config file for `vigil run` on a free port with its
 * data in a temporary directory, start/stop of the real process, and a read-only look at its
 * database.
 */

/**
 * Writes `config.yaml` in `dir` (data under `dir/data`, HTTP on 127.0.0.1:`port`, MQTT off) and
 * returns its path. `http` adds keys to the http block (`body_limit_kb: 256`), `mqtt` replaces the
 * mqtt block's keys (`enabled: true, url: …`); `extra` is more YAML.
 */
export function writeConfig(
  dir: string,
  port: number,
  options: { http?: string; mqtt?: string; extra?: string } = {},
): string {
  const file = join(dir, 'config.yaml');
  writeFileSync(
    file,
    [
      'device: { id: e2e-pi, name: E2E Pi }',
      `data_dir: ${join(dir, 'data')}`,
      `http: { host: 127.0.0.1, port: ${port}, auth: { enabled: false }${options.http ? `, ${options.http}` : ''} }`,
      `mqtt: { ${options.mqtt ?? 'enabled: false'} }`,
      options.extra ?? '',
    ].join('\n'),
  );
  return file;
}

export function dbFile(dir: string): string {
  return join(dir, 'data', 'vigil.db');
}

function isMessage(prefix: string) {
  return (line: Record<string, unknown>) => typeof line.msg === 'string' && line.msg.startsWith(prefix);
}

/**
 * Starts `vigil run --config FILE`. Call it in a test or a `describe` body, not in a hook: the
 * helper's clean-up (`after`) registers on the current context, and a hook's ends with the hook.
 */
export function spawnVigil(config: string): VigilProcess {
  return startVigil(['run', '--config', config]);
}

/** Resolves once the process says it is running. */
export async function untilRunning(vigil: VigilProcess): Promise<VigilProcess> {
  // A start after a kill recovers the database and resumes routing; on a loaded CI machine that
  // once took longer than waitForLog's default 20 s.
  await vigil.waitForLog(isMessage('vigil is running'), 60_000);
  return vigil;
}

/** Starts `vigil run --config FILE` (in a test body) and resolves once it says it is running. */
export function runVigil(config: string): Promise<VigilProcess> {
  return untilRunning(spawnVigil(config));
}

/** Whether the process logged a line whose message starts with `prefix`. */
export function logged(vigil: VigilProcess, prefix: string): boolean {
  return vigil.logs.some(isMessage(prefix));
}

/** SIGTERM, then the exit code (0 on a clean stop). */
export async function stopVigil(vigil: VigilProcess): Promise<number | null> {
  if (vigil.child.exitCode !== null || vigil.child.signalCode !== null) return vigil.child.exitCode;
  vigil.child.kill('SIGTERM');
  return (await vigil.exited).code;
}

/** Runs `fn` with the database opened read-only (the process may still be running; WAL allows it). */
export function withDb<T>(dir: string, fn: (db: Database.Database) => T): T {
  const db = new Database(dbFile(dir), { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** Row counts of the event tables, to prove a request changed nothing. */
export function rowCounts(dir: string): Record<string, number> {
  const tables = ['events', 'event_zones', 'audit', 'incidents', 'enrichments', 'dead_letters', 'outbox'];
  return withDb(dir, (db) =>
    Object.fromEntries(
      tables.map((t) => [t, (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]),
    ),
  );
}

/**
 * Polls `probe` (a database read: there is no event to await for background work done in
 * another process) every `intervalMs` until it returns true; rejects after `timeoutMs`.
 */
export async function pollUntil(
  what: string,
  probe: () => boolean,
  timeoutMs: number,
  intervalMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (probe()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export interface Reply {
  status: number;
  /** The parsed JSON body, or undefined when it was not JSON. */
  json: Record<string, unknown> | undefined;
  text: string;
}

/** POSTs a body (an object is JSON-encoded; a string or Buffer is sent as is) to `/api/v1/events`. */
export async function postEvent(
  base: string,
  body: unknown,
  contentType = 'application/json',
): Promise<Reply> {
  const raw = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const response = await fetch(`${base}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: raw,
  });
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

/**
 * Kills a process the moment a request has just been sent, so at least that one is cut off
 * whatever the scheduling (a starved test process could otherwise find every request answered).
 * Posters call `sent()` right after sending each request.
 */
export class KillOnNextRequest {
  /** Set once the kill happened: posters stop. */
  stopped = false;
  #armed: (() => void) | null = null;

  sent(): void {
    const fire = this.#armed;
    this.#armed = null;
    fire?.();
  }

  /** Resolves once `vigil` was killed by SIGKILL right after the next request went out. */
  kill(vigil: VigilProcess): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#armed = () => {
        vigil.child.kill('SIGKILL');
        this.stopped = true;
        resolve();
      };
    });
  }
}
