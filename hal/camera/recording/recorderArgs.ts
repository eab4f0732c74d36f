import type { CameraSourceConfig } from '../cameraSourceSchema';
import { ffmpegGlobalArgs } from '../ffmpeg/ffmpegArgs';
import { inputArgsForUrl, isLiveUrl } from '../ffmpeg/inputUrl';
import type { RecordingEncoder } from './recordingPlan';

/** Where one ffmpeg run writes: its segment file pattern and its CSV segment list. */
export interface SegmentOutput {
  /** e.g. `/ring/front/partial-k3x9-%06d.ts`. */
  pattern: string;
  listFile: string;
  segmentSeconds: number;
}

/** The raw frames an encode-mode run reads from stdin: their size and the rate they come at. */
export interface RawFrameFormat {
  width: number;
  height: number;
  /** The rate frames are pushed at (detect.fps); the actual timing comes from timestamps. */
  fps: number;
}

/**
 * Newest entries kept in the segment list. With a size set, ffmpeg rewrites the list to a `.tmp`
 * file and renames it, so it is never read half-written; 20 lines is far more than can finish
 * between two reads.
 */
const SEGMENT_LIST_SIZE = 20;

/** Bit rate for the hardware encoder, whose ffmpeg default (200 kb/s) smears everything. */
const HARDWARE_BITRATE = '2M';

/**
 * Copy mode: the camera's own encoded video, unchanged, cut into segments. ffmpeg sources get
 * the same input arguments as the capture (RTSP transport, wall-clock timestamps, the user's
 * input_args) on a second connection; file sources are paced with `-re` so they behave like a
 * camera. Audio is dropped: clips are for looking at, and camera audio (G.711) does not fit MP4.
 */
export function copyRecorderArgs(
  source: Extract<CameraSourceConfig, { driver: 'ffmpeg' | 'file' }>,
  output: SegmentOutput,
): string[] {
  return [
    // stdin stays open so `q` can end the run cleanly (last segment finished and listed).
    ...ffmpegGlobalArgs({ readsStdin: true }),
    ...copyInputArgs(source),
    '-map',
    '0:v:0',
    '-c:v',
    'copy',
    '-an',
    '-sn',
    '-dn',
    ...segmentOutputArgs(output),
  ];
}

export function copyInputArgs(source: Extract<CameraSourceConfig, { driver: 'ffmpeg' | 'file' }>): string[] {
  if (source.driver === 'file') {
    // Without `realtime` the file is read as fast as ffmpeg can, and segment times say little.
    return [
      ...(source.realtime ? ['-re'] : []),
      ...(source.loop ? ['-stream_loop', '-1'] : []),
      '-i',
      source.path,
    ];
  }
  const input = inputArgsForUrl(source.url, source.rtsp_transport);
  return [
    ...(isLiveUrl(source.url) ? [] : ['-re']),
    ...input.before,
    ...source.input_args,
    '-i',
    input.input,
  ];
}

/**
 * Encode mode: packed rgb24 frames on stdin, each stamped with its arrival time
 * (`-use_wallclock_as_timestamps`), so a camera that skips frames still gives true durations.
 * The nominal input rate of 1000 only sets the timestamp unit to 1 ms; `-fps_mode passthrough`
 * keeps ffmpeg from inventing or dropping frames to make the rate constant. A keyframe is forced
 * `segmentSeconds` after the previous one, so every segment starts on one (measured from the
 * previous keyframe, not from 0, so a pause in the frames does not force a burst of them).
 */
export function encodeRecorderArgs(
  encoder: Exclude<RecordingEncoder, 'copy'>,
  frame: RawFrameFormat,
  output: SegmentOutput,
): string[] {
  const n = output.segmentSeconds;
  return [
    ...ffmpegGlobalArgs({ readsStdin: true }),
    ...rawFrameInputArgs(frame),
    '-an',
    '-fps_mode',
    'passthrough',
    '-pix_fmt',
    'yuv420p',
    ...encoderArgs(encoder, frame.fps),
    '-force_key_frames',
    `expr:if(isnan(prev_forced_t),gte(t,${n}),gte(t-prev_forced_t,${n}))`,
    ...segmentOutputArgs(output),
  ];
}

/** Packed rgb24 frames on stdin, stamped as they arrive (see encodeRecorderArgs); the live view reads them so too. */
export function rawFrameInputArgs(frame: RawFrameFormat): string[] {
  return [
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-video_size',
    `${frame.width}x${frame.height}`,
    '-framerate',
    '1000',
    '-use_wallclock_as_timestamps',
    '1',
    // The format is given, so there is nothing to probe; by default ffmpeg would hold back the
    // first 5 MB of frames (seconds of video) to analyse them before encoding any.
    '-probesize',
    '32',
    '-analyzeduration',
    '0',
    '-i',
    'pipe:0',
  ];
}

/**
 * x264 is told the nominal rate: with 1 ms timestamps it would otherwise take ffmpeg's guess from
 * the first frame or two, which changes the H.264 level from run to run (and with it the stream
 * parameters a clip joins) and skews its rate control. Timestamps still pass through unchanged.
 */
function encoderArgs(encoder: Exclude<RecordingEncoder, 'copy'>, fps: number): string[] {
  if (encoder === 'h264_v4l2m2m') return ['-c:v', 'h264_v4l2m2m', '-b:v', HARDWARE_BITRATE];
  return ['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-x264-params', `fps=${fps}`];
}

/**
 * MPEG-TS segments: a TS file is readable up to its last complete packet even after kill -9,
 * where an MP4 without its index is not. Timestamps restart at 0 in each segment so any run of
 * them concatenates cleanly. The CSV list reports each segment once ffmpeg has closed it.
 */
function segmentOutputArgs(output: SegmentOutput): string[] {
  return [
    '-f',
    'segment',
    '-segment_time',
    String(output.segmentSeconds),
    '-segment_format',
    'mpegts',
    '-reset_timestamps',
    '1',
    '-segment_list',
    output.listFile,
    '-segment_list_type',
    'csv',
    '-segment_list_size',
    String(SEGMENT_LIST_SIZE),
    output.pattern,
  ];
}
