import sharp from 'sharp';
import type { Frame } from '../../../hal/camera/types';
import type { SnapshotRequest } from '../../../runtime/media/snapshots/snapshotSaver';
import { SAMPLES_JPG } from '../../fixtures/personVideo';

export const WIDTH = 640;
export const HEIGHT = 360;

/** A real photo (the people grid shipped with @vladmandic/human) as a 640×360 rgb24 frame. */
export async function photoFrame(timestamp = Date.now(), options: { flip?: boolean } = {}): Promise<Frame> {
  let image = sharp(SAMPLES_JPG).resize(WIDTH, HEIGHT, { fit: 'cover' });
  if (options.flip) image = image.flop();
  const data = await image.removeAlpha().raw().toBuffer();
  return { data, width: WIDTH, height: HEIGHT, format: 'rgb24', timestamp, seq: 0 };
}

/** A snapshot request for the woman at the top left of the photo grid. */
export function requestFor(frame: Frame, overrides: Partial<SnapshotRequest> = {}): SnapshotRequest {
  return {
    camera: 'front',
    objectId: '1700000000.123456-abc123',
    label: 'person',
    score: 0.87,
    box: [0.02, 0.05, 0.2, 0.6],
    zones: ['porch'],
    frame,
    at: Date.UTC(2024, 4, 17, 12, 0, 0),
    zonesConfig: {
      porch: {
        coordinates: [
          [0, 0.5],
          [1, 0.5],
          [1, 1],
          [0, 1],
        ],
      },
    },
    ...overrides,
  };
}
