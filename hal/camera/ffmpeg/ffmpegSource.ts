import type { Logger } from '../../../base/logger';
import { redactUrl } from '../../../base/redact';
import type { CameraSourceConfig } from '../cameraSourceSchema';
import { type CapturePipeline, capturePipeline } from '../core/capturePipeline';
import { spawnStage, stageStdout } from '../core/spawnStage';
import {
  type AttemptDecision,
  type AttemptOutcome,
  type PipelineDriver,
  SupervisedSource,
} from '../core/supervisedSource';
import type { CameraSource, CameraSourceOptions } from '../types';
import { FFMPEG_BINARY, ffmpegGlobalArgs, rgbOutputArgs } from './ffmpegArgs';
import { HWACCEL_INPUT_ARGS, type ResolvedHwaccel, resolveHwaccel } from './hwaccel';
import { inputArgsForUrl, isLiveUrl } from './inputUrl';

/** The `ffmpeg` driver's config section. */
export type FfmpegSourceConfig = Extract<CameraSourceConfig, { driver: 'ffmpeg' }>;

/** Lets tests (and a board probe done elsewhere) decide what `hwaccel: auto` sees. */
export interface FfmpegSourceDeps {
  boardModel?: () => string;
}

/**
 * `ffmpeg` driver: any URL or device ffmpeg can read (RTSP, HTTP/MJPEG, RTMP, V4L2, a file),
 * decoded (in hardware when configured), scaled to detect size and thinned to detect.fps.
 */
export function createFfmpegSource(
  options: CameraSourceOptions,
  source: FfmpegSourceConfig,
  deps: FfmpegSourceDeps = {},
): CameraSource {
  const hwaccel = resolveHwaccel(source.hwaccel, deps.boardModel);
  const logger = options.logger.child({ driver: 'ffmpeg' });
  return new SupervisedSource(options, {
    driver: 'ffmpeg',
    mode: 'latest',
    pipeline: new FfmpegPipeline(options, source, hwaccel, logger),
  });
}

/**
 * Starts ffmpeg per attempt. When the hardware decoder cannot even produce a first frame,
 * the next attempt decodes in software at once; if that works the source stays on software
 * (logged once), if not the stream itself is the problem and hardware is tried again later.
 */
class FfmpegPipeline implements PipelineDriver {
  readonly #options: CameraSourceOptions;
  readonly #source: FfmpegSourceConfig;
  readonly #hwaccel: ResolvedHwaccel;
  readonly #logger: Logger;
  #useHardware: boolean;
  #tryingSoftware = false;
  #hardwareFailure = '';

  constructor(
    options: CameraSourceOptions,
    source: FfmpegSourceConfig,
    hwaccel: ResolvedHwaccel,
    logger: Logger,
  ) {
    this.#options = options;
    this.#source = source;
    this.#hwaccel = hwaccel;
    this.#logger = logger;
    this.#useHardware = hwaccel !== 'none';
  }

  open(): CapturePipeline {
    const { url } = this.#source;
    const input = inputArgsForUrl(url, this.#source.rtsp_transport);
    const args = [
      ...ffmpegGlobalArgs({ readsStdin: false }),
      ...(isLiveUrl(url) ? [] : ['-re']),
      ...input.before,
      ...(this.#useHardware ? HWACCEL_INPUT_ARGS[this.#hwaccel] : []),
      ...this.#source.input_args,
      '-i',
      input.input,
      ...rgbOutputArgs(this.#options.config.detect, { limitFps: true }),
    ];
    const stage = spawnStage(
      {
        name: 'ffmpeg',
        command: FFMPEG_BINARY,
        args,
        hint: `check cameras.${this.#options.camera}.source.url (${redactUrl(url)})`,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
      this.#logger,
    );
    return capturePipeline([stage], stageStdout(stage));
  }

  onFirstFrame(): void {
    if (!this.#tryingSoftware) return;
    this.#tryingSoftware = false;
    this.#logger.warn(
      { hwaccel: this.#hwaccel, failure: this.#hardwareFailure },
      `hardware decoder '${this.#hwaccel}' failed to start; decoding in software from now on`,
    );
  }

  afterAttempt(outcome: AttemptOutcome): AttemptDecision {
    if (outcome.gotFrame) return 'backoff';
    if (this.#useHardware) {
      this.#useHardware = false;
      this.#tryingSoftware = true;
      this.#hardwareFailure = outcome.reason;
      this.#logger.debug({ reason: outcome.reason }, 'hardware decoding failed; trying software');
      return 'retry-now';
    }
    if (this.#tryingSoftware) {
      // Software failed too: the stream is down, not the decoder. Keep the hardware decoder.
      this.#tryingSoftware = false;
      this.#useHardware = true;
    }
    return 'backoff';
  }
}
