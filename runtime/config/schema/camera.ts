import { type Static, Type } from '@sinclair/typebox';
import { literalUnion, NAME_PATTERN, strictObject } from '../../../base/schema';
import { CameraSourceSchema } from '../../../hal/camera/cameraSourceSchema';
import { RECORD_ENCODERS } from '../../../hal/camera/recording/types';
import { PolygonSchema, ZonesSchema } from './zones';

const DetectSchema = strictObject(
  {
    enabled: Type.Boolean({ default: true, description: 'Run object detection on this camera.' }),
    width: Type.Integer({
      minimum: 64,
      maximum: 3840,
      default: 640,
      description: 'Width frames are scaled to for detection.',
    }),
    height: Type.Integer({
      minimum: 64,
      maximum: 2160,
      default: 360,
      description: 'Height frames are scaled to for detection.',
    }),
    fps: Type.Integer({
      minimum: 1,
      maximum: 30,
      default: 5,
      description: 'Frames per second examined for motion and objects.',
    }),
    full_frame_interval: Type.Number({
      minimum: 0,
      maximum: 3600,
      default: 5,
      description:
        'Seconds between detector passes over the whole frame (in model-sized tiles, one per frame) while nothing moving is tracked or motion is weak, to find people too slow for motion to notice; 0 turns it off.',
    }),
  },
  { default: {}, description: 'Detection resolution and rate.' },
);

export const MotionSchema = strictObject(
  {
    enabled: Type.Boolean({ default: true, description: 'Look for motion before running the detector.' }),
    threshold: Type.Integer({
      minimum: 1,
      maximum: 255,
      default: 30,
      description: 'Brightness change (1..255) a pixel needs to count as moving; higher is less sensitive.',
    }),
    contour_area: Type.Integer({
      minimum: 0,
      default: 10,
      description: 'Smallest moving area (pixels at detect size) that counts.',
    }),
    mask: Type.Array(PolygonSchema, {
      default: [],
      description: 'Polygons where motion is ignored (trees, a road).',
    }),
    cooldown_seconds: Type.Number({
      minimum: 0,
      default: 0,
      description: 'Quiet time after motion ends before it is reported as ended.',
    }),
    improve_contrast: Type.Boolean({
      default: false,
      description: 'Stretch contrast first; helps at night.',
    }),
  },
  { default: {}, description: 'Motion detection.' },
);

const FilterSchema = strictObject(
  {
    min_score: Type.Number({
      minimum: 0,
      maximum: 1,
      default: 0.5,
      description: 'Lowest score for one detection to be considered.',
    }),
    threshold: Type.Number({
      minimum: 0,
      maximum: 1,
      default: 0.7,
      description: 'Median score a tracked object needs to become an event.',
    }),
    min_area: Type.Number({
      minimum: 0,
      default: 0,
      description: 'Smallest box area (pixels at detect size).',
    }),
    max_area: Type.Number({
      minimum: 0,
      default: 10_000_000,
      description: 'Largest box area (pixels at detect size).',
    }),
  },
  { default: {}, description: 'Score and size filters for one label.' },
);

const ObjectsSchema = strictObject(
  {
    track: Type.Array(Type.String({ minLength: 1 }), {
      default: ['person'],
      description: 'Labels to track (COCO names: person, car, dog, …).',
    }),
    filters: Type.Record(Type.String(), FilterSchema, { default: {}, description: 'Filters by label.' }),
    required_zones: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description:
        'Report an object only once it has entered one of these zones (e.g. the porch, not the street); empty: anywhere.',
    }),
  },
  { default: {}, description: 'Which objects to track and how strictly.' },
);

const RecordSchema = strictObject(
  {
    enabled: Type.Boolean({
      default: true,
      description: 'Keep a rolling recording to cut event clips from.',
    }),
    pre_capture: Type.Integer({
      minimum: 0,
      maximum: 300,
      default: 10,
      description: 'Seconds kept before an event starts.',
    }),
    post_capture: Type.Integer({
      minimum: 0,
      maximum: 300,
      default: 15,
      description: 'Seconds kept after an event ends.',
    }),
    segment_seconds: Type.Integer({
      minimum: 1,
      maximum: 60,
      default: 2,
      description: 'Length of each recording segment.',
    }),
    encoder: literalUnion(RECORD_ENCODERS, {
      default: 'auto',
      description:
        "How the ring is recorded. auto: stream copy for ffmpeg and file sources (no re-encode), and for raw-frame sources (libcamera, sim) the Pi's hardware H.264 encoder when present, else libx264 ultrafast.",
    }),
  },
  { default: {}, description: 'Event clip recording.' },
);

const SnapshotsSchema = strictObject(
  {
    enabled: Type.Boolean({
      default: true,
      description:
        'Save the best frame of each tracked object (clean, annotated and a thumbnail); how long they are kept is under retention.snapshots.',
    }),
  },
  { default: {}, description: 'Object snapshots.' },
);

const MjpegSchema = strictObject(
  {
    max_viewers: Type.Integer({
      minimum: 1,
      maximum: 100,
      default: 5,
      description:
        'Clients of GET /api/v1/cameras/<name>/stream.mjpeg served at once (each frame is encoded once for all of them, but sent to each); more are refused with 503.',
    }),
  },
  { default: {}, description: 'The MJPEG live stream (Home Assistant, browsers).' },
);

/** One camera: its source and what to do with its frames. */
export const CameraSchema = strictObject(
  {
    enabled: Type.Boolean({ default: true, description: 'Process this camera.' }),
    source: CameraSourceSchema,
    detector: Type.Optional(
      Type.String({
        pattern: NAME_PATTERN,
        description:
          'The detector (a name under detectors) that examines this camera. Default: `default`, else the first detector configured. Cameras naming the same detector share its instances, taking turns region by region.',
      }),
    ),
    detect: DetectSchema,
    motion: MotionSchema,
    objects: ObjectsSchema,
    zones: ZonesSchema,
    record: RecordSchema,
    snapshots: SnapshotsSchema,
    mjpeg: MjpegSchema,
  },
  { description: 'One camera.' },
);

/** Cameras by name. */
export const CamerasSchema = Type.Record(Type.String({ pattern: NAME_PATTERN }), CameraSchema, {
  additionalProperties: false,
  default: {},
  description: 'Cameras by name (lowercase letters, digits, "_" and "-").',
});

/** One camera. */
export type CameraConfig = Static<typeof CameraSchema>;
/** Motion detection settings of one camera. */
export type MotionConfig = Static<typeof MotionSchema>;
/** Tracked labels and their filters. */
export type ObjectsConfig = Static<typeof ObjectsSchema>;
/** Score and size filters for one label. */
export type ObjectFilterConfig = Static<typeof FilterSchema>;
