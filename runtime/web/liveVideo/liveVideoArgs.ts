import type { CameraSourceConfig } from '../../../hal/camera/cameraSourceSchema';
import { ffmpegGlobalArgs } from '../../../hal/camera/ffmpeg/ffmpegArgs';
import {
  copyInputArgs,
  type RawFrameFormat,
  rawFrameInputArgs,
} from '../../../hal/camera/recording/recorderArgs';
import type { CameraConfig } from '../../config/schema/camera';

/** Sources whose own encoded video can be copied: the camera's H.264 (or a file of it). */
type CopyableSource = Extract<CameraSourceConfig, { driver: 'ffmpeg' | 'file' }>;

/** How a camera's live video is made: the ffmpeg to start, and whether it reads pushed frames. */
export interface LiveVideoSource {
  args: string[];
  /** Set when ffmpeg encodes the pipeline's frames (fed on its stdin): their size and rate. */
  frames?: RawFrameFormat;
}

/** Longest wait for a keyframe, in seconds: a viewer joins at one, so this bounds how long it sees nothing. */
const LIVE_KEYFRAME_SECONDS = 1;

/**
 * The live video of an enabled camera: stream copy of its own H.264 (ffmpeg and file sources),
 * or, for raw-frame cameras (sim, libcamera), an encoder fed the frames the pipeline already has.
 */
export function liveVideoSource(camera: CameraConfig): LiveVideoSource | undefined {
  if (!camera.enabled) return undefined;
  const { source } = camera;
  if (source.driver === 'ffmpeg' || source.driver === 'file') return { args: copyArgs(source) };
  const { width, height, fps } = camera.detect;
  const frames = { width, height, fps };
  return { args: encodeArgs(frames), frames };
}

/**
 * The camera's video as fragmented MP4 on stdout, by stream copy (no decoding: a fraction of a
 * percent of a core). The input is read as the recorder reads it (same RTSP transport, wall-clock
 * stamps, the user's input_args).
 */
function copyArgs(source: CopyableSource): string[] {
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
    ...fmp4OutputArgs(),
  ];
}

/**
 * A raw-frame camera's live video: its processed rgb24 frames (detect size and rate) encoded as
 * the recorder encodes them (x264 ultrafast, zerolatency: no B-frames, no lookahead, so a frame
 * leaves as soon as it is pushed), but on its own, only while somebody watches. The recorder's
 * encoder is not shared: its keyframes are `segment_seconds` apart, far too few for a late
 * joiner. Here a keyframe is forced each second, and the quality is a live view's (CRF 28,
 * capped at 1 Mbit/s), not evidence's.
 */
function encodeArgs(frames: RawFrameFormat): string[] {
  const k = LIVE_KEYFRAME_SECONDS;
  return [
    ...ffmpegGlobalArgs({ readsStdin: true }),
    ...rawFrameInputArgs(frames),
    '-fps_mode',
    'passthrough',
    '-pix_fmt',
    'yuv420p',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-tune',
    'zerolatency',
    '-crf',
    '28',
    '-maxrate',
    '1M',
    '-bufsize',
    '1M',
    // The nominal rate (see recorderArgs encoderArgs) and one frame thread: a pipeline's few
    // frames a second gain nothing from more, and each thread would hold a frame back.
    '-x264-params',
    `fps=${frames.fps}:threads=1`,
    '-force_key_frames',
    `expr:if(isnan(prev_forced_t),1,gte(t-prev_forced_t,${k}))`,
    ...fmp4OutputArgs(),
  ];
}

/**
 * `empty_moov` puts the init segment (ftyp+moov) first, so a viewer can start before any frame;
 * `frag_every_frame` cuts a fragment per frame so a frame leaves ffmpeg as soon as it arrives,
 * and `frag_keyframe` makes every keyframe start one, where a late viewer joins.
 * `-flush_packets 1` hands each fragment to the pipe at once instead of when ffmpeg's 32 KiB
 * output buffer fills (seconds of video at a camera's bit rate).
 */
function fmp4OutputArgs(): string[] {
  return [
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
