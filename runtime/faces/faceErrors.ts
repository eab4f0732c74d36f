/** What kind of problem a gallery operation hit; the HTTP API maps it to 400 / 404 / 409. */
export type FaceErrorKind = 'invalid' | 'not_found' | 'conflict';

/**
 * A problem with what the caller asked for (bad name, image without a usable face, unknown
 * person…). `field` names the input at fault; the operation changed nothing.
 */
export class FaceGalleryError extends Error {
  constructor(
    readonly kind: FaceErrorKind,
    message: string,
    readonly field: string | null,
  ) {
    super(message);
    this.name = 'FaceGalleryError';
  }
}
