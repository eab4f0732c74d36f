import { RequestError } from '../../../base/requestError';

const DATA_URL_PREFIX = /^data:[\w.+-]+\/[\w.+-]+;base64,/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * The bytes of a base64 image field (standard or URL-safe alphabet, whitespace ignored, optional
 * `data:image/…;base64,` prefix). Throws a 400 naming `field` when it is not base64 at all; whether
 * the bytes are an image is for the decoder to say.
 */
export function decodeBase64Image(value: string, field: string): Buffer {
  const text = value.replace(DATA_URL_PREFIX, '').replace(/\s+/g, '');
  if (text.length === 0 || !BASE64.test(text) || text.replace(/=+$/, '').length % 4 === 1) {
    throw new RequestError(
      'invalid',
      `${field}: not valid base64; send the image file's bytes base64-encoded`,
      field,
    );
  }
  return Buffer.from(text, 'base64');
}
