import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(import.meta.dirname, '..', '..');
/** The built bundle, exactly what ships; `npm test` builds it before the tests run. */
export const VIGIL_BUNDLE = join(ROOT, 'dist', 'vigil.mjs');

export interface VigilProcess {
  child: ChildProcess;
  /** Parsed JSON log lines from stdout, in order. */
  logs: Array<Record<string, unknown>>;
  /** Log lines whose JSON names a key twice (JSON.parse keeps only the last, so `logs` cannot tell). */
  repeatedKeys: string[];
  stderr: () => string;
  waitForLog(
    predicate: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const alive = new Set<ChildProcess>();

/**
 * Kills every vigil still running when the test process ends — normally, or by the SIGTERM the
 * test runner sends a file whose test failed while its appliance was up ('exit' alone misses that).
 */
function reapOnExit(child: ChildProcess): void {
  if (alive.size === 0 && !reapOnExit.installed) {
    reapOnExit.installed = true;
    const reapAll = () => {
      for (const c of alive) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    };
    process.once('exit', reapAll);
    for (const [signal, code] of [
      ['SIGTERM', 143],
      ['SIGINT', 130],
    ] as const) {
      process.once(signal, () => {
        reapAll();
        process.exit(code);
      });
    }
  }
  alive.add(child);
  child.once('exit', () => alive.delete(child));
}
reapOnExit.installed = false;

/**
 * Runs `node dist/vigil.mjs ARGS` (or another build of it: `bundle`, as bench/web.bench.ts
 * makes its own), as another user when `user` says so (the test runs as root), behind a
 * `wrapper` command when given (`ip netns exec NS`, which execs node in place: the pid stays
 * node's); the process is killed when the test process exits if still alive.
 */
export function startVigil(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  cwd = ROOT,
  bundle = VIGIL_BUNDLE,
  user?: { uid: number; gid: number },
  wrapper: readonly string[] = [],
): VigilProcess {
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run 'npm run build' first`);
  const [command, ...argv] = [...wrapper, process.execPath, bundle, ...args] as [string, ...string[]];
  const child = spawn(command, argv, {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
  });
  const logs: Array<Record<string, unknown>> = [];
  const repeatedKeys: string[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    try {
      logs.push(JSON.parse(line) as Record<string, unknown>);
      if (namesAKeyTwice(line)) repeatedKeys.push(line);
    } catch {
      logs.push({ raw: line });
    }
    for (const wake of waiters) wake();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      for (const wake of waiters) wake();
      resolve({ code, signal });
    });
  });
  // A safety net for a test that fails before stopping it: no orphan survives the test process.
  // (Not a node:test `after` hook, which could run before the test's own graceful stop.)
  reapOnExit(child);

  const waitForLog: VigilProcess['waitForLog'] = (predicate, timeoutMs = 20_000) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const found = logs.find(predicate);
        if (found) {
          cleanup();
          resolve(found);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          cleanup();
          reject(
            new Error(
              `vigil exited before the expected log line; stderr:\n${stderr}\nlogs:\n${JSON.stringify(logs.slice(-10))}`,
            ),
          );
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `timed out waiting for a log line; last logs:\n${JSON.stringify(logs.slice(-10))}\nstderr:\n${stderr}`,
          ),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  return { child, logs, repeatedKeys, stderr: () => stderr, waitForLog, exited };
}

/** Whether a top-level key of a JSON object line appears twice (pino child bindings can repeat one). */
function namesAKeyTwice(line: string): boolean {
  const keys = new Set<string>();
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') depth--;
    else if (char === '"') {
      let end = i + 1;
      while (end < line.length && line[end] !== '"') end += line[end] === '\\' ? 2 : 1;
      if (depth === 1 && line[end + 1] === ':') {
        const key = line.slice(i + 1, end);
        if (keys.has(key)) return true;
        keys.add(key);
      }
      i = end;
    }
  }
  return false;
}
