import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Segment } from './types';

/**
 * Files ffmpeg is still writing (segments, its segment list) start with this prefix. Only
 * finished segments get their final `<startedAt>-<endedAt>.ts` name, so a name alone tells a
 * complete segment from a leftover of a process that was killed mid-write.
 */
export const UNFINISHED_PREFIX = 'partial-';

const FINISHED_NAME = /^(\d+)-(\d+)\.ts$/;

/** The name of a finished segment: its wall-clock start and end in ms, e.g. `1700000000000-1700000002000.ts`. */
export function segmentFileName(startedAt: number, endedAt: number): string {
  if (
    !Number.isSafeInteger(startedAt) ||
    !Number.isSafeInteger(endedAt) ||
    startedAt < 0 ||
    endedAt < startedAt
  )
    throw new RangeError(`invalid segment times ${startedAt}..${endedAt} (integer ms, start <= end)`);
  return `${startedAt}-${endedAt}.ts`;
}

/** The times in a finished segment's name, or undefined for any other file. */
export function parseSegmentFileName(name: string): { startedAt: number; endedAt: number } | undefined {
  const match = FINISHED_NAME.exec(name);
  if (!match) return undefined;
  const startedAt = Number(match[1]);
  const endedAt = Number(match[2]);
  if (!Number.isSafeInteger(startedAt) || !Number.isSafeInteger(endedAt) || endedAt < startedAt)
    return undefined;
  return { startedAt, endedAt };
}

/**
 * The finished segments in a camera's ring directory, oldest first; what the runtime rebuilds its
 * ring from after a restart. A missing directory is an empty ring.
 */
export function listSegments(camera: string, dir: string): Segment[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const segments: Segment[] = [];
  for (const name of names) {
    const times = parseSegmentFileName(name);
    if (!times) continue;
    const file = join(dir, name);
    const bytes = fileSize(file);
    if (bytes !== undefined) segments.push({ camera, file, ...times, bytes });
  }
  return segments.sort((a, b) => a.startedAt - b.startedAt || a.endedAt - b.endedAt);
}

/**
 * Creates `dir` if needed and deletes what a killed ffmpeg left behind in it (half-written
 * segments and segment lists). Finished segments are kept. Returns the names removed.
 */
export function prepareRingDir(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return removeUnfinished(dir, UNFINISHED_PREFIX);
}

/** Deletes the files in `dir` whose names start with `prefix` (one ffmpeg run's, or every run's). */
export function removeUnfinished(dir: string, prefix: string): string[] {
  if (!prefix.startsWith(UNFINISHED_PREFIX))
    throw new Error(`refusing to delete files that are not unfinished segments: ${prefix}*`);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const removed = names.filter((name) => name.startsWith(prefix));
  for (const name of removed) rmSync(join(dir, name), { force: true });
  return removed;
}

/** Size of a file, or undefined if it vanished (retention may delete segments at any time). */
export function fileSize(file: string): number | undefined {
  try {
    return statSync(file).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
