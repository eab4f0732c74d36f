import type { VigilEvent } from '../../../domain/eventModel';
import type { Enricher } from '../types';

/** A gallery match: who, on which list, and how far the embedding was from theirs (lower is closer). */
export interface FaceMatch {
  name: string;
  list: 'known' | 'blacklist';
  distance: number;
}

/** The enrolled faces; the faces service implements it. */
export interface FaceGallery {
  /** The closest enrolled face within the recognition threshold, or null. */
  identify(embedding: number[]): FaceMatch | null | Promise<FaceMatch | null>;
}

/** What `face_identity` adds to an event; `list: 'unknown'` means nobody was recognised. */
export interface FaceIdentity {
  name: string | null;
  list: 'known' | 'blacklist' | 'unknown';
  distance?: number;
  /** `gallery`: matched here from the embedding; `event`: taken from what the producer reported. */
  source: 'gallery' | 'event';
}

export interface FaceIdentityEnricherOptions {
  /** Without a gallery, identities come from event data only. */
  gallery?: FaceGallery;
  timeoutMs: number;
  retries: number;
}

/**
 * `face_identity`: who the face is. From the gallery when the face pipeline attached an
 * embedding; otherwise from `data.face_name` / `data.face_list` / the event type, so face events
 * from external systems are still identified.
 */
export function createFaceIdentityEnricher(options: FaceIdentityEnricherOptions): Enricher {
  return {
    name: 'face_identity',
    priority: 20,
    dependsOn: [],
    timeoutMs: options.timeoutMs,
    retries: options.retries,
    canProcess: (event) =>
      event.type.startsWith('face_') ||
      embeddingOf(event) !== null ||
      typeof event.data.face_name === 'string' ||
      typeof event.data.face_list === 'string',
    async enrich(event) {
      const embedding = embeddingOf(event);
      if (embedding !== null && options.gallery) {
        const match = await options.gallery.identify(embedding);
        const identity: FaceIdentity = match
          ? { name: match.name, list: match.list, distance: match.distance, source: 'gallery' }
          : { name: null, list: 'unknown', source: 'gallery' };
        return { ...identity };
      }
      return { ...identityFromEventData(event) };
    },
  };
}

/** The identity a producer reported, falling back to what the event type implies. */
function identityFromEventData(event: VigilEvent): FaceIdentity {
  const { face_name: rawName, face_list: rawList, face_distance: distance } = event.data;
  const name = typeof rawName === 'string' && rawName.trim() !== '' ? rawName.trim() : null;
  let list: FaceIdentity['list'];
  if (rawList === 'known' || rawList === 'blacklist') list = rawList;
  else if (event.type === 'face_blacklisted') list = 'blacklist';
  else if (event.type === 'face_known') list = 'known';
  else if (event.type === 'face_unknown') list = 'unknown';
  else list = name === null ? 'unknown' : 'known';
  const identity: FaceIdentity = { name: list === 'unknown' ? null : name, list, source: 'event' };
  if (typeof distance === 'number' && Number.isFinite(distance)) identity.distance = distance;
  return identity;
}

/** `data.embedding` when it is a non-empty array of finite numbers, else null. */
function embeddingOf(event: VigilEvent): number[] | null {
  const value = event.data.embedding;
  if (!Array.isArray(value) || value.length === 0) return null;
  return value.every((x) => typeof x === 'number' && Number.isFinite(x)) ? (value as number[]) : null;
}
