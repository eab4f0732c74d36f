/**
 * Face recognition: blazeface detection, faceres descriptors, cosine matching against a gallery
 * of known and blacklisted people in SQLite, the `/api/v1/faces` routes and `vigil faces`.
 */
export { registerFaceRoutes } from './api/faceRoutes';
export { FaceAnalyzer } from './faceAnalyzer';
export { FaceEnroller } from './faceEnroller';
export { FaceGalleryError } from './faceErrors';
export { FaceRecognizer, type RecognitionStats } from './faceRecognizer';
export { FacesService, type FacesServiceDeps, type SightingContext } from './facesService';
export { FaceGallery } from './gallery/faceGallery';
export type { PersonSummary } from './gallery/galleryStore';
export type { UnknownFaceSummary } from './gallery/unknownFaceStore';
export type { FaceKind, FaceList, FaceMatch } from './types';
