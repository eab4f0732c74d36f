import type { PathIssue } from '../../base/pathIssue';
import { CURRENT_CONFIG_VERSION } from './schema/index';

/**
 * Steps from one config version to the next, keyed by the version they read: entry `n`
 * turns a version-n document into version n+1. Empty while only version 1 exists; add a
 * step (and bump CURRENT_CONFIG_VERSION) whenever a setting is renamed or reshaped, so
 * files on deployed appliances keep loading.
 */
const MIGRATIONS: Readonly<Record<number, (raw: Record<string, unknown>) => Record<string, unknown>>> = {};

/**
 * Brings a raw document to the current version. A missing `version` means 1. A version
 * newer than this build is refused outright: guessing at a future format could arm a
 * siren with the wrong settings. A non-integer version is left for validation to report.
 */
export function migrate(
  raw: Record<string, unknown>,
): { ok: true; value: Record<string, unknown> } | { ok: false; issue: PathIssue } {
  const version = raw.version ?? 1;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    return { ok: true, value: raw };
  if (version > CURRENT_CONFIG_VERSION) {
    return {
      ok: false,
      issue: {
        path: ['version'],
        message: `written for a newer Vigil (version ${version}); this build reads version ${CURRENT_CONFIG_VERSION}`,
      },
    };
  }
  let value = raw;
  for (let from = version; from < CURRENT_CONFIG_VERSION; from++) {
    const step = MIGRATIONS[from];
    if (step === undefined) throw new Error(`no config migration from version ${from}`);
    value = step(value);
  }
  return { ok: true, value: { ...value, version: CURRENT_CONFIG_VERSION } };
}
