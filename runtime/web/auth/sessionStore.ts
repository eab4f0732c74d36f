import { createHash, randomBytes } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import type { GroupCommitWriter } from '../../store/groupCommitWriter';

export interface Session {
  createdAt: number;
  expiresAt: number;
  /** The fingerprint of the admin credential the session was opened with. */
  credential: string;
}

/** sha256 of the token: what the table keeps, so the database alone logs nobody in. */
function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Login sessions in SQLite (migrations 7 and 8): a random 256-bit token in the cookie, its hash in
 * the table, with the credential it was opened under. Creating and ending a session is durable
 * before the response; looking one up is a read.
 */
export class SessionStore {
  readonly #writer: GroupCommitWriter;
  readonly #lookup: Statement<
    [string, number],
    { created_at: number; expires_at: number; credential: string }
  >;

  constructor(db: Database, writer: GroupCommitWriter) {
    this.#writer = writer;
    this.#lookup = db.prepare(
      'SELECT created_at, expires_at, credential FROM sessions WHERE token_hash = ? AND expires_at > ?',
    );
  }

  /** A new session under `credential`; returns the token for the cookie (it is stored only as a hash). */
  async create(
    lifetimeMs: number,
    credential: string,
    now = Date.now(),
  ): Promise<{ token: string; session: Session }> {
    const token = randomBytes(32).toString('base64url');
    const session = { createdAt: now, expiresAt: now + lifetimeMs, credential };
    await this.#writer.write((db) => {
      db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now);
      db.prepare(
        'INSERT INTO sessions (token_hash, created_at, expires_at, credential) VALUES (?, ?, ?, ?)',
      ).run(tokenHash(token), session.createdAt, session.expiresAt, credential);
    });
    return { token, session };
  }

  /** The live session of this token, or null (unknown, ended or expired). */
  find(token: string, now = Date.now()): Session | null {
    const row = this.#lookup.get(tokenHash(token), now);
    return row ? { createdAt: row.created_at, expiresAt: row.expires_at, credential: row.credential } : null;
  }

  /**
   * Moves the sessions opened between `from` and `to` (wall stamps on the clock before a jump) by
   * the jump, so they last as long as they were given: a forward jump does not end them early, a
   * backward one does not lengthen them. Returns how many moved.
   */
  async rebase(from: number, to: number, deltaMs: number): Promise<number> {
    return this.#writer.write(
      (db) =>
        db
          .prepare(
            'UPDATE sessions SET created_at = created_at + ?, expires_at = expires_at + ? WHERE created_at BETWEEN ? AND ?',
          )
          .run(deltaMs, deltaMs, from, to).changes,
    );
  }

  async end(token: string): Promise<void> {
    await this.#writer.write((db) =>
      db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash(token)),
    );
  }

  /** Ends every session opened under another credential (the password was reset since). */
  async endAllBut(credential: string): Promise<void> {
    await this.#writer.write((db) =>
      db.prepare('DELETE FROM sessions WHERE credential != ?').run(credential),
    );
  }
}
