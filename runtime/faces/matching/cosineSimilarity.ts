/** Cosine similarity of two L2-normalised vectors (their dot product), over the shorter length. */
export function cosineSimilarity(a: Float32Array, b: Float32Array, bOffset = 0): number {
  const length = Math.min(a.length, b.length - bOffset);
  let sum = 0;
  for (let i = 0; i < length; i++) sum += (a[i] ?? 0) * (b[bOffset + i] ?? 0);
  return sum;
}
