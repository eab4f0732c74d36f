import { Type } from '@sinclair/typebox';
import { strictObject } from '../../../base/schema';

/** The `libcamera` driver's section of `cameras.<name>.source`. */
export const LibcameraSourceSchema = strictObject(
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
    post_process_file: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'Raspberry Pi AI Camera (IMX500): an rpicam-apps object detection post-processing file, e.g. /usr/share/rpi-camera-assets/imx500_mobilenet_ssd.json. The sensor detects; this camera uses its detections instead of a detector.',
      }),
    ),
  },
  { description: 'A camera module attached to the board.' },
);
