/** A warning or error the appliance logged, as the status page lists it. */
export interface LoggedProblem {
  /** ISO 8601 */
  at: string;
  level: 'warn' | 'error' | 'fatal';
  module: string | null;
  /** The log message, with the error's own message after it when one was logged. */
  message: string;
}

const LEVEL_NAMES: Record<number, LoggedProblem['level']> = { 40: 'warn', 50: 'error', 60: 'fatal' };

/**
 * The last warnings and errors, kept in memory for `GET /api/v1/errors`: a pino stream that
 * receives lines of level warn and above. Only the message is kept, never the other fields
 * (which may hold a password shown once, or a URL with credentials).
 */
export class RecentProblems {
  readonly #capacity: number;
  readonly #items: LoggedProblem[] = [];

  constructor(capacity = 50) {
    this.#capacity = capacity;
  }

  write(line: string): void {
    let entry: { level?: number; time?: number; module?: string; msg?: string; err?: { message?: string } };
    try {
      entry = JSON.parse(line);
    } catch {
      return;
    }
    const level = LEVEL_NAMES[entry.level ?? 0];
    if (!level) return;
    const detail = entry.err?.message && entry.err.message !== entry.msg ? `: ${entry.err.message}` : '';
    this.#items.push({
      at: new Date(entry.time ?? Date.now()).toISOString(),
      level,
      module: entry.module ?? null,
      message: `${entry.msg ?? ''}${detail}`,
    });
    if (this.#items.length > this.#capacity) this.#items.shift();
  }

  /** Newest first. */
  list(): LoggedProblem[] {
    return [...this.#items].reverse();
  }
}
