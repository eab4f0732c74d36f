import { FaceGalleryError } from './faceErrors';
import { FACE_LISTS, type FaceList } from './types';

/** Longest person name accepted. */
export const MAX_PERSON_NAME_LENGTH = 64;

/**
 * Letters (any script), digits, spaces and `. _ ' -`, starting with a letter or digit: readable in
 * logs and MQTT payloads, and safe as one URL path segment (`DELETE /api/v1/faces/:name`).
 */
const PERSON_NAME_PATTERN = "^[\\p{L}\\p{N}][\\p{L}\\p{N} ._'-]*$";

const NAME = new RegExp(PERSON_NAME_PATTERN, 'u');

/** The trimmed name, or a FaceGalleryError naming `field` and saying what is allowed. */
export function checkPersonName(raw: string, field = 'name'): string {
  const name = raw.trim();
  if (name === '') throw new FaceGalleryError('invalid', `${field}: a person's name is required`, field);
  if (name.length > MAX_PERSON_NAME_LENGTH)
    throw new FaceGalleryError('invalid', `${field}: at most ${MAX_PERSON_NAME_LENGTH} characters`, field);
  if (!NAME.test(name)) {
    throw new FaceGalleryError(
      'invalid',
      `${field}: '${name}' may only hold letters, digits, spaces and . _ ' - (starting with a letter or digit)`,
      field,
    );
  }
  return name;
}

/** The list name, or a FaceGalleryError listing the valid ones. */
export function checkFaceList(raw: string, field = 'list'): FaceList {
  if ((FACE_LISTS as readonly string[]).includes(raw)) return raw as FaceList;
  throw new FaceGalleryError(
    'invalid',
    `${field}: unknown list '${raw}'; use one of ${FACE_LISTS.join(', ')}`,
    field,
  );
}
