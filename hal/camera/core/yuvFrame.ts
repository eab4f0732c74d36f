import { yuv420pToRgb24 } from '../../../base/image/yuv420';
import type { Frame } from '../types';

/**
 * A frame delivered as `yuv420p`: `luma` is a view of its Y plane, and `data` (rgb24) is
 * converted on first read and kept. Motion reads only `luma`, so an idle camera's frames are never
 * converted; detection crops, snapshots, faces and the encoder read `data` as from any other source.
 */
class YuvFrame implements Frame {
  readonly format = 'rgb24';
  readonly luma: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly timestamp: number;
  readonly seq: number;
  readonly #yuv: Buffer;
  #rgb: Buffer | undefined;

  constructor(yuv: Buffer, width: number, height: number, timestamp: number, seq: number) {
    this.#yuv = yuv;
    this.luma = yuv.subarray(0, width * height);
    this.width = width;
    this.height = height;
    this.timestamp = timestamp;
    this.seq = seq;
  }

  get data(): Buffer {
    if (!this.#rgb) {
      this.#rgb = Buffer.allocUnsafe(this.width * this.height * 3);
      yuv420pToRgb24(this.#yuv, this.width, this.height, this.#rgb);
    }
    return this.#rgb;
  }
}

/** The frame for `yuv420p` bytes (exactly `yuv420pBytes(width, height)` long). */
export function yuvFrame(yuv: Buffer, width: number, height: number, timestamp: number, seq: number): Frame {
  return new YuvFrame(yuv, width, height, timestamp, seq);
}
