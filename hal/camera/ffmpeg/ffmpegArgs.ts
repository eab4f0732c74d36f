import type { FrameFormat } from '../types';

/** The ffmpeg program; found on PATH (Debian's `ffmpeg` package on the image). */
export const FFMPEG_BINARY = 'ffmpeg';

/** Quiet, non-interactive ffmpeg: only errors on stderr, which become the offline reason. */
export function ffmpegGlobalArgs(options: { readsStdin: boolean }): string[] {
  return ['-hide_banner', '-nostats', '-loglevel', 'error', ...(options.readsStdin ? [] : ['-nostdin'])];
}

/**
 * Output side of every capture: drop audio/subtitles/data, thin to detect.fps (unless the
 * input already runs at or below it), scale to detect size, write packed rgb24 to stdout.
 */
export function rgbOutputArgs(detect: FrameFormat, options: { limitFps: boolean }): string[] {
  const filters = [
    ...(options.limitFps ? [`fps=${detect.fps}`] : []),
    `scale=${detect.width}:${detect.height}:flags=bilinear`,
  ];
  return ['-an', '-sn', '-dn', '-vf', filters.join(','), '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1'];
}
