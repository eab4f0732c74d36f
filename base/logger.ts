/**
 * The logger every layer takes: pino's. Only the composition root makes one (runtime/logging);
 * everything below receives it, so hal/ and models/ log without knowing where lines go.
 */
export type { Logger } from 'pino';
