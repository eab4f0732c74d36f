import { pino } from 'pino';
import type { Logger } from '../../base/logger';

/** A real pino logger whose lines are collected instead of printed, so tests can assert on them. */
export function memoryLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'trace', base: undefined },
    { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { logger, lines };
}
