import { performance } from 'node:perf_hooks';
import { Backoff } from '../../../base/backoff';
import type { Logger } from '../../../base/logger';
import { redactUrlsInText } from '../../../base/redact';
import { type CameraSourceTiming, resolveTiming } from '../timing';
import type { CameraSource, CameraSourceOptions, CameraSourceStats, Frame, RawPixelFormat } from '../types';
import type { CapturePipeline, PipelineEnd } from './capturePipeline';
import { type DeliveryMode, FrameDelivery } from './frameDelivery';
import { FrameSplitter } from './frameSplitter';

/** A problem with the camera's input that is worth retrying but not a bug (a missing file). */
export class CameraInputError extends Error {}

/** How one connection attempt went. */
export interface AttemptOutcome extends PipelineEnd {
  gotFrame: boolean;
  stalled: boolean;
  durationMs: number;
}

/** What to do after an attempt: wait and reconnect, reconnect at once, or end `frames()` (saying why). */
export type AttemptDecision = 'backoff' | 'retry-now' | { finish: string };

/** The driver-specific part of a process-based camera source. */
export interface PipelineDriver {
  /** Starts one connection attempt; throws {@link CameraInputError} when it cannot even try. */
  open(): CapturePipeline | Promise<CapturePipeline>;
  /** The attempt just produced its first frame. */
  onFirstFrame?(): void;
  /** Decides what follows an attempt; `backoff` when absent. */
  afterAttempt?(outcome: AttemptOutcome): AttemptDecision;
}

/** Everything a {@link SupervisedSource} needs besides the camera's own options. */
export interface SupervisedSourceSettings {
  driver: string;
  mode: DeliveryMode;
  /** What the pipeline writes to its output; `rgb24` when absent. */
  pixelFormat?: RawPixelFormat;
  pipeline: PipelineDriver;
}

/**
 * A camera source backed by child processes writing raw frames (rgb24 or yuv420p) to stdout. Runs connection attempts
 * one after another: reads exact frames, restarts a pipeline that exits or stalls, waits with
 * capped exponential backoff between failures and reports online/offline on changes.
 */
export class SupervisedSource implements CameraSource {
  readonly camera: string;
  readonly driver: string;
  readonly #settings: SupervisedSourceSettings;
  readonly #timing: CameraSourceTiming;
  readonly #logger: Logger;
  readonly #delivery: FrameDelivery;
  readonly #backoff: Backoff;
  #running: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  #current: CapturePipeline | undefined;
  #wake: (() => void) | undefined;
  #lastLoggedReason: string | undefined;

  constructor(options: CameraSourceOptions, settings: SupervisedSourceSettings) {
    this.camera = options.camera;
    this.driver = settings.driver;
    this.#settings = settings;
    this.#timing = resolveTiming(options.timing);
    this.#logger = options.logger.child({ driver: settings.driver });
    this.#backoff = new Backoff(this.#timing.backoffInitialMs, this.#timing.backoffMaxMs);
    const { width, height, fps } = options.config.detect;
    this.#delivery = new FrameDelivery({
      width,
      height,
      fps,
      pixelFormat: settings.pixelFormat,
      mode: settings.mode,
      logger: this.#logger,
      onStatus: options.onStatus,
    });
  }

  frames(): AsyncIterable<Frame> {
    const iterator = this.#delivery.iterate(() => this.stop());
    this.#running ??= this.#run().catch((error: unknown) => {
      this.#logger.error({ err: error }, 'camera supervisor failed');
      this.#delivery.offline(`internal error: ${(error as Error).message}`);
      this.#delivery.end({ discardPending: true });
    });
    return iterator;
  }

  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#wake?.();
      await this.#current?.stop(this.#timing.stopGraceMs);
      await this.#running;
      this.#delivery.end({ discardPending: true });
    })();
    return this.#stopping;
  }

  stats(): CameraSourceStats {
    return { ...this.#delivery.stats };
  }

  /** Process ids of the running pipeline, for diagnostics and tests. */
  pids(): number[] {
    return this.#current?.pids() ?? [];
  }

  async #run(): Promise<void> {
    let attempts = 0;
    while (!this.#stopping) {
      if (attempts > 0) this.#delivery.stats.reconnects += 1;
      attempts += 1;
      // Reasons quote URLs and paths (ffmpeg's stderr, the hint): redacted once here for the status and the log.
      const attempt = await this.#attempt();
      const outcome = { ...attempt, reason: redactUrlsInText(attempt.reason) };
      if (this.#stopping) return;
      const decision = this.#settings.pipeline.afterAttempt?.(outcome) ?? 'backoff';
      if (decision === 'retry-now') continue;
      if (typeof decision === 'object') {
        const finish = redactUrlsInText(decision.finish);
        this.#logger.info({ reason: finish }, 'camera source finished');
        this.#delivery.offline(finish);
        this.#delivery.end({ discardPending: false });
        return;
      }
      this.#delivery.offline(outcome.reason);
      if (outcome.gotFrame && outcome.durationMs >= this.#timing.stableAfterMs) this.#backoff.reset();
      const delayMs = outcome.notInstalled ? this.#timing.notInstalledRetryMs : this.#backoff.next();
      this.#logFailure(outcome.reason, delayMs, outcome.notInstalled === true);
      await this.#sleep(delayMs);
    }
  }

  async #attempt(): Promise<AttemptOutcome> {
    const startedAt = performance.now();
    let pipeline: CapturePipeline;
    try {
      pipeline = await this.#settings.pipeline.open();
    } catch (error) {
      if (!(error instanceof CameraInputError))
        this.#logger.error({ err: error }, 'cannot start camera source');
      const reason = error instanceof Error ? error.message : String(error);
      return { reason, exitCode: null, gotFrame: false, stalled: false, durationMs: 0 };
    }
    this.#current = pipeline;
    this.#logger.debug({ pids: pipeline.pids() }, 'camera pipeline started');
    try {
      if (this.#stopping)
        return { reason: 'stopped', exitCode: null, gotFrame: false, stalled: false, durationMs: 0 };
      const outcome = await this.#consume(pipeline);
      return { ...outcome, durationMs: performance.now() - startedAt };
    } finally {
      await pipeline.stop(this.#timing.stopGraceMs);
      this.#current = undefined;
    }
  }

  /** Feeds the pipeline's output to the delivery until it ends or stalls. */
  #consume(pipeline: CapturePipeline): Promise<Omit<AttemptOutcome, 'durationMs'>> {
    const { output } = pipeline;
    const stallMs = this.#timing.stallTimeoutMs;
    return new Promise((resolve) => {
      let gotFrame = false;
      let settled = false;
      let stallTimer: NodeJS.Timeout | undefined;
      const finish = (end: PipelineEnd, stalled: boolean): void => {
        if (settled) return;
        settled = true;
        clearTimeout(stallTimer);
        this.#delivery.onDrain(undefined);
        output.removeListener('data', onData);
        resolve({ ...end, gotFrame, stalled });
      };
      const armStall = (): void => {
        clearTimeout(stallTimer);
        stallTimer = setTimeout(() => {
          finish(
            { reason: `no frame for ${formatSeconds(stallMs)} — restarting the capture`, exitCode: null },
            true,
          );
        }, stallMs);
      };
      const splitter = new FrameSplitter(this.#delivery.frameBytes, (frame) => {
        if (settled) return;
        if (!gotFrame) {
          gotFrame = true;
          this.#lastLoggedReason = undefined;
          this.#logger.info('camera connected, frames arriving');
          this.#settings.pipeline.onFirstFrame?.();
        }
        armStall();
        if (!this.#delivery.offer(frame)) {
          // Lossless mode and the consumer is busy: let the pipe fill so the producer waits.
          output.pause();
          clearTimeout(stallTimer);
        }
      });
      const onData = (chunk: Buffer): void => splitter.push(chunk);
      this.#delivery.onDrain(() => {
        output.resume();
        armStall();
      });
      output.on('data', onData);
      armStall();
      void pipeline.ended.then((end) => finish(end, false));
    });
  }

  #logFailure(reason: string, delayMs: number, notInstalled: boolean): void {
    const fields = { reason, retryInMs: delayMs };
    if (reason === this.#lastLoggedReason) {
      this.#logger.debug(fields, 'camera still offline');
    } else if (notInstalled) {
      // Not a camera problem: nothing works until someone installs the package, so say it loudly.
      this.#logger.error(fields, `camera ${this.camera} is offline: ${reason}`);
      this.#lastLoggedReason = reason;
    } else {
      this.#logger.warn(fields, 'camera offline; will reconnect');
      this.#lastLoggedReason = reason;
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(wake, ms);
      function wake(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = wake;
    }).finally(() => {
      this.#wake = undefined;
    });
  }
}

/** `10 s`, `1.5 s`. */
function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
