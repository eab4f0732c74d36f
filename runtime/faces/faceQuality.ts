import type { RgbImage } from '../../base/image/rgbImage';
import { faceSharpness } from './image/faceSharpness';
import type { CheckedFace, DetectedFace } from './types';

/**
 * Sharpness (variance of the Laplacian at 64×64, see `faceSharpness`) below which a face is too
 * blurred to recognise. Measured on human's sample photos: sharp faces of 40-130 px score 70-525
 * (a face darkened to 60 % brightness 123, JPEG quality 10 still ~380); Gaussian blur σ=2 gives
 * 17-92 and still matches (cosine ≈ 0.88), σ=3 gives 2-18 and blazeface mostly loses the face.
 * 20 rejects σ≈3 and worse while keeping dim and small-but-sharp faces.
 */
export const DEFAULT_MIN_SHARPNESS = 20;

/** Limits a face must meet to be recognised or enrolled. */
export interface FaceQualityLimits {
  /** `faces.min_face_size`: smaller side of the detector box, pixels of the analysed image. */
  minFaceSize: number;
  minSharpness: number;
}

/** Measures a detected face and says whether (and why not) it is good enough. */
export function checkFace(image: RgbImage, face: DetectedFace, limits: FaceQualityLimits): CheckedFace {
  if (face.sizePx < limits.minFaceSize) return { ...face, sharpness: 0, rejected: 'too_small' };
  const sharpness = faceSharpness(image, face.pixelBox);
  return { ...face, sharpness, rejected: sharpness < limits.minSharpness ? 'blurred' : null };
}
