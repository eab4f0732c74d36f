import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import {
  annotatedFrames,
  type ClipAnnotations,
  type ClipTransform,
  loadAnnotations,
  transformAnnotations,
} from './annotations';
import { decodeEvery, medianFrame } from './background';
import { evalCacheDir, vtestVideo } from './footage';

/** A clip ready to run: a video file and its ground truth (the empty scene has people on no frame). */
export interface PreparedClip {
  name: string;
  video: string;
  annotations: ClipAnnotations;
  /** Frames in the video (the pipeline must process all of them). */
  frames: number;
}

/** The clips the harness knows, in the order it runs them. */
export const CLIP_NAMES = ['vtest', 'vtest-hard', 'empty'] as const;
export type ClipName = (typeof CLIP_NAMES)[number];
/** Clips run by default in quick mode (CI): the real people and the empty scene. */
export const QUICK_CLIPS: readonly ClipName[] = ['vtest', 'empty'];

/** Quick mode: the first seconds of each clip only. */
const QUICK_SECONDS = { people: 4, empty: 3 } as const;
const EMPTY_SECONDS = 30;
/** Every 5th frame of vtest (2 Hz) is annotated; the empty scene is checked as often. */
const ANNOTATION_STEP = 5;

/**
 * The darker, smaller, mirrored copy of vtest: 0.75× (people 15-30 px wide), mirrored, and
 * darkened as dusk looks (lower brightness and contrast, gamma below 1).
 */
const HARD: ClipTransform & { filter: string } = {
  scale: 0.75,
  mirror: true,
  filter: 'eq=brightness=-0.2:contrast=0.65:gamma=0.75',
};

const VTEST_ANNOTATIONS = fileURLToPath(new URL('./clips/vtest.json', import.meta.url));

/** Builds (or finds in the cache) the video of a clip and its annotations; `seconds`: its first seconds only. */
export async function prepareClip(name: ClipName, quick: boolean, seconds?: number): Promise<PreparedClip> {
  const vtest = loadAnnotations(VTEST_ANNOTATIONS);
  const source = vtestVideo();
  const peopleFrames = seconds
    ? Math.round(seconds * vtest.fps)
    : quick
      ? QUICK_SECONDS.people * vtest.fps
      : undefined;
  switch (name) {
    case 'vtest': {
      const video = peopleFrames ? encode(source, 'vtest', ['-frames:v', String(peopleFrames)]) : source;
      const frames = peopleFrames ?? countFrames(source);
      return { name, video, annotations: upTo(vtest, frames), frames };
    }
    case 'vtest-hard': {
      const derived = transformAnnotations(vtest, name, HARD);
      const size = `${derived.width}:${derived.height}`;
      const filter = `scale=${size},${HARD.mirror ? 'hflip,' : ''}${HARD.filter}`;
      const limit = peopleFrames ? ['-frames:v', String(peopleFrames)] : [];
      const video = encode(source, name, ['-vf', filter, ...limit]);
      const frames = peopleFrames ?? countFrames(video);
      return { name, video, annotations: upTo(derived, frames), frames };
    }
    case 'empty': {
      const frames = Math.round(
        Math.min(seconds ?? EMPTY_SECONDS, quick ? QUICK_SECONDS.empty : EMPTY_SECONDS) * vtest.fps,
      );
      const video = await emptyScene(source, vtest, frames);
      const annotations: ClipAnnotations = {
        clip: name,
        source: `the median background of ${vtest.source}, as a still with noise and slow lighting drift`,
        width: vtest.width,
        height: vtest.height,
        fps: vtest.fps,
        frames: Object.fromEntries(
          Array.from({ length: Math.ceil(frames / ANNOTATION_STEP) }, (_, i) => [
            String(i * ANNOTATION_STEP),
            [],
          ]),
        ),
        ignore: [],
      };
      return { name, video, annotations, frames };
    }
  }
}

/** The annotations of the first `frames` frames. */
function upTo(clip: ClipAnnotations, frames: number): ClipAnnotations {
  const kept = annotatedFrames(clip).filter((f) => f < frames);
  return { ...clip, frames: Object.fromEntries(kept.map((f) => [String(f), clip.frames[String(f)] ?? []])) };
}

/**
 * A derived video in the cache, named by its recipe so a changed recipe makes a new one.
 * MPEG-4 part 2 at the best quantiser, like the source: every build of ffmpeg has the encoder.
 */
function encode(input: string, name: string, args: string[], inputArgs: string[] = []): string {
  const recipe = createHash('sha256')
    .update(JSON.stringify([input, args, inputArgs]))
    .digest('hex')
    .slice(0, 12);
  const dir = evalCacheDir();
  mkdirSync(dir, { recursive: true });
  const target = join(dir, `${name}-${recipe}.avi`);
  if (existsSync(target)) return target;
  const partial = `${target}.partial.avi`;
  execFileSync(
    'ffmpeg',
    ['-v', 'error', '-y', ...inputArgs, '-i', input, ...args, '-an', '-c:v', 'mpeg4', '-q:v', '2', partial],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  renameSync(partial, target);
  return target;
}

/**
 * The empty scene: the median of every 5th frame of vtest (the floor without its walkers) as a
 * still video with sensor-like noise and a slow ±3 % brightness drift, so motion detection sees
 * what an empty room gives a real camera. Any incident on it is a false one.
 */
async function emptyScene(source: string, clip: ClipAnnotations, frames: number): Promise<string> {
  const dir = evalCacheDir();
  const still = join(dir, 'vtest-background.png');
  if (!existsSync(still)) {
    const samples = await decodeEvery(source, clip.width, clip.height, ANNOTATION_STEP);
    await sharp(Buffer.from(medianFrame(samples)), {
      raw: { width: clip.width, height: clip.height, channels: 3 },
    })
      .png()
      .toFile(still);
  }
  const filter = `noise=alls=5:allf=t,eq=brightness='0.03*sin(2*PI*t/20)':eval=frame,format=yuv420p`;
  return encode(
    still,
    'empty',
    ['-vf', filter, '-frames:v', String(frames), '-r', String(clip.fps)],
    ['-loop', '1', '-framerate', String(clip.fps)],
  );
}

/** Frames in a video, counted by decoding it (containers' counts can be wrong). */
function countFrames(video: string): number {
  const out = execFileSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-count_frames',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=nb_read_frames',
      '-of',
      'csv=p=0',
      video,
    ],
    { encoding: 'utf8' },
  );
  return Number(out.trim());
}
