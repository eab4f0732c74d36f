import type { CameraSourceConfig } from '../cameraSourceSchema';
import { ffmpegGlobalArgs, rgbOutputArgs } from '../ffmpeg/ffmpegArgs';
import type { FrameFormat } from '../types';

/** The `libcamera` driver's config section. */
export type LibcameraSourceConfig = Extract<CameraSourceConfig, { driver: 'libcamera' }>;

/** The size and rate the sensor is asked for; detect settings unless the config overrides them. */
export interface CaptureMode {
  width: number;
  height: number;
  framerate: number;
}

/** Capture size and rate: the source's own settings, else detect size and fps. */
export function captureMode(source: LibcameraSourceConfig, detect: FrameFormat): CaptureMode {
  return {
    width: source.width ?? detect.width,
    height: source.height ?? detect.height,
    framerate: source.framerate ?? detect.fps,
  };
}

/**
 * rpicam-vid writing raw YUV420 (I420) frames to stdout, forever, without a preview window;
 * with a post-processing file, the AI Camera's network runs on the sensor and each frame's
 * metadata (its output tensor among it) goes as JSON to `metadataPath`.
 */
export function rpicamArgs(
  source: LibcameraSourceConfig,
  mode: CaptureMode,
  metadataPath?: string,
): string[] {
  const onSensor =
    source.post_process_file === undefined || metadataPath === undefined
      ? []
      : [
          '--post-process-file',
          source.post_process_file,
          '--metadata',
          metadataPath,
          '--metadata-format',
          'json',
        ];
  return [
    '--codec',
    'yuv420',
    '-o',
    '-',
    '-t',
    '0',
    '--width',
    String(mode.width),
    '--height',
    String(mode.height),
    '--framerate',
    String(mode.framerate),
    '--camera',
    String(source.camera_index),
    '--nopreview',
    ...onSensor,
  ];
}

/** ffmpeg reading those YUV420 frames on stdin and writing rgb24 at detect size and fps. */
export function yuvToRgbArgs(mode: CaptureMode, detect: FrameFormat): string[] {
  return [
    ...ffmpegGlobalArgs({ readsStdin: true }),
    '-f',
    'rawvideo',
    '-pix_fmt',
    'yuv420p',
    '-s',
    `${mode.width}x${mode.height}`,
    '-r',
    String(mode.framerate),
    '-i',
    'pipe:0',
    ...rgbOutputArgs(detect, { limitFps: mode.framerate > detect.fps }),
  ];
}
