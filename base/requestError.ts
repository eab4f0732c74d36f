/**
 * What kind of problem a request hit. The HTTP API answers each with its status (400, 401, 403,
 * 404, 409, 415, 429, 503, 507); MQTT replies carry the kind itself.
 */
export type RequestErrorKind =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  /** The input is of a format that is not accepted (an SVG where a JPEG, PNG or WebP is expected). */
  | 'unsupported_media_type'
  | 'too_many_requests'
  | 'unavailable'
  /** Nothing could be stored: the disk (data partition) is full. */
  | 'storage_full';

/**
 * A request that cannot be carried out as asked (bad input, unknown name, wrong state, not
 * allowed, not now), from whichever door it came in (HTTP, MQTT, CLI). `field` names the input at
 * fault. Nothing was changed. The one error vocabulary below the web layer: areas throw it (or a
 * subclass with their own name, such as FaceGalleryError or CommandError) and each door turns it
 * into its own answer.
 */
export class RequestError extends Error {
  constructor(
    readonly kind: RequestErrorKind,
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}
