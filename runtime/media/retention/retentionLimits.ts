import type { DeviceConfig, FacesConfig, RetentionConfig } from '../../config/schema/index';

/** The parts of the config media retention reads (the whole app config fits). */
export interface MediaRetentionConfig {
  retention: RetentionConfig;
  faces: Pick<FacesConfig, 'unknown_retain_days'>;
  device: Pick<DeviceConfig, 'timezone'>;
}

/** Limits of one group; null means no limit of that sort. */
interface GroupLimits {
  maxAgeMs: number | null;
  maxBytes: number | null;
}

/** The config's limits in milliseconds and bytes. */
export interface RetentionLimits {
  clips: GroupLimits;
  /** Snapshots, their annotated copies and thumbnails together. */
  snapshots: GroupLimits;
  /** Unknown faces always have an age limit: `faces.unknown_retain_days` 0 keeps none at all. */
  unknownFaces: { maxAgeMs: number; maxBytes: number | null };
  /** Free bytes to keep on data_dir's file system; null for no floor. */
  minFreeBytes: number | null;
}

const DAY_MS = 86_400_000;
const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/**
 * For clips and snapshots, 0 days and 0 GB mean "no limit": media is kept until a size cap or the
 * free-space floor needs the room (the schema descriptions say so). Unknown faces keep the faces
 * module's meaning of `unknown_retain_days: 0`, "keep none", so a sweep deletes any left from
 * before the setting changed. Sizes are binary: 1 GB = 1024 MB = 1024³ bytes.
 */
export function retentionLimits(config: MediaRetentionConfig): RetentionLimits {
  const { retention } = config;
  return {
    clips: {
      maxAgeMs: positiveOrNull(retention.clips.days * DAY_MS),
      maxBytes: positiveOrNull(retention.clips.max_gb * GIB),
    },
    snapshots: {
      maxAgeMs: positiveOrNull(retention.snapshots.days * DAY_MS),
      maxBytes: positiveOrNull(retention.snapshots.max_gb * GIB),
    },
    unknownFaces: {
      maxAgeMs: Math.max(0, config.faces.unknown_retain_days * DAY_MS),
      maxBytes: positiveOrNull(retention.unknown_faces.max_mb * MIB),
    },
    minFreeBytes: positiveOrNull(retention.min_free_mb * MIB),
  };
}

function positiveOrNull(value: number): number | null {
  return value > 0 ? Math.round(value) : null;
}
