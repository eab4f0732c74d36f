import { createHash, randomBytes } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import type { GroupCommitWriter } from '../../store/groupCommitWriter';

export interface Session {
  createdAt: number;
  expiresAt: number;
}

/** sha256 of the token: what the table keeps, so the database alone logs nobody in. */
function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Login sessions in SQLite (migration 7): a random 256-bit token in the cookie, its hash in the
 * table. Creating and ending a session is durable before the response; looking one up is a read.
 */
export class SessionStore {
  readonly #writer: GroupCommitWriter;
  readonly #lookup: Statement<[string, number], { created_at: number; expires_at: number }>;

  constructor(db: Database, writer: GroupCommitWriter) {
    this.#writer = writer;
    this.#lookup = db.prepare(
      'SELECT created_at, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?',
    );
  }

  /** A new session; returns the token for the cookie (it is stored only as a hash). */
  async create(lifetimeMs: number, now = Date.now()): Promise<{ token: string; session: Session }> {
    const token = randomBytes(32).toString('base64url');
    const session = { createdAt: now, expiresAt: now + lifetimeMs };
    await this.#writer.write((db) => {
      db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now);
      db.prepare('INSERT INTO sessions (token_hash, created_at, expires_at) VALUES (?, ?, ?)').run(
        tokenHash(token),
        session.createdAt,
        session.expiresAt,
      );
    });
    return { token, session };
  }

  /** The live session of this token, or null (unknown, ended or expired). */
  find(token: string, now = Date.now()): Session | null {
    const row = this.#lookup.get(tokenHash(token), now);
    return row ? { createdAt: row.created_at, expiresAt: row.expires_at } : null;
  }

  async end(token: string): Promise<void> {
    await this.#writer.write((db) =>
      db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash(token)),
    );
  }

  /** Ends every session opened before `time` (the password changed then). */
  async endBefore(time: number): Promise<void> {
    await this.#writer.write((db) => db.prepare('DELETE FROM sessions WHERE created_at < ?').run(time));
  }
}
