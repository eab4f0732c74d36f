import type { Frame } from '../../../hal/camera/types';
import type { MotionConfig } from '../../config/schema/camera';
import type { MotionRegion, MotionResult } from '../types';
import {
  type ComponentScratch,
  componentScratch,
  findComponents,
  type PixelBox,
} from './connectedComponents';
import { stretchContrast } from './contrastStretch';
import { dilate3x3 } from './dilate';
import { downscaleLumaToGray, downscaleToGray } from './grayscale';
import { mergeNearbyBoxes } from './mergeBoxes';
import { MotionCooldown } from './motionCooldown';
import { rasterisePolygonMask, unmaskedCount } from './polygonMask';
import { RunningBackground } from './runningBackground';
import { DEFAULT_WORKING_HEIGHT, type WorkingGeometry, workingGeometry } from './workingGeometry';

/**
 * Above this share of unmasked pixels changing at once, the change is the whole scene (lights,
 * IR cut filter, auto exposure), not something moving in it. Frigate's lightning_threshold is 0.8;
 * a person filling two thirds of the view is already rare for a security camera.
 */
const GLOBAL_CHANGE_FRACTION = 0.65;
/**
 * After a global change, frames changing more than this share still count as the same change
 * (exposure often settles over a few frames) until one is calmer or `SETTLE_LIMIT_MS` passes.
 */
const SETTLE_FRACTION = 0.25;
/** Longest time a global change may keep suppressing motion after it started. */
const SETTLE_LIMIT_MS = 3000;
/**
 * A moving pixel that changed by less than this share of the threshold since the previous frame
 * is still (a ghost, a stopped object) and is learnt into the background at the normal rate.
 */
const STILL_FRACTION = 0.5;
/** Boxes closer than this share of the working width (gap in pixels) are merged into one region. */
const MERGE_GAP_FRACTION = 0.02;

/** Tuning that is not in the camera config. */
export interface MotionDetectorOptions {
  /** Rows of the working image (default 90: a quarter of a 360-row detect frame). */
  workingHeight?: number;
}

/** Buffers sized for one working image, allocated when the frame size is first seen. */
interface WorkingBuffers {
  geometry: WorkingGeometry;
  gray: Float32Array;
  rowSums: Uint32Array;
  changed: Uint8Array;
  dilateScratch: Uint8Array;
  blobs: Uint8Array;
  components: ComponentScratch;
  background: RunningBackground;
  mask: Uint8Array;
  unmasked: number;
  mergeGap: number;
}

/**
 * Finds moving areas in one camera's frames (Frigate-style): grayscale at a small working size,
 * optional contrast stretch, running-average background, absolute difference over a threshold,
 * light dilation, 8-connected components, area filter, mask, nearby boxes merged. Whole-scene
 * changes are reported as `globalChange` and re-learnt instead of raising motion; `active` stays
 * on for `cooldown_seconds` after the last frame with motion. One instance per camera; `detect`
 * allocates nothing per pixel (an idle 640×360 frame costs about a millisecond).
 */
export class MotionDetector {
  readonly #options: MotionDetectorOptions;
  readonly #histogram = new Uint32Array(256);
  readonly #cooldown = new MotionCooldown();
  #config: MotionConfig;
  #maskKey: string;
  #buffers: WorkingBuffers;
  /** Frame timestamp until which a global change may go on suppressing motion; null when settled. */
  #settleUntil: number | null = null;
  #wasEnabled: boolean;

  constructor(
    config: MotionConfig,
    frameWidth: number,
    frameHeight: number,
    options: MotionDetectorOptions = {},
  ) {
    this.#options = options;
    this.#config = config;
    this.#maskKey = JSON.stringify(config.mask);
    this.#wasEnabled = config.enabled;
    this.#buffers = this.#allocate(frameWidth, frameHeight);
  }

  /** The working image size motion is computed at (contour areas and region areas are in its pixels). */
  get workingSize(): { width: number; height: number } {
    return { width: this.#buffers.geometry.width, height: this.#buffers.geometry.height };
  }

  /**
   * Retunes the detector; applies from the next frame. A new mask is rasterised now; switching
   * `improve_contrast` or re-enabling detection re-learns the background.
   */
  update(config: MotionConfig): void {
    const maskKey = JSON.stringify(config.mask);
    if (maskKey !== this.#maskKey) {
      this.#maskKey = maskKey;
      this.#setMask(this.#buffers, config);
    }
    if (config.improve_contrast !== this.#config.improve_contrast) this.#buffers.background.reset();
    this.#config = config;
  }

  /**
   * Looks at one frame (any size; a new size re-learns from scratch): its luma plane when it has
   * one, which leaves a YUV frame's `data` unconverted, else its packed rgb24.
   */
  detect(frame: Frame): MotionResult {
    const config = this.#config;
    if (!config.enabled) {
      if (this.#wasEnabled) this.#disable();
      return { regions: [], active: false, globalChange: false };
    }
    this.#wasEnabled = true;
    const buffers = this.#buffersFor(frame);
    const { geometry, gray, changed, background } = buffers;
    if (frame.luma) downscaleLumaToGray(frame.luma, geometry, gray, buffers.rowSums);
    else downscaleToGray(frame.data, geometry, gray, buffers.rowSums);
    if (config.improve_contrast) stretchContrast(gray, buffers.mask, this.#histogram);

    if (!background.learnt) {
      background.learn(gray);
      return this.#result(frame.timestamp, [], false);
    }
    const changedCount = background.compare(gray, buffers.mask, config.threshold, changed);
    if (this.#isGlobalChange(changedCount, buffers.unmasked, frame.timestamp)) {
      background.reset();
      background.learn(gray);
      return this.#result(frame.timestamp, [], true);
    }

    let boxes: PixelBox[] = [];
    if (changedCount > 0) {
      const { width, height } = geometry;
      dilate3x3(changed, buffers.mask, width, height, buffers.dilateScratch, buffers.blobs);
      const minArea = config.contour_area / geometry.pixelsPerWorkingPixel;
      boxes = findComponents(buffers.blobs, changed, width, height, minArea, buffers.components);
      if (boxes.length > 1) boxes = mergeNearbyBoxes(boxes, buffers.mergeGap);
      background.learn(gray, buffers.blobs, config.threshold * STILL_FRACTION);
    } else {
      background.learn(gray);
    }
    return this.#result(
      frame.timestamp,
      boxes.map((box) => toRegion(box, geometry)),
      false,
    );
  }

  #result(timestamp: number, regions: MotionRegion[], globalChange: boolean): MotionResult {
    const active = this.#cooldown.observe(timestamp, regions.length > 0, this.#config.cooldown_seconds);
    return { regions, active, globalChange };
  }

  #isGlobalChange(changedCount: number, unmasked: number, timestamp: number): boolean {
    if (unmasked === 0) return false;
    const settling = this.#settleUntil !== null && timestamp < this.#settleUntil;
    const limit = settling ? SETTLE_FRACTION : GLOBAL_CHANGE_FRACTION;
    if (changedCount / unmasked > limit) {
      if (!settling) this.#settleUntil = timestamp + SETTLE_LIMIT_MS;
      return true;
    }
    this.#settleUntil = null;
    return false;
  }

  #disable(): void {
    this.#wasEnabled = false;
    this.#cooldown.clear();
    this.#settleUntil = null;
    // The scene may have changed by the time detection is switched back on.
    this.#buffers.background.reset();
  }

  #buffersFor(frame: Frame): WorkingBuffers {
    const [pixels, bytesPerPixel, what] = frame.luma
      ? [frame.luma, 1, 'luma (Y plane)']
      : [frame.data, 3, 'rgb24'];
    const expected = frame.width * frame.height * bytesPerPixel;
    if (pixels.length < expected) {
      throw new Error(
        `motion: frame ${frame.seq} has ${pixels.length} bytes, expected ${expected} for ${frame.width}×${frame.height} ${what} — the camera driver must deliver whole packed frames`,
      );
    }
    const { geometry } = this.#buffers;
    if (frame.width !== geometry.frameWidth || frame.height !== geometry.frameHeight) {
      this.#buffers = this.#allocate(frame.width, frame.height);
      this.#settleUntil = null;
    }
    return this.#buffers;
  }

  #allocate(frameWidth: number, frameHeight: number): WorkingBuffers {
    const geometry = workingGeometry(
      frameWidth,
      frameHeight,
      this.#options.workingHeight ?? DEFAULT_WORKING_HEIGHT,
    );
    const pixels = geometry.width * geometry.height;
    const buffers: WorkingBuffers = {
      geometry,
      gray: new Float32Array(pixels),
      rowSums: new Uint32Array(geometry.width),
      changed: new Uint8Array(pixels),
      dilateScratch: new Uint8Array(pixels),
      blobs: new Uint8Array(pixels),
      components: componentScratch(pixels),
      background: new RunningBackground(pixels),
      mask: new Uint8Array(pixels),
      unmasked: pixels,
      mergeGap: Math.max(1, Math.round(geometry.width * MERGE_GAP_FRACTION)),
    };
    this.#setMask(buffers, this.#config);
    return buffers;
  }

  #setMask(buffers: WorkingBuffers, config: MotionConfig): void {
    buffers.mask = rasterisePolygonMask(config.mask, buffers.geometry);
    buffers.unmasked = unmaskedCount(buffers.mask);
  }
}

/** A working-image box as fractions of the frame, exactly covering its blocks. */
function toRegion(box: PixelBox, geometry: WorkingGeometry): MotionRegion {
  const { columnStarts, rowStarts, frameWidth, frameHeight } = geometry;
  return {
    box: [
      (columnStarts[box.minX] as number) / frameWidth,
      (rowStarts[box.minY] as number) / frameHeight,
      (columnStarts[box.maxX + 1] as number) / frameWidth,
      (rowStarts[box.maxY + 1] as number) / frameHeight,
    ],
    area: box.area,
  };
}
