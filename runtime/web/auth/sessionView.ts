/** Who a request acts as, and how it proved it. `disabled`: auth is off and everyone is admin. */
export interface Identity {
  user: 'admin' | 'token';
  method: 'session' | 'token' | 'disabled';
  /** When the session ends (sessions only). */
  expiresAt: number | null;
}

/** `GET /api/v1/auth/session`: who is logged in, how, and until when. */
export type SessionView = ReturnType<typeof sessionView>;

export function sessionView(identity: Identity) {
  return {
    user: identity.method === 'disabled' ? null : identity.user,
    method: identity.method,
    expires_at: identity.expiresAt === null ? null : new Date(identity.expiresAt).toISOString(),
  };
}
