import type { NormalizedBox } from '../../models/types';

/** The gallery list a person is on. */
export type FaceList = 'known' | 'blacklist';

/** Every list name, for schemas and error messages. */
export const FACE_LISTS: readonly FaceList[] = ['known', 'blacklist'];

/** What recognition concluded about one face. */
type FaceKind = 'known' | 'unknown' | 'blacklisted';

/** A rectangle in (fractional) pixels of an image. */
export interface PixelBox {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** One face blazeface found, before any filtering. */
export interface DetectedFace {
  /** The detector's box, fractions (0..1, clamped) of the image it was found in. */
  box: NormalizedBox;
  /** The same box in pixels of that image (not clamped). */
  pixelBox: PixelBox;
  /** The square, enlarged box the descriptor crop is taken from (pixels, may reach outside the image). */
  cropBox: PixelBox;
  /** Detector confidence, 0..1. */
  score: number;
  /** Six landmarks (eyes, nose, mouth, ears) in pixels of the image. */
  landmarks: Array<[number, number]>;
  /** Smaller side of `pixelBox`, in pixels. */
  sizePx: number;
}

/** Why a detected face was not recognised. */
type FaceRejection = 'too_small' | 'blurred';

/** A detected face with the quality checks applied. */
export interface CheckedFace extends DetectedFace {
  /** Variance of the Laplacian of the face at a fixed size; higher is sharper. */
  sharpness: number;
  /** Null when the face is good enough to recognise. */
  rejected: FaceRejection | null;
}

/** The gallery's verdict on one descriptor. */
export interface GalleryVerdict {
  kind: FaceKind;
  /** The person matched; null for unknown. */
  name: string | null;
  /** Cosine similarity (0..1) to the matched person, or to the closest person for unknown (0 with an empty gallery). */
  score: number;
}

/** One recognised (or unknown) face in an image, as `FaceRecognizer.recognize` returns it. */
export interface FaceMatch extends GalleryVerdict {
  /** The face, fractions of the image given to `recognize`. */
  box: NormalizedBox;
  /** Detector confidence, 0..1. */
  detectionScore: number;
  /** Smaller side of the detector box, pixels of the image given to `recognize`. */
  sizePx: number;
  /** See `CheckedFace.sharpness`. */
  sharpness: number;
  /** The L2-normalised descriptor (1024 floats), e.g. to record an unknown face. */
  descriptor: Float32Array;
  /** The square crop the descriptor came from, pixels of the image (may reach outside it). */
  cropBox: PixelBox;
}
