import type { Database, Statement } from 'better-sqlite3';
import { RequestError } from '../../../base/requestError';
import { SEVERITIES, type Severity, severityRank } from '../../domain/eventModel';
import { decodeCursor, encodeCursor } from './cursor';

/**
 * Prepared statements keyed by their SQL. Filters make a bounded number of distinct statements
 * (each filter present or not, type lists of at most 13), so the cache needs no eviction.
 */
export class StatementCache {
  readonly #db: Database;
  readonly #statements = new Map<string, Statement>();

  constructor(db: Database) {
    this.#db = db;
  }

  get(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }
}

/** A WHERE clause built from optional filters, with its parameters in order. */
export class Conditions {
  readonly #clauses: string[] = [];
  readonly params: unknown[] = [];

  add(clause: string, ...params: unknown[]): this {
    this.#clauses.push(clause);
    this.params.push(...params);
    return this;
  }

  /** `col IN (?, ?, …)` for a non-empty list. */
  addIn(column: string, values: readonly unknown[]): this {
    return this.add(`${column} IN (${values.map(() => '?').join(', ')})`, ...values);
  }

  get sql(): string {
    return this.#clauses.length === 0 ? '' : `WHERE ${this.#clauses.join(' AND ')}`;
  }
}

/** Severities at or above `minimum`: `high` → high, critical. */
export function severitiesFrom(minimum: string): Severity[] {
  if (!(SEVERITIES as readonly string[]).includes(minimum)) {
    throw new RequestError(
      'invalid',
      `severity: '${minimum}' is not a severity — use one of ${SEVERITIES.join(', ')}`,
      'severity',
    );
  }
  return SEVERITIES.filter((s) => severityRank(s) >= severityRank(minimum as Severity));
}

const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

/** Page size, checked here too so programmatic callers get the same 400 the route gives. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new RequestError(
      'invalid',
      `limit: must be an integer from 1 to ${MAX_LIMIT}, got ${limit}`,
      'limit',
    );
  }
  return limit;
}

/**
 * One page of `table`, newest first by (`timeColumn`, rowid), after `cursor`. The cursor clause
 * is written so the time index bounds the scan (a row-value or OR alone would not).
 * Returns the rows (without the helper column) and the cursor of the next page, if any.
 */
export function newestFirstPage<Row extends Record<string, unknown>>(
  statements: StatementCache,
  query: { table: string; timeColumn: string; where: Conditions; cursor: string | undefined; limit: number },
): { rows: Row[]; next_cursor: string | null } {
  const { table, timeColumn, where, cursor, limit } = query;
  if (cursor !== undefined) {
    const [time, rowid] = decodeCursor(cursor, 2);
    where.add(`${timeColumn} <= ? AND (${timeColumn} < ? OR rowid < ?)`, time, time, rowid);
  }
  const sql = `SELECT rowid AS sort_rowid, * FROM ${table} ${where.sql} ORDER BY ${timeColumn} DESC, rowid DESC LIMIT ?`;
  const rows = statements.get(sql).all(...where.params, limit + 1) as Array<Row & { sort_rowid: number }>;
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    rows: page.map(({ sort_rowid: _, ...row }) => row as unknown as Row),
    next_cursor:
      rows.length > limit && last ? encodeCursor([last[timeColumn] as number, last.sort_rowid]) : null,
  };
}
