import { notInstalledReason } from '../core/notInstalled';

/** How one ffmpeg recording run ended. */
export interface RunEnd {
  /**
   * `stopped`: by the recorder's stop(). `idle`: encode mode, no frames came. `failed`: ended by
   * the recorder because it stalled (copy mode, no data) or could not write; it is restarted.
   * `exited`: ffmpeg ended on its own.
   */
  cause: 'stopped' | 'idle' | 'failed' | 'exited';
  /** A sentence for the gap, the log and the status page (credentials already redacted). */
  reason: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** ffmpeg said ENOSPC: the ring's file system is full. */
  diskFull: boolean;
  /** ffmpeg is not installed: nothing records until it is. */
  notInstalled: boolean;
  /** Segments this run finished. */
  segments: number;
  durationMs: number;
}

/** What ffmpeg prints when a write fails with ENOSPC. */
const DISK_FULL = /No space left on device|ENOSPC/i;

/** True when any of ffmpeg's last stderr lines reports a full disk. */
export function isDiskFull(stderrLines: readonly string[]): boolean {
  return stderrLines.some((line) => DISK_FULL.test(line));
}

/** An ffmpeg log line without its `[segment @ 0x55d0…] ` context prefix, which means nothing to a user. */
export function ffmpegMessage(line: string): string {
  return line.replace(/^\[[^\]]* @ 0x[0-9a-f]+\]\s*/i, '');
}

/** Why the process ended, with ffmpeg's last words and what to check. */
export function describeRunEnd(options: {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  spawnError: NodeJS.ErrnoException | undefined;
  stderrLines: readonly string[];
  command: string;
  hint: string;
}): string {
  const { exitCode, signal, spawnError, stderrLines, command, hint } = options;
  const notInstalled = notInstalledReason(command, spawnError);
  if (notInstalled) return notInstalled;
  if (spawnError?.code === 'ENOENT') return `'${command}' not found — install ffmpeg`;
  if (spawnError) return `cannot start '${command}': ${spawnError.message}`;
  // On a full disk the line that says so is not always the last one ffmpeg prints.
  const line = stderrLines.findLast((candidate) => DISK_FULL.test(candidate)) ?? stderrLines.at(-1);
  const said = line === undefined ? undefined : ffmpegMessage(line);
  const how = signal ? `was killed by ${signal}` : `exited (code ${exitCode})`;
  const what = isDiskFull(stderrLines) ? 'free space on the ring file system' : hint;
  return `ffmpeg recorder ${how}${said ? `: ${said}` : ''} — ${what}`;
}
