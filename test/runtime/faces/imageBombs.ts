/**
 * Images an attacker would upload instead of a face photo: formats the API does not take, and a
 * PNG far bigger decoded than sent. Made here, byte by byte, so nothing large is ever allocated.
 */
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

/** A few hundred bytes that ask for 16000×16000 pixels and a wide blur over all of them. */
export const SVG_BOMB = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="16000" height="16000"><filter id="b"><feGaussianBlur stdDeviation="500"/></filter><rect width="16000" height="16000" fill="#888" filter="url(#b)"/><circle cx="8000" cy="8000" r="4000" filter="url(#b)"/></svg>',
);

export function tiffImage(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } })
    .tiff()
    .toBuffer();
}

export function gifImage(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } })
    .gif()
    .toBuffer();
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/**
 * A valid black `side`×`side` PNG (1-bit grey, so it is small to make and to send: ~35 KB for
 * 16000²). Decoded to RGB, as the face pipeline would, 16000² is 768 MB.
 */
export function hugePng(side: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.writeUInt8(1, 8); // bit depth
  header.writeUInt8(0, 9); // greyscale
  // compression, filter, interlace: 0
  const row = 1 + Math.ceil(side / 8);
  const pixels = deflateSync(Buffer.alloc(row * side), { level: 9 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', pixels),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
