import { type Static, Type } from '@sinclair/typebox';
import { SECRET, strictObject } from './common';

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
  },
  { default: {}, description: 'API authentication.' },
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
    auth: AuthSchema,
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
