import { FFPROBE_BINARY } from './binaries';
import { runTool } from './runTool';

/** The video stream's coding parameters: equal before and after a stream copy. */
interface VideoParameters {
  codec: string;
  profile: string;
  width: number;
  height: number;
  pixFmt: string;
  level: number;
}

/** What {@link probeMedia} reports about a media file. */
export interface MediaInfo {
  durationMs: number;
  video: VideoParameters;
  /** The first video packet (in decode order) is a keyframe: playback can start at once. */
  firstFrameKey: boolean;
}

interface ProbeOutput {
  format?: { duration?: string };
  streams?: Array<{
    codec_name?: string;
    profile?: string;
    width?: number;
    height?: number;
    pix_fmt?: string;
    level?: number;
    duration?: string;
  }>;
  packets?: Array<{ flags?: string }>;
}

/** Reads duration, video parameters and whether it starts on a keyframe, with ffprobe. */
export async function probeMedia(file: string): Promise<MediaInfo> {
  const { stdout } = await runTool(
    FFPROBE_BINARY,
    [
      '-v',
      'error',
      '-print_format',
      'json',
      '-select_streams',
      'v:0',
      '-show_entries',
      'format=duration:stream=codec_name,profile,width,height,pix_fmt,level,duration:packet=flags',
      // Only the first packet is needed for the keyframe check; the rest come from the headers.
      '-read_intervals',
      '%+#1',
      file,
    ],
    { what: `cannot probe ${file}`, timeoutMs: 30_000 },
  );
  const output = JSON.parse(stdout) as ProbeOutput;
  const stream = output.streams?.[0];
  if (!stream) throw new Error(`cannot probe ${file}: it has no video stream`);
  const seconds = Number(output.format?.duration ?? stream.duration);
  return {
    durationMs: Number.isFinite(seconds) ? Math.round(seconds * 1000) : 0,
    video: {
      codec: stream.codec_name ?? 'unknown',
      profile: stream.profile ?? 'unknown',
      width: stream.width ?? 0,
      height: stream.height ?? 0,
      pixFmt: stream.pix_fmt ?? 'unknown',
      level: stream.level ?? 0,
    },
    firstFrameKey: output.packets?.[0]?.flags?.startsWith('K') ?? false,
  };
}
