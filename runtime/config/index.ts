/**
 * The configuration subsystem: one TypeBox schema (types, defaults, validation, env
 * overrides), the YAML loader that reports every problem at once, and secret redaction.
 */
export { DEMO_CONFIG_YAML } from './demoConfig';

export { formatIssues } from './formatIssues';
export type { ConfigIssue } from './issue';
export { type LoadConfigInput, loadConfig } from './loadConfig';
export * from './schema/index';
export { REDACTED, redactSecrets, secretPaths } from './secrets';
