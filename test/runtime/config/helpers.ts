import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import {
  type Config,
  type ConfigIssue,
  type LoadConfigInput,
  loadConfig,
} from '../../../runtime/config/index';

/** Loads YAML text with an empty environment, so the machine's own VIGIL_ variables never leak in. */
export function load(text: string, input: Omit<LoadConfigInput, 'text'> = {}) {
  return loadConfig({ env: {}, ...input, text });
}

/** Loads text that must be valid and returns the config. */
export function valid(text: string, input: Omit<LoadConfigInput, 'text'> = {}): Config {
  const result = load(text, input);
  assert.ok(
    result.ok,
    `expected a valid config, got:\n${result.ok ? '' : JSON.stringify(result.errors, null, 2)}`,
  );
  return result.config;
}

/** Loads text that must be invalid and returns its issues. */
export function invalid(text: string, input: Omit<LoadConfigInput, 'text'> = {}): ConfigIssue[] {
  const result = load(text, input);
  assert.ok(!result.ok, 'expected the config to be rejected');
  return result.errors;
}

/** Just path and message, for exact comparisons. */
export function brief(issues: readonly ConfigIssue[]): { path: string; message: string }[] {
  return issues.map(({ path, message }) => ({ path, message }));
}

/** Writes `text` to a config file in a temporary directory removed after the test file. */
export function tempConfig(text: string, name = 'config.yaml'): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-config-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}
