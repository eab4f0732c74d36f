import type { Box } from '../base/geometry';
import { annotatedFrames, type ClipAnnotations, ignoredOn } from './annotations';
import {
  addCounts,
  type FrameCounts,
  type IncidentMetrics,
  incidentMetrics,
  interpolate,
  matchFrame,
  NO_COUNTS,
} from './matching';
import type { PipelineRun } from './runPipeline';

/** A person must be on this many annotated frames (1 s at 2 Hz) to count as one to find. */
const MIN_PERSON_FRAMES = 2;
/** Person boxes are interpolated across gaps of up to this many annotation steps (occlusions). */
const MAX_GAP_STEPS = 3;

/** Everything the harness prints about one clip and one model. */
export interface ClipScore {
  frames: number;
  annotatedFrames: number;
  /** Per annotated frame, the reported objects against the annotated people. */
  perFrame: FrameCounts;
  incidents: IncidentMetrics & { total: number };
  detectorCallsPerSecond: number;
  framesPerSecond: number;
}

/** Scores what the pipeline reported on a clip against its annotations. */
export function scoreRun(clip: ClipAnnotations, run: PipelineRun): ClipScore {
  const frames = annotatedFrames(clip).filter((f) => f < run.frames);
  let perFrame = NO_COUNTS;
  const people = new Map<number, Map<number, Box>>();
  const annotatedFrameCounts = new Map<number, number>();
  for (const frame of frames) {
    const truth = clip.frames[String(frame)] ?? [];
    const counts = matchFrame(
      truth.map((p) => p.box),
      run.reported.get(frame) ?? [],
      ignoredOn(clip, frame),
    );
    perFrame = addCounts(perFrame, counts);
    for (const person of truth) {
      const boxes = people.get(person.id) ?? new Map<number, Box>();
      boxes.set(frame, person.box);
      people.set(person.id, boxes);
      annotatedFrameCounts.set(person.id, (annotatedFrameCounts.get(person.id) ?? 0) + 1);
    }
  }
  const step = frames.length > 1 ? (frames[1] as number) - (frames[0] as number) : 1;
  const interpolated = new Map(
    [...people].map(([id, boxes]) => [id, interpolate(boxes, MAX_GAP_STEPS * step)]),
  );
  // Incidents are judged only where there is ground truth: from the first to the last annotated frame.
  const first = frames[0] ?? 0;
  const last = frames.at(-1) ?? -1;
  const incidents = new Map<string, Map<number, Box>>();
  for (const [id, boxes] of run.incidents) {
    const within = new Map([...boxes].filter(([frame]) => frame >= first && frame <= last));
    if (within.size > 0) incidents.set(id, within);
  }
  return {
    frames: run.frames,
    annotatedFrames: frames.length,
    perFrame,
    incidents: {
      total: incidents.size,
      ...incidentMetrics({
        people: interpolated,
        annotatedFrameCounts,
        incidents,
        ignore: (frame) => ignoredOn(clip, frame),
        minFrames: MIN_PERSON_FRAMES,
      }),
    },
    detectorCallsPerSecond: run.seconds > 0 ? run.detectorCalls / run.seconds : 0,
    framesPerSecond: run.seconds > 0 ? run.frames / run.seconds : 0,
  };
}
