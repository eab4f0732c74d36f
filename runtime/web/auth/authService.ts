import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Logger } from '../../../base/logger';
import type { HttpConfig } from '../../config/schema/index';
import type { Service } from '../../lifecycle/service';
import type { StoreService } from '../../store/storeService';
import type { ClockWatch } from '../../system/clockWatch';
import {
  type AdminCredential,
  adminCredentialFile,
  credentialFingerprint,
  ensureAdminCredential,
  readAdminCredential,
} from './adminCredential';
import { CredentialWatch } from './credentialWatch';
import { verifyPassword } from './passwordHash';
import { type Session, SessionStore } from './sessionStore';
import type { Identity } from './sessionView';

export interface AuthServiceDeps {
  auth: HttpConfig['auth'];
  dataDir: string;
  store: StoreService;
  logger: Logger;
  /** The clock sessions are stamped with; its jumps re-base the sessions opened on the old time. */
  clock: ClockWatch;
}

export const SESSION_COOKIE = 'vigil_session';

const DISABLED: Identity = { user: 'admin', method: 'disabled', expiresAt: null };

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * Who may use the page and API: the admin password (created on first start and logged once,
 * stored as an scrypt hash in `<data_dir>/auth/admin.json`), login sessions, and the optional
 * bearer token of `http.auth.token` for scripts. Starts after the store, whose database holds
 * the sessions. A session lasts while the credential it was opened under is the current one, so
 * a password reset (`vigil admin-password --reset`, another process) ends the older sessions at
 * their next request.
 */
export class AuthService implements Service {
  readonly name = 'auth';
  readonly #deps: AuthServiceDeps;
  readonly #tokenDigest: Buffer | null;
  readonly #credential: CredentialWatch;
  #sessions: SessionStore | undefined;
  /** Monotonic time at construction: sessions stamped since were stamped on this process's clock. */
  readonly #since: number;

  constructor(deps: AuthServiceDeps) {
    this.#deps = deps;
    this.#since = deps.clock.clock.monotonic();
    deps.clock.onJump((jump) => void this.#rebase(jump.offsetBefore, jump.seenAt, jump.deltaMs));
    this.#tokenDigest = deps.auth.token === null ? null : digest(deps.auth.token);
    this.#credential = new CredentialWatch(adminCredentialFile(deps.dataDir), (err) =>
      deps.logger.error(
        { err },
        'cannot read the admin credential: no login session is accepted until it can be',
      ),
    );
  }

  get enabled(): boolean {
    return this.#deps.auth.enabled;
  }

  async start(): Promise<void> {
    const { auth, dataDir, store, logger } = this.#deps;
    this.#sessions = new SessionStore(store.db, store.writer);
    if (!auth.enabled) {
      logger.warn('http.auth.enabled is false: anyone who can reach this appliance can use its page and API');
      return;
    }
    // For itself: the daemon reads what it writes, whoever owns the data directory.
    const { file, password } = await ensureAdminCredential(dataDir, { forSelf: true });
    if (password !== null) {
      // The only time the password exists in clear. Shown once, at warn so it is not filtered out.
      logger.warn(
        { user: 'admin', password, file },
        "admin password generated — log in to the status page with it; it is shown only this once (change it with 'vigil admin-password --reset')",
      );
    }
    // Sessions opened under an older password are over; clear them out of the table.
    await this.#sessions.endAllBut(credentialFingerprint(this.#readCredential()));
  }

  async stop(): Promise<void> {
    this.#sessions = undefined;
  }

  health(): Record<string, unknown> {
    return { enabled: this.enabled, token: this.#tokenDigest !== null };
  }

  /**
   * The identity a request carries (bearer token or session cookie), or null when it has none.
   * `basic`: the route also takes HTTP Basic with the token as password; elsewhere a Basic header
   * is passed over (a browser sends the one it remembers from the stream to its neighbours), and
   * the cookie decides.
   */
  identify(request: FastifyRequest, basic = false): Identity | null {
    if (!this.enabled) return DISABLED;
    const header = request.headers.authorization;
    if (header !== undefined && (basic || !isBasic(header))) return this.#byToken(header);
    const token = request.cookies[SESSION_COOKIE];
    const session = token ? this.#sessions?.find(token, this.#deps.clock.clock.now()) : null;
    if (!session || session.credential !== this.#credential.current()) return null;
    return { user: 'admin', method: 'session', expiresAt: session.expiresAt };
  }

  /** Checks the password and opens a session; null for a wrong password. */
  async login(password: string): Promise<{ token: string; session: Session } | null> {
    const sessions = this.#sessions;
    if (!sessions) throw new Error('auth is not running');
    // Read at every login, so a password set with `vigil admin-password` applies at once.
    const credential = this.#readCredential();
    if (!(await verifyPassword(credential.password, password))) return null;
    return sessions.create(
      this.#deps.auth.session_hours * 3_600_000,
      credentialFingerprint(credential),
      this.#deps.clock.clock.now(),
    );
  }

  async logout(token: string | undefined): Promise<void> {
    if (token) await this.#sessions?.end(token);
  }

  /**
   * After a clock jump, the sessions this process opened before it (stamped between its start and
   * the jump, on the old time) move with the clock, so their lifetime stays what it was given. Those
   * of earlier runs are left: they were stamped on that run's clock. A request in the second
   * between the jump and its detection may be refused once.
   */
  async #rebase(offsetBefore: number, seenAt: number, deltaMs: number): Promise<void> {
    const sessions = this.#sessions;
    if (!sessions) return;
    try {
      const moved = await sessions.rebase(offsetBefore + this.#since, offsetBefore + seenAt, deltaMs);
      if (moved > 0) this.#deps.logger.info({ sessions: moved }, 'login sessions moved with the clock jump');
    } catch (err) {
      this.#deps.logger.error({ err }, 'could not move the login sessions with the clock jump');
    }
  }

  #readCredential(): AdminCredential {
    const file = adminCredentialFile(this.#deps.dataDir);
    const credential = readAdminCredential(file);
    if (!credential) {
      throw new Error(`the admin credential ${file} is missing — run 'vigil admin-password' to create one`);
    }
    return credential;
  }

  /**
   * `Bearer <token>`, or HTTP Basic with the token as password (any user name), for clients that
   * only speak Basic, such as Home Assistant's MJPEG and generic cameras. A wrong or malformed
   * `Authorization` header never falls back to the cookie.
   */
  #byToken(header: string): Identity | null {
    const token = bearerToken(header) ?? basicPassword(header);
    if (token === null || this.#tokenDigest === null) return null;
    const given = digest(token);
    return timingSafeEqual(given, this.#tokenDigest)
      ? { user: 'token', method: 'token', expiresAt: null }
      : null;
  }
}

function bearerToken(header: string): string | null {
  return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? null;
}

function isBasic(header: string): boolean {
  return /^Basic\s/i.test(header);
}

function basicPassword(header: string): string | null {
  const encoded = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header)?.[1];
  if (!encoded) return null;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : decoded.slice(colon + 1) || null;
}
