import { readFileSync } from 'node:fs';
import type { Box } from '../base/geometry';

/** One annotated person on one frame: a stable id per person, a box in pixels. */
interface AnnotatedPerson {
  id: number;
  box: Box;
}

/**
 * A region where people cannot be told apart (a crowd, heavy occlusion, a person cut by the
 * frame edge): a detection there is neither a hit nor a false positive, a person there is no miss.
 * It applies on the frames `first`..`last` (inclusive), or on every frame when they are absent.
 */
interface IgnoreRegion {
  box: Box;
  first?: number;
  last?: number;
}

/**
 * Ground truth of one clip (the format of eval/clips/*.json, described in eval/README.md).
 * Only the frames listed are annotated; every person on such a frame has a box (or is inside an
 * ignore region). Frame indices count from 0 in the source video.
 */
export interface ClipAnnotations {
  clip: string;
  /** Where the video comes from (human-readable). */
  source: string;
  width: number;
  height: number;
  fps: number;
  frames: Record<string, AnnotatedPerson[]>;
  ignore: IgnoreRegion[];
}

/** Reads and checks an annotation file; an error names the file and the bad entry. */
export function loadAnnotations(path: string): ClipAnnotations {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as ClipAnnotations;
  const bad = (what: string) => new Error(`${path}: ${what}; see eval/README.md for the format`);
  for (const key of ['clip', 'source'] as const)
    if (typeof parsed[key] !== 'string') throw bad(`${key} must be a string`);
  for (const key of ['width', 'height', 'fps'] as const)
    if (!(typeof parsed[key] === 'number' && parsed[key] > 0)) throw bad(`${key} must be a positive number`);
  if (typeof parsed.frames !== 'object' || parsed.frames === null) throw bad('frames must be an object');
  for (const [frame, people] of Object.entries(parsed.frames)) {
    if (!/^\d+$/.test(frame)) throw bad(`frames key "${frame}" must be a frame index`);
    if (!Array.isArray(people)) throw bad(`frames["${frame}"] must be an array`);
    for (const person of people) {
      if (!Number.isInteger(person.id)) throw bad(`frames["${frame}"]: every person needs an integer id`);
      checkBox(person.box, parsed, () => bad(`frames["${frame}"] person ${person.id}: bad box`));
    }
  }
  if (!Array.isArray(parsed.ignore)) throw bad('ignore must be an array');
  for (const [i, region] of parsed.ignore.entries())
    checkBox(region.box, parsed, () => bad(`ignore[${i}]: bad box`));
  return parsed;
}

function checkBox(box: unknown, clip: ClipAnnotations, error: () => Error): void {
  if (!Array.isArray(box) || box.length !== 4 || !box.every((v) => typeof v === 'number')) throw error();
  const [x1, y1, x2, y2] = box as [number, number, number, number];
  if (!(x1 < x2 && y1 < y2 && x1 >= 0 && y1 >= 0 && x2 <= clip.width && y2 <= clip.height)) throw error();
}

/** The annotated frame indices, in order. */
export function annotatedFrames(clip: ClipAnnotations): number[] {
  return Object.keys(clip.frames)
    .map(Number)
    .sort((a, b) => a - b);
}

/** The ignore regions that apply on `frame`. */
export function ignoredOn(clip: ClipAnnotations, frame: number): Box[] {
  return clip.ignore
    .filter((r) => (r.first === undefined || frame >= r.first) && (r.last === undefined || frame <= r.last))
    .map((r) => r.box);
}

/** How a derived clip was made from its source: scaled by `scale`, mirrored left-right or not. */
export interface ClipTransform {
  scale: number;
  mirror: boolean;
}

/**
 * The annotations of a clip derived by ffmpeg (`scale`, then `hflip`): every box moves with the
 * pixels, so the derived clip needs no second hand-made file. Sizes round as ffmpeg's do.
 */
export function transformAnnotations(clip: ClipAnnotations, name: string, t: ClipTransform): ClipAnnotations {
  const width = evenSize(clip.width * t.scale);
  const height = evenSize(clip.height * t.scale);
  const sx = width / clip.width;
  const sy = height / clip.height;
  const map = (b: Box): Box => {
    const x1 = b[0] * sx;
    const x2 = b[2] * sx;
    return [t.mirror ? width - x2 : x1, b[1] * sy, t.mirror ? width - x1 : x2, b[3] * sy];
  };
  return {
    clip: name,
    source: `${clip.source}, scaled ×${t.scale}${t.mirror ? ', mirrored' : ''}`,
    width,
    height,
    fps: clip.fps,
    frames: Object.fromEntries(
      Object.entries(clip.frames).map(([f, people]) => [
        f,
        people.map((p) => ({ id: p.id, box: map(p.box) })),
      ]),
    ),
    ignore: clip.ignore.map((r) => ({ ...r, box: map(r.box) })),
  };
}

/** ffmpeg's `scale=W:H` with `-2`-style rounding to an even size (what yuv420p needs). */
function evenSize(size: number): number {
  return 2 * Math.round(size / 2);
}
