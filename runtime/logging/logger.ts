import { type DestinationStream, type Level, type Logger, type MultiStreamRes, pino } from 'pino';
import pretty from 'pino-pretty';
import { redactUrlsDeep, redactUrlsInText } from '../../base/redact';
import { RecentProblems } from './recentProblems';

/** Log levels a config may name, from most to least verbose. */
export type LogLevel = Level;

export interface LoggerOptions {
  /** Root level for every module without its own entry in `modules`. */
  level: LogLevel;
  /** Per-module levels, e.g. `{ store: 'debug', web: 'warn' }`. */
  modules: Record<string, LogLevel>;
  /** Human-readable output; defaults to true when stdout is a terminal. */
  pretty?: boolean;
  /** Where JSON lines go; defaults to stdout (journald collects it on the appliance). */
  destination?: DestinationStream;
}

/**
 * Builds the root logger and hands out per-module child loggers with their own level.
 * One instance lives in the app context; nothing here is global.
 */
export class LoggerFactory {
  readonly root: Logger;
  /** The last warnings and errors of every module. */
  readonly problems = new RecentProblems();
  readonly #modules: Record<string, LogLevel>;
  readonly #streams: MultiStreamRes;

  constructor(options: LoggerOptions) {
    this.#modules = options.modules;
    const usePretty = options.pretty ?? process.stdout.isTTY === true;
    // pino-pretty as a synchronous stream (not a worker transport) so the esbuild bundle stays one file.
    const destination =
      options.destination ??
      (usePretty
        ? pretty({
            colorize: true,
            singleLine: true,
            translateTime: 'SYS:HH:MM:ss.l',
            ignore: 'pid,hostname,module',
            messageFormat: '[{module}] {msg}',
          })
        : // Synchronous writes: a crash-only process must not lose its last lines to a buffer.
          pino.destination({ dest: 1, sync: true }));
    // Warnings and errors also go to memory, for the status page.
    this.#streams = pino.multistream([
      { stream: destination, level: 'trace' },
      { stream: this.problems, level: 'warn' },
    ]);
    this.root = pino(
      { level: options.level, base: undefined, hooks: { streamWrite: redactLogLine } },
      this.#streams,
    );
  }

  /** A child logger tagged `{ module }`, at the module's configured level or the root level. */
  forModule(module: string): Logger {
    const level = this.#modules[module] ?? this.root.level;
    return this.root.child({ module }, { level });
  }

  /** Writes out anything buffered; called last on shutdown and on fatal errors. */
  flush(): void {
    this.#streams.flushSync();
  }
}

/**
 * Every line, to every destination (the journal, the terminal, `/api/v1/errors`), without the
 * secrets of the URLs it quotes, whichever module logged it and however (a field, the message, an
 * error's text). Only lines that hold a URL with userinfo or parameters are parsed and rewritten.
 */
function redactLogLine(line: string): string {
  const at = line.indexOf('://');
  if (at < 0 || (line.indexOf('@', at) < 0 && line.indexOf('?', at) < 0 && line.indexOf('#', at) < 0))
    return line;
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    // Not one JSON object (never from pino itself): redact it as text.
    return redactUrlsInText(line);
  }
  return `${JSON.stringify(redactUrlsDeep(entry))}${line.endsWith('\n') ? '\n' : ''}`;
}
