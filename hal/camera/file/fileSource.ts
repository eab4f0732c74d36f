import { statSync } from 'node:fs';
import type { CameraSourceConfig } from '../cameraSourceSchema';
import { type CapturePipeline, capturePipeline } from '../core/capturePipeline';
import { spawnStage, stageStdout } from '../core/spawnStage';
import {
  type AttemptDecision,
  type AttemptOutcome,
  CameraInputError,
  type PipelineDriver,
  SupervisedSource,
} from '../core/supervisedSource';
import { DECODER_INPUT_ARGS, FFMPEG_BINARY, ffmpegGlobalArgs, rawOutputArgs } from '../ffmpeg/ffmpegArgs';
import type { CameraSource, CameraSourceOptions, FrameFormat } from '../types';

/** The `file` driver's config section. */
export type FileSourceConfig = Extract<CameraSourceConfig, { driver: 'file' }>;

/**
 * `file` driver: a video file played as a camera, for demos and tests. `realtime: true`
 * paces it at its own frame rate (ffmpeg `-re`) and behaves like a live camera (frames are
 * dropped for a slow consumer); `realtime: false` decodes as fast as the consumer takes
 * frames and drops none. `loop: false` ends `frames()` at the end of the file.
 */
export function createFileSource(options: CameraSourceOptions, source: FileSourceConfig): CameraSource {
  const logger = options.logger.child({ driver: 'file' });
  const pathHint = `check cameras.${options.camera}.source.path`;

  const pipeline: PipelineDriver = {
    open(): CapturePipeline {
      assertReadableFile(source.path, pathHint);
      const args = fileCaptureArgs(source, options.config.detect);
      const stage = spawnStage(
        {
          name: 'ffmpeg',
          command: FFMPEG_BINARY,
          args,
          hint: `${pathHint} (${source.path})`,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
        logger,
      );
      return capturePipeline([stage], stageStdout(stage));
    },
    afterAttempt(outcome: AttemptOutcome): AttemptDecision {
      if (outcome.gotFrame && outcome.exitCode === 0 && !source.loop)
        return { finish: `end of file ${source.path}` };
      return 'backoff';
    },
  };
  return new SupervisedSource(options, {
    driver: 'file',
    mode: source.realtime ? 'latest' : 'lossless',
    pixelFormat: 'yuv420p',
    pipeline,
  });
}

/** The ffmpeg command line playing the file: decoded like a camera stream (see ffmpegCaptureArgs). */
export function fileCaptureArgs(source: FileSourceConfig, detect: FrameFormat): string[] {
  return [
    ...ffmpegGlobalArgs({ readsStdin: false }),
    ...(source.realtime ? ['-re'] : []),
    ...(source.loop ? ['-stream_loop', '-1'] : []),
    ...DECODER_INPUT_ARGS,
    '-i',
    source.path,
    ...rawOutputArgs(detect, { limitFps: true }),
  ];
}

/** Throws a {@link CameraInputError} naming the path unless it is a readable regular file. */
function assertReadableFile(path: string, hint: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'file not found' : `cannot read file (${code})`;
    throw new CameraInputError(`${what}: ${path} — ${hint}`);
  }
  if (!isFile) throw new CameraInputError(`not a file: ${path} — ${hint}`);
}
