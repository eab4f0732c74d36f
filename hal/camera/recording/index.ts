/**
 * The recording ring's hardware side: ffmpeg writing a camera into short MPEG-TS segments
 * (stream copy, or encoding pushed frames once), joining segments into MP4 clips, and ffprobe.
 * What to keep, for which incident and for how long is decided in runtime/media.
 */
export { assembleClip } from './assembleClip';

export { probeMedia } from './probeMedia';
export {
  planRecording,
  RecordingConfigError,
} from './recordingPlan';

export {
  listSegments,
  parseSegmentFileName,
  prepareRingDir,
  segmentFileName,
} from './segmentFiles';
export { createSegmentRecorder } from './segmentRecorder';
export type {
  RecordingFailure,
  RecordingGap,
  Segment,
  SegmentRecorder,
  SegmentRecorderStats,
} from './types';
