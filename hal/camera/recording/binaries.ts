/** The programs the recording ring runs; both come from Debian's `ffmpeg` package on the image. */
export { FFMPEG_BINARY } from '../ffmpeg/ffmpegArgs';

/** ffprobe, found on PATH next to ffmpeg. */
export const FFPROBE_BINARY = 'ffprobe';
