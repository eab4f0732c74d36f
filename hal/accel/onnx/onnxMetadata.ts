import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** ModelProto field numbers and protobuf wire types this reader needs. */
const METADATA_PROPS_FIELD = 14;
const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

/**
 * Reads the `metadata_props` key/value pairs of an .onnx file (e.g. Ultralytics writes `names`,
 * `imgsz`, `task`). Only top-level fields are walked, reading a few bytes at a time, so a large
 * model file is not read into memory. Returns {} for a file without metadata.
 */
export function readOnnxMetadata(file: string): Record<string, string> {
  const fd = openSync(file, 'r');
  try {
    const reader = new PositionalReader(fd);
    const metadata: Record<string, string> = {};
    while (!reader.atEnd()) {
      const key = reader.varint();
      const field = Math.floor(key / 8);
      const wireType = key % 8;
      if (wireType === WIRE_VARINT) reader.varint();
      else if (wireType === WIRE_FIXED64) reader.skip(8);
      else if (wireType === WIRE_FIXED32) reader.skip(4);
      else if (wireType === WIRE_LENGTH_DELIMITED) {
        const length = reader.varint();
        if (field === METADATA_PROPS_FIELD) {
          const [name, value] = parseStringPair(reader.bytes(length));
          if (name !== undefined) metadata[name] = value ?? '';
        } else reader.skip(length);
      } else throw new Error(`${file} is not an ONNX model (protobuf wire type ${wireType} at top level)`);
    }
    return metadata;
  } finally {
    closeSync(fd);
  }
}

/**
 * Class names from Ultralytics' `names` metadata, a Python dict literal such as
 * `{0: 'person', 1: 'bicycle'}` (JSON-style quoting accepted too); undefined when absent.
 */
export function parseClassNames(names: string | undefined): string[] | undefined {
  if (!names) return undefined;
  const labels: string[] = [];
  for (const match of names.matchAll(/['"]?(\d+)['"]?\s*:\s*(['"])((?:\\.|(?!\2).)*)\2/g)) {
    labels[Number(match[1])] = (match[3] ?? '').replace(/\\(.)/g, '$1');
  }
  if (labels.length === 0) return undefined;
  return Array.from(labels, (label, index) => label ?? `class_${index}`);
}

/** StringStringEntryProto: field 1 = key, field 2 = value. */
function parseStringPair(bytes: Buffer): [string | undefined, string | undefined] {
  const pair: [string | undefined, string | undefined] = [undefined, undefined];
  let at = 0;
  while (at < bytes.length) {
    const [key, afterKey] = decodeVarint(bytes, at);
    if (key % 8 !== WIRE_LENGTH_DELIMITED) break;
    const [length, afterLength] = decodeVarint(bytes, afterKey);
    const text = bytes.subarray(afterLength, afterLength + length).toString('utf8');
    if (key >> 3 === 1) pair[0] = text;
    else if (key >> 3 === 2) pair[1] = text;
    at = afterLength + length;
  }
  return pair;
}

function decodeVarint(bytes: Uint8Array, start: number): [number, number] {
  let value = 0;
  let multiplier = 1;
  for (let at = start; at < bytes.length && at < start + 10; at++) {
    const byte = bytes[at] ?? 0;
    value += (byte & 0x7f) * multiplier;
    multiplier *= 128;
    if (byte < 0x80) return [value, at + 1];
  }
  throw new Error('truncated protobuf varint');
}

/** Reads a file front to back at an explicit position, a few bytes per call. */
class PositionalReader {
  readonly #fd: number;
  #position = 0;
  readonly #size: number;

  constructor(fd: number) {
    this.#fd = fd;
    this.#size = fstatSync(fd).size;
  }

  atEnd(): boolean {
    return this.#position >= this.#size;
  }

  varint(): number {
    const chunk = Buffer.alloc(10);
    const read = readSync(this.#fd, chunk, 0, 10, this.#position);
    const [value, next] = decodeVarint(chunk.subarray(0, read), 0);
    this.#position += next;
    return value;
  }

  bytes(length: number): Buffer {
    const buffer = Buffer.alloc(length);
    const read = readSync(this.#fd, buffer, 0, length, this.#position);
    if (read !== length) throw new Error('truncated ONNX file');
    this.#position += length;
    return buffer;
  }

  skip(length: number): void {
    this.#position += length;
    if (this.#position > this.#size) throw new Error('truncated ONNX file');
  }
}
