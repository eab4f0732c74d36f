import {
  closeSync,
  fsyncSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { FFMPEG_BINARY } from './binaries';
import { probeMedia } from './probeMedia';
import { runTool } from './runTool';

/** What to join into one clip. */
export interface AssembleClipOptions {
  /** Absolute paths of `.ts` segments, in playing order. */
  segments: readonly string[];
  /** Absolute path of the `.mp4` to write; its directory is created. */
  output: string;
}

/** Long enough for minutes of video on a slow SD card; a stream copy is I/O-bound. */
const ASSEMBLE_TIMEOUT_MS = 120_000;

/**
 * Joins segments into one MP4 without re-encoding (ffmpeg's concat demuxer, stream copy), with
 * the index up front (`+faststart`) so a browser can start playing and seek before it has the
 * whole file. Written to `<output>.part`, fsync'd and renamed, so `output` either does not exist
 * or is complete, even after a power cut.
 */
export async function assembleClip(
  options: AssembleClipOptions,
): Promise<{ bytes: number; durationMs: number }> {
  const { segments, output } = options;
  if (segments.length === 0) throw new Error(`cannot assemble ${output}: no segments given`);
  for (const segment of segments) {
    if (!isAbsolute(segment))
      throw new Error(`cannot assemble ${output}: segment path is not absolute: ${segment}`);
    try {
      statSync(segment);
    } catch {
      throw new Error(`cannot assemble ${output}: segment ${segment} does not exist (deleted by retention?)`);
    }
  }
  mkdirSync(dirname(output), { recursive: true });
  const part = `${output}.part`;
  const work = mkdtempSync(join(tmpdir(), 'vigil-clip-'));
  try {
    const list = join(work, 'segments.txt');
    writeFileSync(list, segments.map((segment) => `file ${quoteConcatPath(segment)}\n`).join(''));
    await runTool(
      FFMPEG_BINARY,
      [
        '-hide_banner',
        '-nostdin',
        '-loglevel',
        'error',
        '-f',
        'concat',
        // Absolute paths are "unsafe" to the concat demuxer; they are ours.
        '-safe',
        '0',
        '-i',
        list,
        '-map',
        '0:v:0',
        '-c',
        'copy',
        // The ring is recorded without audio (see recorderArgs.ts).
        '-an',
        '-movflags',
        '+faststart',
        '-f',
        'mp4',
        '-y',
        part,
      ],
      {
        what: `cannot assemble ${output} from ${segments.length} segments (${segments[0]} …)`,
        timeoutMs: ASSEMBLE_TIMEOUT_MS,
      },
    );
    fsyncFile(part);
    renameSync(part, output);
    fsyncFile(dirname(output));
  } catch (error) {
    rmSync(part, { force: true });
    throw error;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const { durationMs } = await probeMedia(output);
  return { bytes: statSync(output).size, durationMs };
}

/** A path as a quoted concat-list token: `'` closes the quote, `\'` adds a quote, `'` reopens it. */
function quoteConcatPath(path: string): string {
  return `'${path.replaceAll("'", "'\\''")}'`;
}

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
