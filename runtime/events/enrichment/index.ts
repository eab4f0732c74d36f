export type { FaceGallery, FaceMatch } from './builtins/faceIdentity';

export { createEnrichment } from './createEnrichment';
