import { type SchemaOptions, Type } from '@sinclair/typebox';
import { literalUnion, strictObject } from '../../../base/schema';

/** Log levels, most verbose first (the same names pino uses). */
const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

const logLevel = (options: SchemaOptions = {}) =>
  literalUnion(LOG_LEVELS, { description: 'One of trace, debug, info, warn, error, fatal.', ...options });

/** Logging: structured JSON to stdout, with per-module levels. */
export const LogSchema = strictObject(
  {
    level: logLevel({ default: 'info', description: 'Level for every module without its own entry.' }),
    modules: Type.Record(Type.String(), logLevel(), {
      default: {},
      description: 'Per-module levels, e.g. { store: debug, web: warn }.',
    }),
  },
  { default: {}, description: 'Logging levels.' },
);

/** Graceful shutdown budget. */
export const ShutdownSchema = strictObject(
  {
    timeout_seconds: Type.Integer({
      minimum: 1,
      maximum: 600,
      default: 30,
      description:
        'Whole budget for a graceful shutdown on SIGTERM/SIGINT; past it the process exits anyway.',
    }),
    service_stop_seconds: Type.Integer({
      minimum: 1,
      maximum: 600,
      default: 10,
      description: 'Longest wait for any one service to stop before moving on to the next.',
    }),
  },
  { default: {}, description: 'Graceful shutdown budget.' },
);
