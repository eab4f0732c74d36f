import type { RgbImage } from '../../base/image/rgbImage';
import type { FaceAnalyzer } from './faceAnalyzer';
import { FaceGalleryError } from './faceErrors';
import type { EnrollOutcome, FaceGallery } from './gallery/faceGallery';
import type { NewDescriptor } from './gallery/galleryStore';
import { decodeImage, encodeCropJpeg, ImageRejectedError } from './image/imageCodec';
import { checkFaceList, checkPersonName } from './personName';
import type { CheckedFace } from './types';

/** One image to enroll from. */
interface EnrollImage {
  /** A file path, or the encoded bytes (JPEG, PNG, WebP). */
  input: string | Buffer;
  /** How errors name it: the file path, or e.g. `image` for an upload. */
  label: string;
  /** The input field errors blame; default `image`. */
  field?: string;
}

/** What to enroll. `list` is checked here, so a raw CLI or API string may be passed. */
export interface EnrollRequest {
  name: string;
  list?: string;
  images: EnrollImage[];
}

/** The enrollment result, with the face used from each image. */
export interface EnrollResult extends EnrollOutcome {
  faces: Array<{ label: string; score: number; sizePx: number; sharpness: number }>;
}

/**
 * Enrolls a person from photos: the largest face of each image is checked (size, sharpness) and
 * described. All images are examined before anything is stored, so one bad image rejects the
 * whole request with an error naming it, and the gallery is unchanged.
 */
export class FaceEnroller {
  readonly #analyzer: FaceAnalyzer;
  readonly #gallery: FaceGallery;

  constructor(analyzer: FaceAnalyzer, gallery: FaceGallery) {
    this.#analyzer = analyzer;
    this.#gallery = gallery;
  }

  async enroll(request: EnrollRequest): Promise<EnrollResult> {
    const name = checkPersonName(request.name);
    const list = request.list === undefined ? undefined : checkFaceList(request.list);
    if (request.images.length === 0)
      throw new FaceGalleryError('invalid', 'give at least one image', 'image');
    const descriptors: NewDescriptor[] = [];
    const faces: EnrollResult['faces'] = [];
    for (const image of request.images) {
      const field = image.field ?? 'image';
      const decoded = await decode(image, field);
      const face = this.#largestUsableFace(decoded, image.label, field, await this.#analyzer.detect(decoded));
      const descriptor = await this.#analyzer.embed(decoded, face.cropBox);
      descriptors.push({
        descriptor,
        thumbnail: await encodeCropJpeg(decoded, face.cropBox),
        source: image.label,
        detectionScore: face.score,
        sharpness: face.sharpness,
      });
      faces.push({ label: image.label, score: face.score, sizePx: face.sizePx, sharpness: face.sharpness });
    }
    return { ...(await this.#gallery.enroll(name, list, descriptors)), faces };
  }

  /**
   * Enrolls the unknown face `id` as it was recognised: its own descriptor, its crop as the
   * thumbnail. Nothing is detected again, so a face that was good enough to be recognised on the
   * camera is good enough here, however small its JPEG crop.
   */
  async enrollUnknown(id: number, request: Omit<EnrollRequest, 'images'>): Promise<EnrollResult> {
    const name = checkPersonName(request.name);
    const list = request.list === undefined ? undefined : checkFaceList(request.list);
    const face = this.#gallery.unknownFace(id);
    const label = `unknown face ${id}${face.camera ? ` seen on ${face.camera}` : ''} at ${new Date(face.seenAt).toISOString()}`;
    const quality = face.quality ?? { detectionScore: 0, sizePx: 0, sharpness: 0 };
    const outcome = await this.#gallery.enroll(name, list, [
      {
        descriptor: face.descriptor,
        thumbnail: face.crop,
        source: label,
        detectionScore: quality.detectionScore,
        sharpness: quality.sharpness,
      },
    ]);
    return { ...outcome, faces: [{ label, score: quality.detectionScore, ...quality }] };
  }

  #largestUsableFace(image: RgbImage, label: string, field: string, found: CheckedFace[]): CheckedFace {
    const face = [...found].sort((a, b) => b.sizePx - a.sizePx)[0];
    if (!face) {
      throw new FaceGalleryError(
        'invalid',
        `no face found in ${label} (${image.width}×${image.height}) — use a photo where the face is clearly visible and takes up a good part of the picture`,
        field,
      );
    }
    const { minFaceSize, minSharpness } = this.#analyzer.limits;
    if (face.rejected === 'too_small') {
      throw new FaceGalleryError(
        'invalid',
        `the face in ${label} is too small (${Math.round(face.sizePx)} px, faces.min_face_size is ${minFaceSize}) — use a closer photo or crop it around the person`,
        field,
      );
    }
    if (face.rejected === 'blurred') {
      throw new FaceGalleryError(
        'invalid',
        `the face in ${label} is too blurred (sharpness ${face.sharpness.toFixed(0)}, needs ${minSharpness}) — use a sharper photo`,
        field,
      );
    }
    return face;
  }
}

async function decode(image: EnrollImage, field: string): Promise<RgbImage> {
  try {
    return await decodeImage(image.input);
  } catch (err) {
    if (err instanceof ImageRejectedError)
      throw new FaceGalleryError(err.kind, `${image.label} ${err.message}`, field);
    const code = (err as NodeJS.ErrnoException).code;
    const message = (err as Error).message;
    if (typeof image.input === 'string' && (code === 'ENOENT' || /missing|no such file/i.test(message))) {
      throw new FaceGalleryError('invalid', `${image.label}: no such file`, field);
    }
    throw new FaceGalleryError(
      'invalid',
      `${image.label} could not be read as a JPEG, PNG or WebP image (${message})`,
      field,
    );
  }
}
