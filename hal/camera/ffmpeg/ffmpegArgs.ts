import type { FrameFormat, RawPixelFormat } from '../types';

/** The ffmpeg program; found on PATH (Debian's `ffmpeg` package on the image). */
export const FFMPEG_BINARY = 'ffmpeg';

/** Quiet, non-interactive ffmpeg: only errors on stderr, which become the offline reason. */
export function ffmpegGlobalArgs(options: { readsStdin: boolean }): string[] {
  return ['-hide_banner', '-nostats', '-loglevel', 'error', ...(options.readsStdin ? [] : ['-nostdin'])];
}

/**
 * Decoder options for a camera stream, placed before `-i` (and before the camera's own
 * `input_args`, which may override them). One decoding thread: ffmpeg's default of a frame thread
 * per core costs about a tenth more CPU for the same frames (thread hand-offs) and buffers a frame
 * per thread of latency. Boards without a hardware decoder for the stream (a Pi 5, a PC) decode a
 * 1080p stream on one core well in real time; a hardware decoder ignores the option.
 *
 * No in-loop deblocking (`-skip_loop_filter all`, H.264 and HEVC; codecs without the filter
 * ignore it): 22 % less decoding CPU on a 720p 1 Mbit/s 5 fps stream, 31 % at 15 fps 2 Mbit/s.
 * The price is faint block edges that the scale to the detect size halves: vtest as H.264 at
 * 0.6 Mbit/s, at 640×480, lost 0.7 dB of luma PSNR against the source (43.3 → 42.7 dB), and the
 * default detector found the same people (frame recall 321 → 318 of 338 boxes, precision 0.83
 * both, 16 of 16 people, no false incident). `skip_loop_filter nonref` would skip nothing on a
 * camera stream (no B-frames: every frame is a reference) and `nokey` saved nothing here.
 * `input_args: ['-skip_loop_filter', 'default']` turns deblocking back on for one camera.
 */
export const DECODER_INPUT_ARGS: readonly string[] = ['-threads', '1', '-skip_loop_filter', 'all'];

/**
 * Output side of every capture: drop audio/subtitles/data, thin to detect.fps (unless the input
 * already runs at or below it) before scaling, so dropped frames are never scaled, scale to the
 * detect size, and write raw frames to stdout: `yuv420p` (the default for decoded streams: no
 * colour conversion in ffmpeg, half the bytes through the pipe, and motion reads its Y plane
 * directly) or `rgb24`.
 */
export function rawOutputArgs(
  detect: FrameFormat,
  options: { limitFps: boolean; pixelFormat?: RawPixelFormat },
): string[] {
  const filters = [
    ...(options.limitFps ? [`fps=${detect.fps}`] : []),
    `scale=${detect.width}:${detect.height}:flags=bilinear`,
  ];
  const pixelFormat = options.pixelFormat ?? 'yuv420p';
  return ['-an', '-sn', '-dn', '-vf', filters.join(','), '-pix_fmt', pixelFormat, '-f', 'rawvideo', 'pipe:1'];
}

/** {@link rawOutputArgs} writing packed rgb24. */
export function rgbOutputArgs(detect: FrameFormat, options: { limitFps: boolean }): string[] {
  return rawOutputArgs(detect, { ...options, pixelFormat: 'rgb24' });
}
