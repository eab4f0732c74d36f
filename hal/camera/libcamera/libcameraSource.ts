import type { Writable } from 'node:stream';
import { capturePipeline } from '../core/capturePipeline';
import { spawnStage, stageStdout } from '../core/spawnStage';
import { CameraInputError, SupervisedSource } from '../core/supervisedSource';
import { FFMPEG_BINARY } from '../ffmpeg/ffmpegArgs';
import type { CameraSource, CameraSourceOptions } from '../types';
import { captureMode, type LibcameraSourceConfig, rpicamArgs, yuvToRgbArgs } from './libcameraArgs';
import { type MetadataFifo, openMetadataFifo } from './metadataFifo';
import { withSensorDetections } from './onSensorSource';
import {
  readSensorDetectionSettings,
  SensorDetectionReader,
  type SensorDetectionSettings,
} from './sensorDetections';

export type { LibcameraSourceConfig } from './libcameraArgs';

/**
 * `libcamera` driver: a Raspberry Pi camera module. `source.binary` (rpicam-vid) writes raw
 * YUV420 to stdout; an ffmpeg converts it to rgb24 at detect size. Either process exiting
 * ends the attempt, and the supervisor restarts both. With `post_process_file` (the AI Camera),
 * rpicam-vid also writes each frame's metadata to a pipe, and frames carry the detections the
 * sensor made.
 */
export function createLibcameraSource(
  options: CameraSourceOptions,
  source: LibcameraSourceConfig,
): CameraSource {
  const logger = options.logger.child({ driver: 'libcamera' });
  const { detect } = options.config;
  const mode = captureMode(source, detect);
  const sourceKey = `cameras.${options.camera}.source`;
  const postProcessFile = source.post_process_file;
  let reader: SensorDetectionReader | null = null;
  let fifo: MetadataFifo | null = null;
  const supervised = new SupervisedSource(options, {
    driver: 'libcamera',
    mode: 'latest',
    pipeline: {
      open: () => {
        // Read at each attempt: a missing file (imx500-all not installed yet) keeps the camera
        // offline with the reason, and it starts once the file is there.
        const onSensor =
          postProcessFile === undefined
            ? null
            : readSettings(postProcessFile, `${sourceKey}.post_process_file`);
        if (onSensor && !fifo) {
          const opened = openMetadataFifo();
          opened.stream.on('data', (chunk: Buffer) => reader?.push(chunk));
          opened.stream.on('error', (err) => logger.warn({ err }, 'reading the camera metadata failed'));
          fifo = opened;
        }
        // A new reader per attempt: a restarted rpicam-vid starts a new JSON array.
        if (onSensor) reader = new SensorDetectionReader(onSensor);
        const capture = spawnStage(
          {
            name: source.binary,
            command: source.binary,
            args: rpicamArgs(source, mode, fifo?.path),
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
  if (postProcessFile === undefined) return supervised;
  return withSensorDetections(supervised, {
    latest: () => reader?.latest() ?? null,
    close: () => {
      fifo?.close();
      fifo = null;
    },
  });
}

/** The post-processing file's settings; a file that cannot be used is the camera's input error. */
function readSettings(path: string, setting: string): SensorDetectionSettings {
  try {
    return readSensorDetectionSettings(path, setting);
  } catch (err) {
    throw new CameraInputError((err as Error).message);
  }
}
