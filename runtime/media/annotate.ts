import sharp from 'sharp';
import type { RgbImage } from '../../base/image/rgbImage';
import type { NormalizedBox } from '../../models/types';
import type { Polygon } from '../config/schema/zones';

/** Something to draw on a snapshot. */
export interface Annotation {
  box: NormalizedBox;
  label: string;
  score: number;
}

/** Encodes a frame as JPEG, optionally with boxes, labels and zone outlines drawn on it. */
export async function encodeJpeg(
  image: RgbImage,
  annotations: readonly Annotation[] = [],
  zones: Readonly<Record<string, { coordinates: Polygon }>> = {},
  quality = 80,
): Promise<Buffer> {
  const raw = sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: 3 },
  });
  if (annotations.length === 0 && Object.keys(zones).length === 0) return raw.jpeg({ quality }).toBuffer();
  const svg = overlaySvg(image.width, image.height, annotations, zones);
  return raw
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .jpeg({ quality })
    .toBuffer();
}

function overlaySvg(
  width: number,
  height: number,
  annotations: readonly Annotation[],
  zones: Readonly<Record<string, { coordinates: Polygon }>>,
): string {
  const parts: string[] = [];
  for (const [name, zone] of Object.entries(zones)) {
    const points = zone.coordinates.map(([x, y]) => `${x * width},${y * height}`).join(' ');
    const [lx = 0, ly = 0] = zone.coordinates[0] ?? [];
    parts.push(
      `<polygon points="${points}" fill="rgba(0,160,255,0.12)" stroke="#00a0ff" stroke-width="2"/>`,
      `<text x="${lx * width + 4}" y="${ly * height + 14}" fill="#00a0ff" font-size="13" font-family="sans-serif">${escapeXml(name)}</text>`,
    );
  }
  for (const { box, label, score } of annotations) {
    const [x1, y1, x2, y2] = box;
    const x = x1 * width;
    const y = y1 * height;
    const text = `${escapeXml(label)} ${Math.round(score * 100)}%`;
    parts.push(
      `<rect x="${x}" y="${y}" width="${(x2 - x1) * width}" height="${(y2 - y1) * height}" fill="none" stroke="#ff3b30" stroke-width="2"/>`,
      `<rect x="${x}" y="${Math.max(0, y - 16)}" width="${text.length * 7 + 6}" height="16" fill="#ff3b30"/>`,
      `<text x="${x + 3}" y="${Math.max(0, y - 16) + 12}" fill="#fff" font-size="12" font-family="sans-serif">${text}</text>`,
    );
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
