import type { Writable } from 'node:stream';
import { capturePipeline } from '../core/capturePipeline';
import { spawnStage, stageStdout } from '../core/spawnStage';
import { SupervisedSource } from '../core/supervisedSource';
import { FFMPEG_BINARY } from '../ffmpeg/ffmpegArgs';
import type { CameraSource, CameraSourceOptions } from '../types';
import { captureMode, type LibcameraSourceConfig, rpicamArgs, yuvToRgbArgs } from './libcameraArgs';

export type { LibcameraSourceConfig } from './libcameraArgs';

/**
 * `libcamera` driver: a Raspberry Pi camera module. `source.binary` (rpicam-vid) writes raw
 * YUV420 to stdout; an ffmpeg converts it to rgb24 at detect size. Either process exiting
 * ends the attempt, and the supervisor restarts both.
 */
export function createLibcameraSource(
  options: CameraSourceOptions,
  source: LibcameraSourceConfig,
): CameraSource {
  const logger = options.logger.child({ driver: 'libcamera' });
  const { detect } = options.config;
  const mode = captureMode(source, detect);
  const sourceKey = `cameras.${options.camera}.source`;
  return new SupervisedSource(options, {
    driver: 'libcamera',
    mode: 'latest',
    pipeline: {
      open: () => {
        const capture = spawnStage(
          {
            name: source.binary,
            command: source.binary,
            args: rpicamArgs(source, mode),
            hint: `check the camera cable and ${sourceKey}.binary (rpicam-vid from rpicam-apps; libcamera-vid on older images)`,
            stdio: ['ignore', 'pipe', 'pipe'],
          },
          logger,
        );
        const convert = spawnStage(
          {
            name: 'ffmpeg',
            command: FFMPEG_BINARY,
            args: yuvToRgbArgs(mode, detect),
            hint: `check ${sourceKey}.width/height/framerate against what ${source.binary} writes`,
            stdio: ['pipe', 'pipe', 'pipe'],
          },
          logger,
        );
        const convertInput = convert.process.child.stdin as Writable | null;
        if (convertInput) stageStdout(capture).pipe(convertInput);
        return capturePipeline([capture, convert], stageStdout(convert));
      },
    },
  });
}
