import { Backoff } from '../../../base/backoff';
import type { Logger } from '../../../base/logger';
import { redactUrl } from '../../../base/redact';
import type { CameraSourceTiming } from '../timing';
import { resolveTiming } from '../timing';
import type { Frame } from '../types';
import { copyRecorderArgs, encodeRecorderArgs, type RawFrameFormat } from './recorderArgs';
import { RecorderRun, recorderRunOutput } from './recorderRun';
import { planRecording, type RecordingPlan } from './recordingPlan';
import type { RunEnd } from './runEnd';
import { prepareRingDir } from './segmentFiles';
import type {
  RecordingFailure,
  RecordingGap,
  RecordingMode,
  Segment,
  SegmentRecorder,
  SegmentRecorderOptions,
  SegmentRecorderStats,
} from './types';

/** Lets tests (and a board probe done elsewhere) decide what `encoder: auto` sees. */
export interface SegmentRecorderDeps {
  hasHardwareEncoder?: () => boolean;
}

/**
 * A recorder for one camera: stream copy for `ffmpeg` and `file` sources, encoding of pushed
 * frames for `libcamera` and `sim`. Throws a `RecordingConfigError` naming
 * `cameras.<name>.record.encoder` when the config asks for something the source cannot do.
 */
export function createSegmentRecorder(
  options: SegmentRecorderOptions,
  deps: SegmentRecorderDeps = {},
): SegmentRecorder {
  return new FfmpegSegmentRecorder(
    options,
    planRecording(options.camera, options.config, deps.hasHardwareEncoder),
  );
}

/** One start()…stop() of the recorder; a later start() gets a fresh one. */
interface Session {
  stopping: boolean;
  stopped?: Promise<void>;
  loop?: Promise<void>;
  run?: RecorderRun;
  /** Wall-clock ms up to which this session has recorded (its start before the first segment). */
  recordedUntil: number;
  /** A stretch without recording that began at `from` and is reported once the next segment arrives. */
  gap?: { from: number; reason: string };
  /** Ends a backoff wait early (on stop). */
  wake?: () => void;
}

/**
 * Runs ffmpeg runs one after another for as long as it is started: restarts a failed one with
 * capped exponential backoff, and reports every stretch without recording as one gap. In encode
 * mode ffmpeg is started before frames come, so it stamps each frame as it is pushed rather than
 * after its own start-up; when frames stop for `stallTimeoutMs` (camera offline) the run is ended
 * cleanly, which finishes its last segment, and a fresh one waits for frames.
 */
class FfmpegSegmentRecorder implements SegmentRecorder {
  readonly camera: string;
  readonly mode: RecordingMode;
  readonly #options: SegmentRecorderOptions;
  readonly #plan: RecordingPlan;
  readonly #timing: CameraSourceTiming;
  readonly #logger: Logger;
  readonly #backoff: Backoff;
  readonly #counters = { segments: 0, restarts: 0, bytes: 0, cpuSecondsDone: 0, framesDropped: 0 };
  #session: Session | undefined;
  /** The previous session's stop, which a new start waits for (both would share the directory). */
  #previousStop: Promise<void> = Promise.resolve();
  #runs = 0;
  #lastLoggedReason: string | undefined;
  /** Every driver delivers frames at the camera's detect size and (at most) detect rate. */
  readonly #frameFormat: RawFrameFormat;
  #warnedFrameSize = false;

  constructor(options: SegmentRecorderOptions, plan: RecordingPlan) {
    this.camera = options.camera;
    this.mode = plan.mode;
    this.#options = options;
    this.#plan = plan;
    this.#timing = resolveTiming(options.timing);
    this.#logger = options.logger.child({ component: 'recorder' });
    this.#backoff = new Backoff(this.#timing.backoffInitialMs, this.#timing.backoffMaxMs);
    const { width, height, fps } = options.config.detect;
    this.#frameFormat = { width, height, fps };
    const { encoder } = options.config.record;
    if (plan.mode === 'copy' && encoder !== 'auto' && encoder !== 'copy')
      this.#logger.warn(
        { encoder },
        `cameras.${options.camera}.record.encoder is ignored: a '${options.config.source.driver}' source is recorded by stream copy`,
      );
  }

  start(): void {
    if (this.#session && !this.#session.stopping) return;
    const session: Session = { stopping: false, recordedUntil: Date.now() };
    this.#session = session;
    this.#backoff.reset();
    session.loop = this.#previousStop.then(async () => {
      try {
        const removed = prepareRingDir(this.#options.dir);
        if (removed.length > 0)
          this.#logger.info({ removed }, 'removed unfinished segments left by a previous run');
        this.#logger.info(
          { mode: this.mode, encoder: this.#plan.encoder, dir: this.#options.dir },
          'recording',
        );
        await this.#supervise(session);
      } catch (error) {
        // Cannot even prepare the ring directory (permissions, a full disk): tell the runtime.
        const code = (error as NodeJS.ErrnoException).code;
        const reason = `cannot record into ${this.#options.dir}: ${(error as Error).message}`;
        this.#logger.error({ err: error, dir: this.#options.dir }, 'recorder failed; recording stopped');
        const { onFailure } = this.#options;
        const failure = {
          camera: this.camera,
          at: Date.now(),
          reason,
          diskFull: code === 'ENOSPC',
          notInstalled: false,
        };
        if (onFailure) this.#notify('onFailure', () => onFailure(failure));
      }
    });
  }

  stop(): Promise<void> {
    const session = this.#session;
    if (!session) return this.#previousStop;
    session.stopped ??= (async () => {
      session.stopping = true;
      session.wake?.();
      await session.run?.stop();
      await session.loop;
      if (session.gap) this.#reportGap({ ...session.gap, to: Date.now() }, session);
      this.#logger.info('recording stopped');
    })();
    this.#previousStop = session.stopped;
    return session.stopped;
  }

  pushFrame(frame: Frame): void {
    const session = this.#session;
    if (this.mode !== 'encode' || !session || session.stopping) return;
    if (frame.width !== this.#frameFormat.width || frame.height !== this.#frameFormat.height) {
      this.#counters.framesDropped += 1;
      if (!this.#warnedFrameSize) {
        this.#warnedFrameSize = true;
        this.#logger.warn(
          { expected: this.#frameFormat, got: { width: frame.width, height: frame.height } },
          'frame size is not the detect size the encoder was started with; dropping such frames',
        );
      }
      return;
    }
    // No run: between a failed ffmpeg and its restart.
    if (!session.run?.writeFrame(frame.data)) this.#counters.framesDropped += 1;
  }

  stats(): SegmentRecorderStats {
    const run = this.#session?.run;
    return {
      mode: this.mode,
      encoder: this.#plan.encoder,
      running: run !== undefined,
      segments: this.#counters.segments,
      restarts: this.#counters.restarts,
      bytes: this.#counters.bytes,
      cpuSeconds: this.#counters.cpuSecondsDone + (run?.cpuSeconds() ?? 0),
      framesDropped: this.#counters.framesDropped,
    };
  }

  async #supervise(session: Session): Promise<void> {
    while (!session.stopping) {
      const run = this.#startRun(session);
      const end = await run.ended;
      session.run = undefined;
      this.#counters.cpuSecondsDone += run.cpuSeconds();
      if (end.cause === 'stopped') return;
      if (end.cause === 'idle') {
        this.#logger.info({ reason: end.reason }, 'recording paused until frames come again');
        session.gap ??= { from: session.recordedUntil, reason: end.reason };
        continue;
      }
      if (this.#finishedFile(end)) {
        this.#logger.info('end of the file; recording finished');
        return;
      }
      this.#onFailure(session, end);
      await this.#sleep(session, end.notInstalled ? this.#timing.notInstalledRetryMs : this.#backoff.next());
    }
  }

  #startRun(session: Session): RecorderRun {
    this.#runs += 1;
    const runId = `${Date.now().toString(36)}-${this.#runs}`;
    const output = recorderRunOutput(this.#options.dir, runId, this.#options.config.record.segment_seconds);
    const { source } = this.#options.config;
    let args: string[];
    let hint: string;
    if (source.driver === 'ffmpeg' || source.driver === 'file') {
      args = copyRecorderArgs(source, output);
      hint =
        source.driver === 'file'
          ? `check cameras.${this.camera}.source.path (${source.path})`
          : `check cameras.${this.camera}.source.url (${redactUrl(source.url)})`;
    } else {
      if (this.#plan.encoder === 'copy') throw new Error('unreachable: copy plan for a raw-frame source');
      args = encodeRecorderArgs(this.#plan.encoder, this.#frameFormat, output);
      hint = `check cameras.${this.camera}.record.encoder (${this.#plan.encoder})`;
    }
    const run = new RecorderRun({
      camera: this.camera,
      mode: this.mode,
      dir: this.#options.dir,
      args,
      output,
      hint,
      inactivityMs: this.#timing.stallTimeoutMs,
      // Nothing this ffmpeg records can predate its start (see SegmentCollector).
      notBefore: Math.max(session.recordedUntil, Date.now()),
      graceMs: this.#timing.stopGraceMs,
      logger: this.#logger,
      onSegment: (segment) => this.#onSegment(session, segment),
    });
    session.run = run;
    this.#logger.debug({ pid: run.pid, runId }, 'ffmpeg recorder started');
    return run;
  }

  #onSegment(session: Session, segment: Segment): void {
    if (session.gap)
      this.#reportGap({ ...session.gap, to: Math.max(session.gap.from, segment.startedAt) }, session);
    session.recordedUntil = segment.endedAt;
    this.#counters.segments += 1;
    this.#counters.bytes += segment.bytes;
    this.#lastLoggedReason = undefined;
    this.#notify('onSegment', () => this.#options.onSegment(segment));
  }

  #reportGap(gap: { from: number; to: number; reason: string }, session: Session): void {
    session.gap = undefined;
    const report: RecordingGap = { camera: this.camera, ...gap };
    this.#notify('onGap', () => this.#options.onGap(report));
  }

  #onFailure(session: Session, end: RunEnd): void {
    this.#counters.restarts += 1;
    const at = Date.now();
    if (end.diskFull) {
      // A full disk is reported as a gap at once, up to now, so that the runtime can stop the
      // ring and free space without waiting for a recording that cannot resume by itself; the
      // rest of the outage follows as a second gap when recording resumes or stops.
      const from = session.gap?.from ?? session.recordedUntil;
      this.#reportGap({ from, to: Math.max(from, at), reason: end.reason }, session);
      session.gap = { from: Math.max(from, at), reason: end.reason };
    } else {
      session.gap ??= { from: session.recordedUntil, reason: end.reason };
    }
    // A run that recorded for a good while was healthy: the next failure starts the backoff over.
    if (end.segments > 0 && end.durationMs >= this.#timing.stableAfterMs) this.#backoff.reset();
    if (end.reason === this.#lastLoggedReason) {
      this.#logger.debug({ reason: end.reason }, 'ffmpeg recorder failed again');
    } else if (end.notInstalled) {
      this.#lastLoggedReason = end.reason;
      // Once, loudly: every incident of this camera goes without a clip until it is installed.
      this.#logger.error(
        { reason: end.reason, retryInMs: this.#timing.notInstalledRetryMs },
        `camera ${this.camera} cannot record: ${end.reason}; incidents get no clip until then`,
      );
    } else {
      this.#lastLoggedReason = end.reason;
      this.#logger.warn(
        { reason: end.reason, diskFull: end.diskFull },
        'ffmpeg recorder failed; restarting it',
      );
    }
    const failure: RecordingFailure = {
      camera: this.camera,
      at,
      reason: end.reason,
      diskFull: end.diskFull,
      notInstalled: end.notInstalled,
    };
    const { onFailure } = this.#options;
    if (onFailure) this.#notify('onFailure', () => onFailure(failure));
  }

  /** A file source without `loop` that played to its end: done, not failed. */
  #finishedFile(end: RunEnd): boolean {
    const { source } = this.#options.config;
    return end.cause === 'exited' && end.exitCode === 0 && source.driver === 'file' && !source.loop;
  }

  /** Runs a listener; its bug is logged and must not stop the recording. */
  #notify(name: string, call: () => void): void {
    try {
      call();
    } catch (error) {
      this.#logger.error({ err: error }, `recorder ${name} listener threw`);
    }
  }

  #sleep(session: Session, ms: number): Promise<void> {
    // A listener may have called stop() just now, before there was a wait to cut short.
    if (session.stopping) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(wake, ms);
      function wake(): void {
        clearTimeout(timer);
        resolve();
      }
      session.wake = wake;
    }).finally(() => {
      session.wake = undefined;
    });
  }
}
