import { existsSync } from 'node:fs';
import type { RecorderCameraConfig, RecordingMode } from './types';

/** The device node of the Raspberry Pi's (4 and earlier) H.264 hardware encoder (bcm2835-codec). */
const HARDWARE_ENCODER_DEVICE = '/dev/video11';

/** What ffmpeg writes the ring with. */
export type RecordingEncoder = 'copy' | 'h264_v4l2m2m' | 'libx264';

/** How one camera is recorded, decided once from its config (and the board, for `auto`). */
export interface RecordingPlan {
  mode: RecordingMode;
  encoder: RecordingEncoder;
}

/** Error in a camera's `record` config that no retry can fix; the message names the config path. */
export class RecordingConfigError extends Error {}

/** True when the board has the Pi's H.264 encoder (absent on a Pi 5, a PC, a CI machine). */
function hardwareEncoderPresent(): boolean {
  return existsSync(HARDWARE_ENCODER_DEVICE);
}

/**
 * Drivers that hand ffmpeg an encoded stream (`ffmpeg`, `file`) are stream-copied: re-encoding is
 * what costs the CPU on a Pi, and the camera already did it. Drivers that only deliver decoded
 * frames (`libcamera`, `sim`) are encoded once, in hardware when the board has an encoder.
 */
export function planRecording(
  camera: string,
  config: RecorderCameraConfig,
  hasHardwareEncoder: () => boolean = hardwareEncoderPresent,
): RecordingPlan {
  const { encoder } = config.record;
  const { driver } = config.source;
  const encodedSource = driver === 'ffmpeg' || driver === 'file';
  if (encodedSource) {
    // An explicit encoder on an encoded source is honoured only as "copy": decoding and
    // re-encoding an already encoded stream is never what the user wants on this hardware.
    return { mode: 'copy', encoder: 'copy' };
  }
  if (encoder === 'copy')
    throw new RecordingConfigError(
      `cameras.${camera}.record.encoder: 'copy' needs an encoded stream, but the '${driver}' driver ` +
        'delivers raw frames; use auto, h264_v4l2m2m or libx264',
    );
  if (encoder === 'auto')
    return { mode: 'encode', encoder: hasHardwareEncoder() ? 'h264_v4l2m2m' : 'libx264' };
  return { mode: 'encode', encoder };
}
