import sharp from 'sharp';
import { encodeJpeg } from '../annotate';
import type { SnapshotRequest } from './snapshotSaver';

/**
 * JPEG quality of the full-size snapshots (at detect size): 75 looks the same at that size and
 * writes about a third less onto the card than 85 (bench:writes).
 */
const SNAPSHOT_QUALITY = 75;
/** Longest side of a thumbnail in pixels: enough for an event list or a notification. */
const THUMBNAIL_SIZE = 320;
const THUMBNAIL_QUALITY = 75;

/** The three encoded images of one snapshot, in the order of `SnapshotFiles`. */
export interface SnapshotImages {
  snapshot: Buffer;
  annotated: Buffer;
  thumbnail: Buffer;
}

/** Encodes the clean, annotated and thumbnail JPEGs of a sighting (sharp runs them on its own threads). */
export async function encodeSnapshotImages(request: SnapshotRequest): Promise<SnapshotImages> {
  const { frame, box, label, score, zones, zonesConfig } = request;
  const caption = zones.length > 0 ? `${label} in ${zones.join(', ')}` : label;
  const [snapshot, annotated, thumbnail] = await Promise.all([
    encodeJpeg(frame, [], {}, SNAPSHOT_QUALITY),
    encodeJpeg(frame, [{ box, label: caption, score }], zonesConfig, SNAPSHOT_QUALITY),
    encodeThumbnail(frame),
  ]);
  return { snapshot, annotated, thumbnail };
}

async function encodeThumbnail(frame: SnapshotRequest['frame']): Promise<Buffer> {
  const pixels = Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength);
  return sharp(pixels, { raw: { width: frame.width, height: frame.height, channels: 3 } })
    .resize({ width: THUMBNAIL_SIZE, height: THUMBNAIL_SIZE, fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: THUMBNAIL_QUALITY })
    .toBuffer();
}
