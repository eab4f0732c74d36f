import { type Static, Type } from '@sinclair/typebox';
import { literalUnion, strictObject } from '../../base/schema';

/** Hardware decoders ffmpeg may use; `auto` probes the board at start. */
export const HWACCELS = ['auto', 'none', 'v4l2m2m', 'nvv4l2dec', 'vaapi', 'qsv'] as const;

const FfmpegSource = strictObject(
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

const FileSource = strictObject(
  {
    driver: Type.Literal('file', { description: 'A video file, for testing and demos.' }),
    path: Type.String({ minLength: 1, description: 'Path of the video file.' }),
    loop: Type.Boolean({ default: true, description: 'Start again at the end of the file.' }),
    realtime: Type.Boolean({
      default: true,
      description: 'Pace frames at the file frame rate instead of as fast as possible.',
    }),
  },
  { description: 'A video file played as a camera.' },
);

const LibcameraSource = strictObject(
  {
    driver: Type.Literal('libcamera', { description: 'A Raspberry Pi camera module via rpicam-vid.' }),
    binary: Type.String({
      minLength: 1,
      default: 'rpicam-vid',
      description: 'Capture program (rpicam-vid, or libcamera-vid on older images).',
    }),
    camera_index: Type.Integer({
      minimum: 0,
      default: 0,
      description: 'Which camera module, when several are attached.',
    }),
    width: Type.Optional(
      Type.Integer({ minimum: 16, maximum: 8192, description: 'Capture width in pixels.' }),
    ),
    height: Type.Optional(
      Type.Integer({ minimum: 16, maximum: 8192, description: 'Capture height in pixels.' }),
    ),
    framerate: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, maximum: 240, description: 'Capture frame rate.' }),
    ),
  },
  { description: 'A camera module attached to the board.' },
);

const SimSource = strictObject(
  {
    driver: Type.Literal('sim', { description: 'Synthetic frames with moving people; needs no hardware.' }),
    scene: literalUnion(['people'], { default: 'people', description: 'What the simulated scene shows.' }),
    people: Type.Integer({
      minimum: 0,
      maximum: 50,
      default: 2,
      description: 'How many simulated people walk about.',
    }),
  },
  { description: 'A simulated camera.' },
);

/**
 * Where a camera's frames come from, chosen by `driver`. The loader picks the variant by
 * `driver` to report errors, so keep `driver` a literal in every variant.
 */
export const CameraSourceSchema = Type.Union([FfmpegSource, FileSource, LibcameraSource, SimSource], {
  description: 'Where frames come from; `driver` is one of ffmpeg, file, libcamera, sim.',
});

/** Where a camera's frames come from. */
export type CameraSourceConfig = Static<typeof CameraSourceSchema>;
/** The driver names a camera source may use. */
export type CameraDriver = CameraSourceConfig['driver'];
