import { Type } from '@sinclair/typebox';
import { literalUnion, strictObject } from '../../../base/schema';

/** Hardware decoders ffmpeg may use; `auto` probes the board at start. */
export const HWACCELS = ['auto', 'none', 'v4l2m2m', 'nvv4l2dec', 'vaapi', 'qsv'] as const;

/** The `ffmpeg` driver's section of `cameras.<name>.source`. */
export const FfmpegSourceSchema = strictObject(
  {
    driver: Type.Literal('ffmpeg', {
      description: 'Any stream ffmpeg can read (RTSP, HTTP, RTMP, a device).',
    }),
    url: Type.String({
      minLength: 1,
      description: 'Stream URL, e.g. rtsp://user:pass@192.168.1.20:554/stream1.',
    }),
    hwaccel: literalUnion(HWACCELS, {
      default: 'auto',
      description: 'Hardware decoder: auto, none, v4l2m2m (Pi), nvv4l2dec (Jetson), vaapi, qsv.',
    }),
    input_args: Type.Array(Type.String(), {
      default: [],
      description: 'Extra ffmpeg input arguments, placed before -i.',
    }),
    rtsp_transport: literalUnion(['tcp', 'udp'], {
      default: 'tcp',
      description: 'RTSP transport; tcp survives lossy Wi-Fi better.',
    }),
  },
  { description: 'A network or device stream read by ffmpeg.' },
);
