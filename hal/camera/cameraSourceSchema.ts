import { type Static, Type } from '@sinclair/typebox';
import { FfmpegSourceSchema } from './ffmpeg/ffmpegSourceSchema';
import { FileSourceSchema } from './file/fileSourceSchema';
import { LibcameraSourceSchema } from './libcamera/libcameraSourceSchema';
import { SimSourceSchema } from './sim/simSourceSchema';

/**
 * Where a camera's frames come from, chosen by `driver`: each driver owns its section's schema
 * beside its code. The loader picks the variant by
 * `driver` to report errors, so keep `driver` a literal in every variant.
 */
export const CameraSourceSchema = Type.Union(
  [FfmpegSourceSchema, FileSourceSchema, LibcameraSourceSchema, SimSourceSchema],
  {
    description: 'Where frames come from; `driver` is one of ffmpeg, file, libcamera, sim.',
  },
);

/** Where a camera's frames come from. */
export type CameraSourceConfig = Static<typeof CameraSourceSchema>;
/** The driver names a camera source may use. */
export type CameraDriver = CameraSourceConfig['driver'];
