/** A descriptor as stored: little-endian float32s (every platform Vigil runs on is little-endian). */
export function descriptorToBlob(descriptor: Float32Array): Buffer {
  return Buffer.from(
    descriptor.buffer.slice(descriptor.byteOffset, descriptor.byteOffset + descriptor.byteLength),
  );
}

/** A stored descriptor back as floats (copied, so it is aligned and owned). */
export function blobToDescriptor(blob: Uint8Array): Float32Array {
  const copy = new Uint8Array(blob.byteLength - (blob.byteLength % 4));
  copy.set(blob.subarray(0, copy.byteLength));
  return new Float32Array(copy.buffer);
}
