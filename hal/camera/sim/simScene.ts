import { PERSON_CROPS } from './personCrops';
import { loadPersonSprites, spriteKey } from './personSprites';
import { sceneBackground } from './sceneBackground';
import { pasteSprite, type Sprite } from './sprite';
import { LANES, type Walker, walkerPosition, walkers } from './walkSchedule';

/**
 * The simulated scene: real photos of people walking across a static backdrop on a fixed
 * 20 s cycle. `frameAt(t)` is a pure function of the scene time, so runs are repeatable.
 */
export class SimScene {
  readonly width: number;
  readonly height: number;
  readonly #background: Buffer;
  readonly #cast: Array<{ walker: Walker; sprite: Sprite }>;

  private constructor(width: number, height: number, cast: Array<{ walker: Walker; sprite: Sprite }>) {
    this.width = width;
    this.height = height;
    this.#background = sceneBackground(width, height);
    // Far lanes first so nearer people are drawn over them.
    this.#cast = cast.sort((a, b) => a.walker.lane - b.walker.lane);
  }

  /** Loads the person sprites for `people` walkers at this frame size. */
  static async create(width: number, height: number, people: number): Promise<SimScene> {
    const cast = walkers(people, PERSON_CROPS.length);
    const heightOf = (walker: Walker): number => Math.round((LANES[walker.lane]?.scale ?? 0.6) * height);
    const sprites = await loadPersonSprites(cast.map((w) => ({ crop: w.crop, height: heightOf(w) })));
    return new SimScene(
      width,
      height,
      cast.flatMap((walker) => {
        const sprite = sprites.get(spriteKey(walker.crop, heightOf(walker)));
        return sprite ? [{ walker, sprite }] : [];
      }),
    );
  }

  /** A new packed RGB frame showing the scene at `timeSeconds`. */
  frameAt(timeSeconds: number): Buffer {
    const frame = Buffer.allocUnsafe(this.#background.length);
    this.#background.copy(frame);
    for (const { walker, sprite } of this.#cast) {
      const at = walkerPosition(walker, sprite, this, timeSeconds);
      if (at) pasteSprite(frame, this.width, this.height, sprite, at.left, at.top);
    }
    return frame;
  }

  /**
   * Where people are at `timeSeconds`: their sprites' rectangles clipped to the frame, in
   * pixels at detect size (ground truth for tests and demos).
   */
  peopleAt(timeSeconds: number): Array<{ left: number; top: number; width: number; height: number }> {
    return this.#cast.flatMap(({ walker, sprite }) => {
      const at = walkerPosition(walker, sprite, this, timeSeconds);
      if (!at) return [];
      const left = Math.max(0, at.left);
      const top = Math.max(0, at.top);
      const width = Math.min(this.width, at.left + sprite.width) - left;
      const height = Math.min(this.height, at.top + sprite.height) - top;
      return width > 0 && height > 0 ? [{ left, top, width, height }] : [];
    });
  }
}
