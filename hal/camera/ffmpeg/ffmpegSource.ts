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
import type { CameraSource, CameraSourceOptions, FrameFormat } from '../types';
import { DECODER_INPUT_ARGS, FFMPEG_BINARY, ffmpegGlobalArgs, rawOutputArgs } from './ffmpegArgs';
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
 * decoded (in hardware when configured), thinned to detect.fps and scaled to detect size by ffmpeg,
 * delivered as yuv420p (see rawOutputArgs).
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
    pixelFormat: 'yuv420p',
    pipeline: new FfmpegPipeline(options, source, hwaccel, logger),
  });
}

/**
 * The ffmpeg command line for one attempt with the given decoder: input options, the decoder's
 * (hardware, or one software thread), the camera's own `input_args` (last, so they win), then
 * frames thinned and scaled to the detect format as yuv420p.
 */
export function ffmpegCaptureArgs(
  source: Pick<FfmpegSourceConfig, 'url' | 'rtsp_transport' | 'input_args'>,
  detect: FrameFormat,
  decoder: ResolvedHwaccel,
): string[] {
  const { url } = source;
  const input = inputArgsForUrl(url, source.rtsp_transport);
  return [
    ...ffmpegGlobalArgs({ readsStdin: false }),
    ...(isLiveUrl(url) ? [] : ['-re']),
    ...input.before,
    ...(decoder === 'none' ? DECODER_INPUT_ARGS : HWACCEL_INPUT_ARGS[decoder]),
    ...source.input_args,
    '-i',
    input.input,
    ...rawOutputArgs(detect, { limitFps: true }),
  ];
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
    const args = ffmpegCaptureArgs(
      this.#source,
      this.#options.config.detect,
      this.#useHardware ? this.#hwaccel : 'none',
    );
    const { url } = this.#source;
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
