/** What kind of problem a request hit; the HTTP API answers 400 / 404 / 409 (MQTT replies say the same). */
export type RequestErrorKind = 'invalid' | 'not_found' | 'conflict';

/**
 * A request that cannot be carried out as asked (bad input, unknown name, wrong state), from
 * whichever door it came in (HTTP, MQTT, CLI). `field` names the input at fault. Nothing was
 * changed. Areas subclass it for their own name (FaceGalleryError, CommandError).
 */
export class RequestError extends Error {
  constructor(
    readonly kind: RequestErrorKind,
    message: string,
    readonly field: string | null,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}
