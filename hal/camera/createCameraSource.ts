import type { CameraDriver, CameraSourceConfig } from './cameraSourceSchema';
import { createFfmpegSource } from './ffmpeg/ffmpegSource';
import { createFileSource } from './file/fileSource';
import { createLibcameraSource } from './libcamera/libcameraSource';
import { createSimSource } from './sim/simSource';
import type { CameraSource, CameraSourceOptions } from './types';

type DriverFactory<K extends CameraDriver> = (
  options: CameraSourceOptions,
  source: Extract<CameraSourceConfig, { driver: K }>,
) => CameraSource;

/** One factory per driver name; the mapped type makes a missing driver a compile error. */
const DRIVER_FACTORIES: { readonly [K in CameraDriver]: DriverFactory<K> } = {
  ffmpeg: createFfmpegSource,
  file: createFileSource,
  libcamera: createLibcameraSource,
  sim: createSimSource,
};

/** The valid values of `cameras.<name>.source.driver`. */
const CAMERA_DRIVERS = Object.keys(DRIVER_FACTORIES) as readonly CameraDriver[];

/**
 * Builds the camera source `options.config.source.driver` names. Nothing starts until
 * `frames()` is called. Throws for an unknown driver, listing the valid ones.
 */
export function createCameraSource(options: CameraSourceOptions): CameraSource {
  const source = options.config.source;
  const driver: string = source.driver;
  if (!Object.hasOwn(DRIVER_FACTORIES, driver)) {
    throw new Error(
      `camera '${options.camera}': unknown source driver '${driver}' at cameras.${options.camera}.source.driver; valid drivers: ${CAMERA_DRIVERS.join(', ')}`,
    );
  }
  const factory = DRIVER_FACTORIES[source.driver] as DriverFactory<CameraDriver>;
  return factory(options, source);
}
