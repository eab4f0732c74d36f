/**
 * The recording ring's hardware side: ffmpeg writing a camera into short MPEG-TS segments
 * (stream copy, or encoding pushed frames once), joining segments into MP4 clips, and ffprobe.
 * What to keep, for which incident and for how long is decided in runtime/media.
 */
export { type AssembleClipOptions, assembleClip } from './assembleClip';
export { FFMPEG_BINARY, FFPROBE_BINARY } from './binaries';
export { type MediaInfo, probeMedia, type VideoParameters } from './probeMedia';
export {
  HARDWARE_ENCODER_DEVICE,
  hardwareEncoderPresent,
  planRecording,
  RecordingConfigError,
  type RecordingEncoder,
  type RecordingPlan,
} from './recordingPlan';
export { ToolError } from './runTool';
export {
  listSegments,
  parseSegmentFileName,
  prepareRingDir,
  segmentFileName,
  UNFINISHED_PREFIX,
} from './segmentFiles';
export { createSegmentRecorder, type SegmentRecorderDeps } from './segmentRecorder';
export type {
  RecordingFailure,
  RecordingGap,
  RecordingMode,
  Segment,
  SegmentRecorder,
  SegmentRecorderOptions,
  SegmentRecorderStats,
} from './types';
