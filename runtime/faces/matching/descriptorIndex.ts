import type { FaceList, GalleryVerdict } from '../types';
import { cosineSimilarity } from './cosineSimilarity';
import { faceVerdict, type ListCandidate } from './faceVerdict';

/** An enrolled person as the index knows them. */
export interface IndexedPerson {
  id: number;
  name: string;
  list: FaceList;
}

/** One stored descriptor and whose it is. */
export interface IndexedDescriptor {
  personId: number;
  descriptor: Float32Array;
}

/**
 * Every enrolled descriptor in one contiguous matrix, for a brute-force cosine scan (1024 floats
 * per row: a thousand descriptors is a million multiply-adds, well under a millisecond). Immutable:
 * the gallery builds a new index after each change and swaps it in.
 */
export class DescriptorIndex {
  readonly #people: IndexedPerson[];
  readonly #rowOwner: Int32Array;
  readonly #matrix: Float32Array;
  readonly #length: number;

  constructor(people: IndexedPerson[], descriptors: IndexedDescriptor[], length: number) {
    const slot = new Map(people.map((person, index) => [person.id, index]));
    const rows = descriptors.filter((d) => slot.has(d.personId) && d.descriptor.length === length);
    this.#people = people;
    this.#length = length;
    this.#rowOwner = Int32Array.from(rows, (row) => slot.get(row.personId) ?? -1);
    this.#matrix = new Float32Array(rows.length * length);
    rows.forEach((row, i) => {
      this.#matrix.set(row.descriptor, i * length);
    });
  }

  /** Number of descriptors indexed. */
  get size(): number {
    return this.#rowOwner.length;
  }

  /** The gallery's verdict on a descriptor (see `faceVerdict`). */
  match(descriptor: Float32Array, threshold: number): GalleryVerdict {
    let bestKnown: ListCandidate | null = null;
    let bestBlacklisted: ListCandidate | null = null;
    for (let row = 0; row < this.#rowOwner.length; row++) {
      const person = this.#people[this.#rowOwner[row] ?? -1];
      if (!person) continue;
      const score = cosineSimilarity(descriptor, this.#matrix, row * this.#length);
      if (person.list === 'blacklist') {
        if (!bestBlacklisted || score > bestBlacklisted.score) bestBlacklisted = { ...person, score };
      } else if (!bestKnown || score > bestKnown.score) {
        bestKnown = { ...person, score };
      }
    }
    return faceVerdict(bestKnown, bestBlacklisted, threshold);
  }
}
