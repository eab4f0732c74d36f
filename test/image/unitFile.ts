import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REPO = join(import.meta.dirname, '..', '..');
export const UNITS_DIR = join(REPO, 'systemd');
export const OVERLAY_DIR = join(REPO, 'overlay');

/** The unit files the image installs (every file in systemd/). */
export function unitNames(): string[] {
  return readdirSync(UNITS_DIR)
    .filter((name) => /\.(service|mount|timer|socket|target|path)$/.test(name))
    .sort();
}

/** A unit file as systemd reads it: section → key → values in order (repeated keys accumulate). */
export type UnitFile = Map<string, Map<string, string[]>>;

/** Parses unit file syntax: [Section], Key=Value, # and ; comments, backslash line continuations. */
export function parseUnit(text: string): UnitFile {
  const unit: UnitFile = new Map();
  let section: Map<string, string[]> | undefined;
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header?.[1]) {
      section = new Map();
      unit.set(header[1], section);
      continue;
    }
    const eq = line.indexOf('=');
    if (!section || eq < 0) throw new Error(`not a unit file line: ${line}`);
    const key = line.slice(0, eq).trim();
    const values = section.get(key) ?? [];
    values.push(line.slice(eq + 1).trim());
    section.set(key, values);
  }
  return unit;
}

export function readUnit(name: string): UnitFile {
  return parseUnit(readFileSync(join(UNITS_DIR, name), 'utf8'));
}

/** The last value of `section.key` (systemd's rule for single-valued settings), or undefined. */
export function unitValue(unit: UnitFile, section: string, key: string): string | undefined {
  return unit.get(section)?.get(key)?.at(-1);
}

/**
 * An Exec*= value as the argv systemd runs: the special prefixes (-, @, :, +, !) removed and
 * the line split into words, honouring double quotes (no variable expansion: our units use none).
 */
export function execArgv(value: string): string[] {
  const command = value.replace(/^[-@:+!|]+/, '');
  const words: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (const match of command.matchAll(pattern)) words.push(match[1] ?? match[2] ?? '');
  if (words.some((word) => word.includes('$')))
    throw new Error(`variable expansion is not supported here: ${value}`);
  return words;
}
