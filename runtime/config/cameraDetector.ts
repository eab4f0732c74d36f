import type { CameraConfig } from './schema/camera';

/**
 * The name of the detector a camera uses: its `detector`, else `default`, else the first one
 * configured; undefined when there is none of those (the config check reports a named one
 * that does not exist).
 */
export function cameraDetectorName(
  camera: Pick<CameraConfig, 'detector'>,
  detectors: Readonly<Record<string, unknown>>,
): string | undefined {
  const name =
    camera.detector ?? (Object.hasOwn(detectors, 'default') ? 'default' : Object.keys(detectors)[0]);
  return name !== undefined && Object.hasOwn(detectors, name) ? name : undefined;
}
