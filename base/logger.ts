/**
 * The logger every layer takes: pino's. Only the composition root makes one (runtime/logging);
 * everything below receives it, so hal/ and models/ log without knowing where lines go.
 *
 * Whoever hands a logger on scopes it to what it knows (`child({ camera })`, `child({ detector })`);
 * the receiver adds only what it alone knows (`driver`, `component`), never a key its caller set,
 * so no log line carries a key twice.
 */
export type { Logger } from 'pino';
