import { type Static, Type } from '@sinclair/typebox';
import { SECRET, strictObject } from '../../../base/schema';

const AuthSchema = strictObject(
  {
    enabled: Type.Boolean({
      default: true,
      description: 'Require a login or the token for the API; turning it off is logged as a warning.',
    }),
    token: Type.Union([Type.String({ minLength: 1 }), Type.Null()], {
      default: null,
      description: 'Bearer token for scripts and integrations, or null for none.',
      ...SECRET,
    }),
    session_hours: Type.Number({
      exclusiveMinimum: 0,
      maximum: 8760,
      default: 168,
      description: 'How long a login lasts before the page asks for the password again.',
    }),
    login_attempts_per_minute: Type.Integer({
      minimum: 1,
      maximum: 1000,
      default: 5,
      description: 'Login attempts allowed per client address and minute; more get 429 Too Many Requests.',
    }),
    failed_logins_per_minute: Type.Integer({
      minimum: 1,
      maximum: 10_000,
      default: 20,
      description:
        'Failed logins allowed per minute from all addresses together; then every login waits (429), the right password too.',
    }),
    backoff_after_failures: Type.Integer({
      minimum: 1,
      maximum: 1000,
      default: 5,
      description:
        'Failed logins in a row (from any address) after which each further failure doubles the wait before the next attempt: 1 s, 2 s, 4 s…',
    }),
    max_backoff_seconds: Type.Integer({
      minimum: 1,
      maximum: 86_400,
      default: 300,
      description: 'The longest wait the doubling reaches.',
    }),
  },
  { default: {}, description: 'Login for the status page and API.' },
);

const StreamSchema = strictObject(
  {
    max_clients: Type.Integer({
      minimum: 1,
      maximum: 10_000,
      default: 100,
      description: 'Live-stream WebSocket clients served at once; more are refused.',
    }),
    client_buffer_kb: Type.Integer({
      minimum: 16,
      maximum: 65_536,
      default: 1024,
      description: 'Unsent data a client may fall behind by before it is disconnected (it can resume).',
    }),
    replay_messages: Type.Integer({
      minimum: 0,
      maximum: 1_000_000,
      default: 10_000,
      description: 'Recent stream messages kept so a client that reconnects resumes without missing any.',
    }),
    replay_kb: Type.Integer({
      minimum: 0,
      maximum: 1_048_576,
      default: 2048,
      description:
        'At most this much of those messages is kept (the oldest go first): memory bounded by bytes, whatever the messages weigh. 2 MiB holds about 2,800 events, some 5 minutes at 10 events/s.',
    }),
  },
  { default: {}, description: 'The live WebSocket stream (`/api/v1/ws`).' },
);

/** The local web server: API, WebSocket stream and status page. */
export const HttpSchema = strictObject(
  {
    enabled: Type.Boolean({ default: true, description: 'Serve the API and status page.' }),
    host: Type.String({
      minLength: 1,
      default: '0.0.0.0',
      description: 'Address to listen on; 127.0.0.1 for local only.',
    }),
    port: Type.Integer({ minimum: 1, maximum: 65_535, default: 8080, description: 'TCP port.' }),
    redirect_port: Type.Union([Type.Integer({ minimum: 1, maximum: 65_535 }), Type.Null()], {
      default: null,
      description:
        'With tls: a plain-HTTP port that only redirects every request to HTTPS on `port` (308), so http:// bookmarks land on HTTPS; null for none.',
    }),
    auth: AuthSchema,
    stream: StreamSchema,
    tls: Type.Union(
      [
        strictObject({
          cert: Type.String({ minLength: 1, description: 'PEM certificate chain file.' }),
          key: Type.String({ minLength: 1, description: 'PEM private key file.' }),
        }),
        Type.Null(),
      ],
      {
        default: null,
        description: 'Serve HTTPS with these files (login cookies are then marked Secure), or null for HTTP.',
      },
    ),
    body_limit_kb: Type.Integer({
      minimum: 1,
      maximum: 102_400,
      default: 1024,
      description: 'Largest request body accepted, in KiB.',
    }),
  },
  { default: {}, description: 'Web server.' },
);

/** Web server settings. */
export type HttpConfig = Static<typeof HttpSchema>;
