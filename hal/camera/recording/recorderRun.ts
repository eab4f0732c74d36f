import { type FSWatcher, readdirSync, statfsSync, statSync, watch } from 'node:fs';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type SupervisedChild, spawnSupervised } from '../../../base/childProcesses';
import type { Logger } from '../../../base/logger';
import { redactUrlsInText } from '../../../base/redact';
import { notInstalledReason } from '../core/notInstalled';
import { StderrTail } from '../core/stderrTail';
import { FFMPEG_BINARY } from './binaries';
import { readCpuSeconds } from './cpuTime';
import type { SegmentOutput } from './recorderArgs';
import { describeRunEnd, ffmpegMessage, isDiskFull, type RunEnd } from './runEnd';
import { SegmentCollector } from './segmentCollector';
import { removeUnfinished, UNFINISHED_PREFIX } from './segmentFiles';
import { StreamClock } from './streamClock';
import type { RecordingMode, Segment } from './types';

/** How often the list is re-read (in case an inotify event was missed), CPU sampled and progress checked. */
const TICK_MS = 1000;
/** CPU sampling interval while waiting for a stopping ffmpeg, so its last work is counted too. */
const STOP_SAMPLE_MS = 50;
/**
 * How ffmpeg says a segment could not be written. The segment muxer does not exit when the disk
 * is full: it logs the first line for every segment from then on and carries on writing empty
 * files, so the run is ended by us.
 */
const WRITE_FAILURE = /Failure occurred when ending segment|No space left on device|Error writing trailer/i;
/** Less free space than this on the ring's file system after a write failure means it is full. */
const DISK_FULL_BYTES = 1024 * 1024;

/** Everything one ffmpeg run needs. */
export interface RecorderRunSpec {
  camera: string;
  mode: RecordingMode;
  dir: string;
  /** ffmpeg arguments, writing to `output`. */
  args: readonly string[];
  output: SegmentOutput;
  /** What to check if ffmpeg fails, e.g. `check cameras.front.source.url (rtsp://…)`. */
  hint: string;
  /**
   * Copy mode: no new data for this long means the stream stalled; the run is ended as failed.
   * Encode mode: no frame pushed for this long (after the first) ends the run cleanly.
   */
  inactivityMs: number;
  /** No segment may start before this: when this run starts, or where the recording so far ended. */
  notBefore: number;
  /** Time ffmpeg gets to finish after each step of a stop (q, SIGTERM) before the next one. */
  graceMs: number;
  logger: Logger;
  onSegment: (segment: Segment) => void;
}

/** The temporary segment pattern and the segment list of one run; `runId` keeps runs apart. */
export function recorderRunOutput(dir: string, runId: string, segmentSeconds: number): SegmentOutput {
  return {
    pattern: join(dir, `${UNFINISHED_PREFIX}${runId}-%06d.ts`),
    listFile: join(dir, `${UNFINISHED_PREFIX}${runId}.csv`),
    segmentSeconds,
  };
}

/**
 * One ffmpeg process writing segments: watches its segment list (inotify, plus a re-read every
 * second) and reports each segment it finishes, samples its CPU time, ends it when its input
 * stalls or (encode mode) stops coming, and on exit reports the last segments and deletes the
 * unfinished one.
 */
export class RecorderRun {
  /** Resolves once ffmpeg has exited and everything it finished has been reported. */
  readonly ended: Promise<RunEnd>;
  readonly #spec: RecorderRunSpec;
  readonly #process: SupervisedChild;
  readonly #stderr: StderrTail;
  readonly #collector: SegmentCollector;
  readonly #startedAt = Date.now();
  readonly #clock = new StreamClock(this.#startedAt);
  /** Prefix of this run's temporary files. */
  readonly #prefix: string;
  readonly #tick: NodeJS.Timeout;
  #watcher: FSWatcher | undefined;
  #exited = false;
  /** Set when the run is being ended on purpose (stop, idle) or because it stalled. */
  #ending: { cause: RunEnd['cause']; reason: string } | undefined;
  #diskFull = false;
  #cpuSeconds = 0;
  #segments = 0;
  #progress = -1;
  #lastProgressAt = Date.now();
  /** Encode mode: when the last frame was written; idleness is only judged once frames came. */
  #lastFrameAt: number | undefined;

  constructor(spec: RecorderRunSpec) {
    this.#spec = spec;
    this.#prefix = basename(spec.output.listFile, '.csv');
    this.#collector = new SegmentCollector({
      camera: spec.camera,
      dir: spec.dir,
      listFile: spec.output.listFile,
      clock: this.#clock,
      notBefore: spec.notBefore,
      logger: spec.logger,
    });
    spec.logger.debug({ args: spec.args.map(redactUrlsInText) }, 'starting ffmpeg recorder');
    this.#process = spawnSupervised(FFMPEG_BINARY, spec.args, { stdio: ['pipe', 'ignore', 'pipe'] });
    try {
      this.#stderr = new StderrTail(this.#process.child.stderr, (line) => this.#onStderr(line));
      this.ended = this.#whenEnded();
      this.#watchList();
      this.#tick = setInterval(() => this.#onTick(), TICK_MS);
    } catch (error) {
      // Never leave an ffmpeg behind that nobody will stop.
      this.#process.child.kill('SIGKILL');
      throw error;
    }
  }

  get pid(): number | undefined {
    return this.#process.child.pid;
  }

  /** CPU seconds ffmpeg used, as of the last sample. */
  cpuSeconds(): number {
    return this.#cpuSeconds;
  }

  /**
   * Encode mode: queues one rgb24 frame on ffmpeg's stdin. Returns false, writing nothing, while
   * the previous frame is still waiting in the pipe (the encoder is behind) or ffmpeg is gone or
   * ending: dropping keeps memory bounded and the recording live.
   */
  writeFrame(data: Buffer): boolean {
    const { stdin } = this.#process.child;
    if (this.#exited || this.#ending || !stdin?.writable || stdin.writableNeedDrain) return false;
    this.#lastFrameAt = Date.now();
    this.#clock.setOrigin(this.#lastFrameAt);
    stdin.write(data);
    return true;
  }

  /** Ends ffmpeg so that it finishes and lists its last segment; resolves when it is gone. */
  stop(): Promise<RunEnd> {
    return this.#end('stopped', 'stopped');
  }

  /**
   * `q` (copy mode) or the end of its input (encode mode) makes ffmpeg close its last segment
   * and exit; if it does not within the grace time (blocked on a dead camera), SIGTERM, which
   * ffmpeg also handles cleanly, then SIGKILL.
   */
  async #end(cause: RunEnd['cause'], reason: string): Promise<RunEnd> {
    if (this.#exited) return this.ended;
    this.#ending ??= { cause, reason };
    const { graceMs, mode } = this.#spec;
    const { stdin } = this.#process.child;
    if (mode === 'copy') stdin?.write('q');
    else stdin?.end();
    const deadline = Date.now() + graceMs;
    while (!this.#exited && Date.now() < deadline) {
      this.#sampleCpu();
      await Promise.race([this.ended, sleep(STOP_SAMPLE_MS)]);
    }
    if (!this.#exited) {
      this.#spec.logger.warn({ graceMs }, 'ffmpeg recorder did not finish in time; terminating it');
      await this.#process.kill(graceMs);
    }
    return this.ended;
  }

  async #whenEnded(): Promise<RunEnd> {
    const { child } = this.#process;
    // 'close', not 'exit': stderr is then fully read, so its last line can explain the exit.
    const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
      child.once('close', (code: number | null, sig: NodeJS.Signals | null) => resolve([code, sig]));
    });
    this.#exited = true;
    clearInterval(this.#tick);
    this.#watcher?.close();
    // A clean exit lists the last segment only now; a killed ffmpeg leaves it unfinished.
    this.#collect();
    try {
      removeUnfinished(this.#spec.dir, this.#prefix);
    } catch (error) {
      // The directory went away (or turned read-only): nothing more to tidy, and `ended` must settle.
      this.#spec.logger.warn({ err: error, dir: this.#spec.dir }, 'cannot remove unfinished segments');
    }
    const stderrLines = this.#stderr.lines();
    const spawnError = this.#process.spawnError();
    const reason =
      this.#ending?.reason ??
      describeRunEnd({
        exitCode,
        signal,
        spawnError,
        stderrLines,
        command: FFMPEG_BINARY,
        hint: this.#spec.hint,
      });
    return {
      cause: this.#ending?.cause ?? 'exited',
      reason,
      exitCode,
      signal,
      diskFull: this.#diskFull || isDiskFull(stderrLines),
      notInstalled: notInstalledReason(FFMPEG_BINARY, spawnError) !== undefined,
      segments: this.#segments,
      durationMs: Date.now() - this.#startedAt,
    };
  }

  #onStderr(line: string): void {
    this.#spec.logger.debug({ stage: 'ffmpeg' }, line);
    if (this.#ending || !WRITE_FAILURE.test(line)) return;
    this.#diskFull = isDiskFull([line]) || freeBytes(this.#spec.dir) < DISK_FULL_BYTES;
    const said = ffmpegMessage(line);
    const reason = this.#diskFull
      ? `no space left on the ring file system (${this.#spec.dir}): ffmpeg: ${said} — free space or lower the retention limits`
      : `ffmpeg recorder could not write a segment: ${said} — check ${this.#spec.dir}`;
    this.#spec.logger.warn({ reason }, 'recording failed to write; ending ffmpeg');
    void this.#end('failed', reason);
  }

  /** Re-reads the list as soon as ffmpeg renames a new version into place. */
  #watchList(): void {
    const listName = basename(this.#spec.output.listFile);
    try {
      this.#watcher = watch(this.#spec.dir, (_event, name) => {
        if (name === listName) this.#collect();
      });
      this.#watcher.on('error', (error) => {
        this.#spec.logger.debug({ err: error }, 'ring directory watch failed; polling the segment list');
        this.#watcher?.close();
      });
    } catch (error) {
      // No inotify (or out of watches): the tick still finds every segment, up to a second later.
      this.#spec.logger.debug({ err: error }, 'cannot watch the ring directory; polling the segment list');
    }
  }

  #collect(): void {
    let segments: Segment[];
    try {
      segments = this.#collector.collect();
    } catch (error) {
      this.#spec.logger.error({ err: error }, 'cannot read the segment list');
      return;
    }
    for (const segment of segments) {
      this.#segments += 1;
      this.#spec.onSegment(segment);
    }
  }

  #onTick(): void {
    try {
      this.#check();
    } catch (error) {
      // A timer callback must not throw (it would take the daemon down); the next tick retries.
      this.#spec.logger.error({ err: error }, 'recorder check failed');
    }
  }

  /** Samples CPU, finds segments an inotify event missed, and ends a stalled or idle run. */
  #check(): void {
    this.#sampleCpu();
    this.#collect();
    if (this.#ending) return;
    const now = Date.now();
    const seconds = this.#spec.inactivityMs / 1000;
    if (this.#spec.mode === 'encode') {
      if (this.#lastFrameAt !== undefined && now - this.#lastFrameAt >= this.#spec.inactivityMs)
        void this.#end('idle', `no frames to record for ${seconds} s (camera offline?)`);
      return;
    }
    const progress = this.#progressMark();
    if (progress !== this.#progress) {
      this.#progress = progress;
      this.#lastProgressAt = now;
    } else if (now - this.#lastProgressAt >= this.#spec.inactivityMs) {
      const reason = `ffmpeg recorder received no data for ${seconds} s — ${this.#spec.hint}`;
      this.#spec.logger.warn({ reason }, 'recording stalled; restarting ffmpeg');
      void this.#end('failed', reason);
    }
  }

  /** Changes whenever ffmpeg writes: bytes in its unfinished files plus segments finished. */
  #progressMark(): number {
    let mark = this.#segments;
    for (const name of readdirSync(this.#spec.dir)) {
      if (!name.startsWith(this.#prefix) || !name.endsWith('.ts')) continue;
      try {
        mark += statSync(join(this.#spec.dir, name)).size;
      } catch {
        // Renamed between listing and stat: it is counted in #segments.
      }
    }
    return mark;
  }

  #sampleCpu(): void {
    const pid = this.#process.child.pid;
    const seconds = pid === undefined ? undefined : readCpuSeconds(pid);
    if (seconds !== undefined) this.#cpuSeconds = Math.max(this.#cpuSeconds, seconds);
  }
}

/** Bytes available to us on the file system holding `dir` (Infinity when it cannot be told). */
function freeBytes(dir: string): number {
  try {
    const stats = statfsSync(dir);
    return stats.bavail * stats.bsize;
  } catch {
    // statfs is not supported here: do not call it full on a guess.
    return Number.POSITIVE_INFINITY;
  }
}
