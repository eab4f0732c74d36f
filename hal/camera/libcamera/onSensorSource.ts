import type { Detection } from '../../../models/types';
import type { CameraSource, Frame } from '../types';

/**
 * The camera's frames, each carrying the latest detections the sensor reported (none before
 * the first), so the pipeline uses them instead of running a detector on the frame; stopping it
 * also closes what fed the detections.
 */
export function withSensorDetections(
  source: CameraSource,
  sensor: { latest: () => Detection[] | null; close: () => void },
): CameraSource {
  return {
    camera: source.camera,
    driver: source.driver,
    stop: async () => {
      await source.stop();
      sensor.close();
    },
    stats: () => source.stats(),
    frames: () => tagged(source.frames(), sensor.latest),
  };
}

async function* tagged(frames: AsyncIterable<Frame>, latest: () => Detection[] | null): AsyncIterable<Frame> {
  for await (const frame of frames) yield { ...frame, detections: latest() ?? [] };
}
