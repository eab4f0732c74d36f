import type { Box } from '../base/geometry';
import type { Logger } from '../base/logger';
import type { ObjectDetector } from '../hal/accel/types';
import { createCameraSource } from '../hal/camera/createCameraSource';
import type { Frame } from '../hal/camera/types';
import type { NormalizedBox } from '../models/types';
import type { CameraConfig } from '../runtime/config/schema/camera';
import { CameraPipeline } from '../runtime/pipeline/cameraPipeline';

/** What the appliance's pipeline made of one clip. */
export interface PipelineRun {
  /** Frames processed (the file camera in lossless mode drops none). */
  frames: number;
  /** Per frame index: the boxes of the objects the pipeline reported on it (pixels). */
  reported: Map<number, Box[]>;
  /** Per incident (a tracked object reported `new`, whose events join one incident): its boxes by frame. */
  incidents: Map<string, Map<number, Box>>;
  detectorCalls: number;
  seconds: number;
}

/**
 * Runs a camera's frame loop exactly as the appliance does (file camera source → motion →
 * regions → detector → filters → tracker → events), with `realtime: false` so every frame waits
 * for the detector. It reads what the appliance reports through the pipeline's own outlets: the
 * events it publishes (`object_detected` with phase `new` opens an incident) and its `observe`
 * hook, after which `latest()` holds the frame's confirmed objects.
 */
export async function runPipeline(options: {
  camera: CameraConfig;
  detector: ObjectDetector;
  modelInputSize: number;
  logger: Logger;
}): Promise<PipelineRun> {
  const { camera, logger } = options;
  const { width, height } = camera.detect;
  const toPixels = (b: NormalizedBox): Box => [b[0] * width, b[1] * height, b[2] * width, b[3] * height];
  let detectorCalls = 0;
  // Counts calls without changing them (methods are called on the detector itself: its private fields).
  const inner = options.detector;
  const detector: ObjectDetector = {
    name: inner.name,
    type: inner.type,
    load: () => inner.load(),
    detect: (image) => {
      detectorCalls++;
      return inner.detect(image);
    },
    inferenceSpeedMs: () => inner.inferenceSpeedMs(),
    close: () => inner.close(),
  };
  const reportedIds = new Set<string>();
  const reported = new Map<number, Box[]>();
  const incidents = new Map<string, Map<number, Box>>();
  let frames = 0;
  let pipeline: CameraPipeline | undefined;
  const source = createCameraSource({
    camera: 'eval',
    config: camera,
    logger,
    onStatus: (status) => pipeline?.onStatus(status),
  });
  pipeline = new CameraPipeline({
    camera: 'eval',
    config: camera,
    sourceStats: () => source.stats(),
    detector,
    modelInputSize: options.modelInputSize,
    faces: null,
    publish: (event) => {
      const phase = (event.data as { phase?: string } | undefined)?.phase;
      if (event.type === 'object_detected' && phase === 'new' && event.object_id)
        reportedIds.add(event.object_id);
    },
    logger,
    observe: ({ frame }) => {
      frames++;
      const boxes: Box[] = [];
      for (const object of pipeline?.latest()?.objects ?? []) {
        if (!reportedIds.has(object.id)) continue;
        const box = toPixels(object.box);
        boxes.push(box);
        const track = incidents.get(object.id) ?? new Map<number, Box>();
        track.set(frame.seq, box);
        incidents.set(object.id, track);
      }
      reported.set(frame.seq, boxes);
    },
  });
  const started = performance.now();
  await pipeline.run(videoTime(source.frames(), camera.detect.fps));
  const seconds = (performance.now() - started) / 1000;
  await source.stop();
  return { frames, reported, incidents, detectorCalls, seconds };
}

/**
 * Frames stamped with the video's own time (first frame's wall time + seq / fps) instead of the
 * moment they were decoded. In lossless mode the clip runs as fast as the detector allows, 2-4×
 * slower than real time here; with wall-clock stamps the tracker's and motion's timeouts (in
 * seconds) would see people walk 2-4× slower and expire in fewer frames, so the figures would
 * depend on the machine's load. Video time is what a camera gives a detector that keeps up.
 */
async function* videoTime(frames: AsyncIterable<Frame>, fps: number): AsyncIterable<Frame> {
  let start: number | undefined;
  for await (const frame of frames) {
    start ??= frame.timestamp;
    // Set in place, not spread into a copy: a YUV frame makes its RGB `data` in a getter.
    frame.timestamp = start + Math.round((frame.seq * 1000) / fps);
    yield frame;
  }
}
