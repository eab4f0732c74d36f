import type { CameraSourceConfig } from '../../../hal/camera/cameraSourceSchema';
import { ffmpegGlobalArgs } from '../../../hal/camera/ffmpeg/ffmpegArgs';
import { copyInputArgs } from '../../../hal/camera/recording/recorderArgs';

/** Sources whose own encoded video can be copied: the camera's H.264 (or a file of it). */
export type CopyableSource = Extract<CameraSourceConfig, { driver: 'ffmpeg' | 'file' }>;

export function isCopyable(source: CameraSourceConfig): source is CopyableSource {
  return source.driver === 'ffmpeg' || source.driver === 'file';
}

/**
 * The camera's video as fragmented MP4 on stdout, by stream copy (no decoding: a fraction of a
 * percent of a core). The input is read as the recorder reads it (same RTSP transport, wall-clock
 * stamps, the user's input_args). `empty_moov` puts the init segment (ftyp+moov) first, so a
 * viewer can start before any frame; `frag_every_frame` cuts a fragment per frame so a frame
 * leaves ffmpeg as soon as it arrives, and `frag_keyframe` makes every keyframe start one, where
 * a late viewer joins. `-flush_packets 1` hands each fragment to the pipe at once instead of
 * when ffmpeg's 32 KiB output buffer fills (seconds of video at a camera's bit rate).
 */
export function liveVideoArgs(source: CopyableSource): string[] {
  return [
    ...ffmpegGlobalArgs({ readsStdin: false }),
    '-fflags',
    'nobuffer',
    // Half a second of probing finds the stream's parameters (RTSP has them in its SDP anyway);
    // ffmpeg's default of 5 s only delays the first picture. A camera's input_args may override it.
    '-analyzeduration',
    '500000',
    ...copyInputArgs(source),
    '-map',
    '0:v:0',
    '-c:v',
    'copy',
    '-an',
    '-sn',
    '-dn',
    '-f',
    'mp4',
    '-movflags',
    'frag_keyframe+empty_moov+default_base_moof+frag_every_frame',
    '-flush_packets',
    '1',
    'pipe:1',
  ];
}
