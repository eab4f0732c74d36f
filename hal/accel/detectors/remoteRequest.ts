import sharp from 'sharp';
import type { RgbImage } from '../../../base/image/rgbImage';
import { redactUrl } from '../../../base/redact';
import type { Detection } from '../../../models/types';
import { parseDeepstackResponse } from './deepstackResponse';

/** How one detection request reaches the server. */
export interface RemoteEndpoint {
  /** The detector's name, for messages that point at its settings. */
  detector: string;
  url: string;
  timeoutMs: number;
  minConfidence: number;
  /** Sent as the multipart field `api_key` (DeepStack's API key, as Frigate sends it). */
  apiKey?: string;
  /** Answers longer than this are refused before they are parsed. */
  maxResponseBytes: number;
}

/**
 * One detection request in the DeepStack / CodeProject.AI shape: the image as a JPEG in the
 * multipart field `image`, `min_confidence`, and `api_key` when set; a `user:password@` in the
 * URL becomes HTTP Basic auth (fetch refuses URLs that carry credentials). Returns the
 * detections with boxes as fractions of the image; throws a message that names the setting to
 * check, with the URL's credentials redacted.
 */
export async function requestDetections(endpoint: RemoteEndpoint, image: RgbImage): Promise<Detection[]> {
  const { detector, timeoutMs } = endpoint;
  const shown = redactUrl(endpoint.url);
  const fail = (why: string) => new Error(`detector '${detector}' (remote): ${shown} ${why}`);
  const { url, headers } = splitCredentials(endpoint.url);
  const jpeg = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
  const form = new FormData();
  form.append('image', new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' }), 'frame.jpg');
  form.append('min_confidence', String(endpoint.minConfidence));
  if (endpoint.apiKey !== undefined) form.append('api_key', endpoint.apiKey);
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { method: 'POST', body: form, headers, signal });
    text = await readBounded(response, endpoint.maxResponseBytes);
  } catch (err) {
    if (signal.aborted) {
      throw fail(
        `gave no answer within ${timeoutMs} ms — raise detectors.${detector}.timeout_ms or check the server`,
      );
    }
    if (err instanceof TooLarge) {
      throw fail(
        `answered with more than ${endpoint.maxResponseBytes} bytes; refused unread — is it a DeepStack/CodeProject.AI detection endpoint?`,
      );
    }
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw fail(
      `cannot be reached (${cause?.code ?? cause?.message ?? (err as Error).message}) — check detectors.${detector}.url`,
    );
  }
  if (!response.ok) {
    const hint =
      response.status === 401 || response.status === 403
        ? ` — check detectors.${detector}.api_key and the user and password in detectors.${detector}.url`
        : '';
    throw fail(`answered HTTP ${response.status} ${response.statusText}: ${snippet(text)}${hint}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw fail(
      `answered with something that is not JSON (${snippet(text)}) — is it a DeepStack/CodeProject.AI detection endpoint?`,
    );
  }
  try {
    return parseDeepstackResponse(body, image.width, image.height);
  } catch (err) {
    throw fail(`gave an unusable answer: ${(err as Error).message}`);
  }
}

class TooLarge extends Error {}

/** The body as text, refusing (and cancelling) one that grows past `limit` bytes before decoding any of it. */
async function readBounded(response: Response, limit: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel();
    throw new TooLarge();
  }
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new TooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The URL without its userinfo, and the Basic auth header that carries it instead. */
function splitCredentials(raw: string): { url: string; headers: Record<string, string> } {
  const url = new URL(raw);
  if (url.username === '' && url.password === '') return { url: raw, headers: {} };
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  const basic = Buffer.from(`${user}:${password}`).toString('base64');
  return { url: url.href, headers: { authorization: `Basic ${basic}` } };
}

/** The start of a response body, on one line, for error messages. */
function snippet(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  if (oneLine === '') return '(empty body)';
  return oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine;
}
