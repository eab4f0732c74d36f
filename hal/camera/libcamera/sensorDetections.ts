import { readFileSync, statSync } from 'node:fs';
import { clampBox } from '../../../models/decoders/clampBox';
import type { Detection } from '../../../models/types';

/** What Vigil reads of an rpicam-apps IMX500 object detection post-processing file. */
export interface SensorDetectionSettings {
  /** Class names by the index the network outputs (the file's `classes`). */
  classes: readonly string[];
  /** Scores below this are dropped, as rpicam-apps' own stage does (`threshold`, default 0.5). */
  threshold: number;
  /** At most this many detections per frame (`max_detections`). */
  maxDetections: number;
}

/** A post-processing file is a few KB of JSON; anything much larger is not one. */
const MAX_POST_PROCESS_FILE_BYTES = 1024 * 1024;

/**
 * Reads the `imx500_object_detection` stage of an rpicam-apps post-processing file (e.g.
 * /usr/share/rpi-camera-assets/imx500_mobilenet_ssd.json), the same file rpicam-vid is given,
 * so the labels and thresholds are the ones the camera's network was packaged with. Throws
 * naming the setting when the file cannot be used: Hailo's stages, for one, keep their
 * detections inside rpicam-apps and never write them to the metadata Vigil reads.
 */
export function readSensorDetectionSettings(path: string, setting: string): SensorDetectionSettings {
  const fail = (why: string) => new Error(`${setting}: ${path} ${why}`);
  let text: string;
  try {
    if (statSync(path).size > MAX_POST_PROCESS_FILE_BYTES)
      throw fail('is too large for a post-processing file');
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw fail('does not exist — install imx500-all (sudo apt install imx500-all) or fix the path');
    }
    throw err;
  }
  let stages: unknown;
  try {
    stages = JSON.parse(text);
  } catch (err) {
    throw fail(`is not JSON: ${(err as Error).message}`);
  }
  const stage = (stages as Record<string, unknown> | null)?.imx500_object_detection as
    | Record<string, unknown>
    | undefined;
  if (typeof stage !== 'object' || stage === null) {
    throw fail(
      'has no imx500_object_detection stage: only the AI Camera (IMX500) object detection networks write their detections where Vigil can read them (e.g. imx500_mobilenet_ssd.json)',
    );
  }
  const { classes, threshold, max_detections: maxDetections } = stage;
  if (!Array.isArray(classes) || !classes.every((c) => typeof c === 'string')) {
    throw fail('has no list of class names in imx500_object_detection.classes');
  }
  return {
    classes,
    threshold: typeof threshold === 'number' ? threshold : 0.5,
    maxDetections: typeof maxDetections === 'number' ? maxDetections : 10,
  };
}

/**
 * Decodes the IMX500 object detection output tensor as rpicam-apps lays it out for the
 * post-processed (`_pp`) networks: N top-left y, N left x, N bottom y, N right x (fractions of
 * the network input, which covers the sensor's field of view), N scores, N class indices, then
 * the number of valid detections; 6N + 1 floats in all. Returns null for a tensor of another
 * shape.
 */
export function decodeSensorTensor(
  tensor: readonly number[],
  settings: SensorDetectionSettings,
): Detection[] | null {
  if (tensor.length < 7 || (tensor.length - 1) % 6 !== 0) return null;
  const total = (tensor.length - 1) / 6;
  const valid = Math.min(tensor[6 * total] ?? 0, total, settings.maxDetections);
  const detections: Detection[] = [];
  for (let i = 0; i < valid; i++) {
    const score = tensor[4 * total + i] ?? 0;
    const label = settings.classes[Math.trunc(tensor[5 * total + i] ?? -1)];
    // rpicam-apps' class lists hold '-' for the COCO ids the network does not use.
    if (score < settings.threshold || label === undefined || label === '' || label === '-') continue;
    const box = clampBox([
      tensor[total + i] ?? 0,
      tensor[i] ?? 0,
      tensor[3 * total + i] ?? 0,
      tensor[2 * total + i] ?? 0,
    ]);
    if (box) detections.push({ label, score: Math.min(1, score), box });
  }
  return detections.sort((a, b) => b.score - a.score);
}

/** One line of rpicam-vid's JSON metadata is one control; the output tensor's line is ~10 bytes a float. */
const MAX_METADATA_LINE_BYTES = 256 * 1024;
const TENSOR_LINE = /^\s*"CnnOutputTensor":\s*\[([^\]]*)\]\s*,?\s*$/;

/**
 * Follows rpicam-vid's `--metadata FILE --metadata-format json` output, one object per frame
 * and one control per line (rpicam-apps' write_metadata), and keeps the detections of the
 * latest frame that carried an output tensor: the IMX500 does not output one on every frame,
 * and rpicam-apps itself keeps showing the last result in between. Lines are bounded before
 * they are parsed; an over-long one is dropped whole.
 */
export class SensorDetectionReader {
  readonly #settings: SensorDetectionSettings;
  #pending = '';
  #skippingLongLine = false;
  #latest: Detection[] | null = null;
  #frames = 0;

  constructor(settings: SensorDetectionSettings) {
    this.#settings = settings;
  }

  /** Feeds a chunk of the metadata stream. */
  push(chunk: Buffer | string): void {
    this.#pending += chunk.toString();
    let newline = this.#pending.indexOf('\n');
    while (newline >= 0) {
      const line = this.#pending.slice(0, newline);
      this.#pending = this.#pending.slice(newline + 1);
      if (this.#skippingLongLine) this.#skippingLongLine = false;
      else this.#line(line);
      newline = this.#pending.indexOf('\n');
    }
    if (this.#pending.length > MAX_METADATA_LINE_BYTES) {
      this.#pending = '';
      this.#skippingLongLine = true;
    }
  }

  /** The detections of the latest output tensor; null before the first one. */
  latest(): Detection[] | null {
    return this.#latest;
  }

  /** Frames of metadata read so far. */
  frames(): number {
    return this.#frames;
  }

  #line(line: string): void {
    if (line.startsWith('}')) {
      this.#frames++;
      return;
    }
    const tensor = TENSOR_LINE.exec(line)?.[1];
    if (tensor === undefined) return;
    const values = tensor.split(',').map(Number);
    if (values.some((v) => !Number.isFinite(v))) return;
    const detections = decodeSensorTensor(values, this.#settings);
    if (detections) this.#latest = detections;
  }
}
