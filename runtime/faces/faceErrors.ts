import { RequestError } from '../../base/requestError';

/**
 * A problem with what the caller asked of the gallery (bad name, image without a usable face,
 * unknown person…). `field` names the input at fault; the operation changed nothing.
 */
export class FaceGalleryError extends RequestError {
  override name = 'FaceGalleryError';
}
