import { probeBoard } from '../../board/index';
import type { HWACCELS } from './ffmpegSourceSchema';

/** A configured hardware decoding preset. */
export type HwaccelPreset = (typeof HWACCELS)[number];
/** A preset after `auto` has been decided. */
export type ResolvedHwaccel = Exclude<HwaccelPreset, 'auto'>;

/** ffmpeg input arguments (before `-i`) for each decoder preset. H.264 streams are assumed. */
export const HWACCEL_INPUT_ARGS: Readonly<Record<ResolvedHwaccel, readonly string[]>> = {
  none: [],
  v4l2m2m: ['-c:v', 'h264_v4l2m2m'],
  nvv4l2dec: ['-c:v', 'h264_nvv4l2dec'],
  // Without -hwaccel_output_format the decoded frames come back to memory for the software scaler.
  vaapi: ['-hwaccel', 'vaapi', '-hwaccel_device', '/dev/dri/renderD128'],
  qsv: ['-hwaccel', 'qsv', '-qsv_device', '/dev/dri/renderD128', '-c:v', 'h264_qsv'],
};

/**
 * The decoder for a board, from its device-tree model string. The Raspberry Pi 5 has no
 * H.264 decoder block (only HEVC), so it decodes in software like a PC.
 */
export function hwaccelForBoard(model: string): ResolvedHwaccel {
  if (/Raspberry Pi (5|Compute Module 5)/i.test(model)) return 'none';
  if (/Raspberry Pi/i.test(model)) return 'v4l2m2m';
  if (/Jetson|NVIDIA/i.test(model)) return 'nvv4l2dec';
  return 'none';
}

/** Decides `auto` by the board (/proc/device-tree/model); other presets pass through. */
export function resolveHwaccel(
  preset: HwaccelPreset,
  boardModel: () => string = () => probeBoard().model,
): ResolvedHwaccel {
  return preset === 'auto' ? hwaccelForBoard(boardModel()) : preset;
}
