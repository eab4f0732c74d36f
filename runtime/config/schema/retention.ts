import { type Static, Type } from '@sinclair/typebox';
import { strictObject } from '../../../base/schema';

function mediaRetention(what: string, days: number, maxGb: number) {
  return strictObject(
    {
      days: Type.Number({
        minimum: 0,
        default: days,
        description: `Days ${what} are kept (0: no age limit), except those of protected or unsynced incidents.`,
      }),
      max_gb: Type.Number({
        minimum: 0,
        default: maxGb,
        description: `Most gigabytes (1 GB = 1024³ bytes) of ${what}, oldest deleted first (0: no size cap); those of protected or unsynced incidents are never deleted.`,
      }),
    },
    { default: {}, description: `Retention of ${what}.` },
  );
}

/** How long events and media are kept, and the disk space always left free. */
export const RetentionSchema = strictObject(
  {
    schedule: Type.String({
      minLength: 1,
      default: '0 * * * *',
      description:
        'When media retention runs (cron, in device.timezone); it also runs at start-up and whenever free space falls below min_free_mb.',
    }),
    min_free_mb: Type.Integer({
      minimum: 0,
      default: 500,
      description:
        "Free space (MB, 1024² bytes) to keep on data_dir's disk: below it, the oldest clips and snapshots are deleted (checked every minute); 0: no floor.",
    }),
    events_days: Type.Number({
      minimum: 0,
      default: 30,
      description: 'Days events are kept in the database.',
    }),
    clips: mediaRetention('clips', 14, 20),
    snapshots: mediaRetention('snapshots and thumbnails', 14, 5),
    unknown_faces: strictObject(
      {
        max_mb: Type.Number({
          minimum: 0,
          default: 200,
          description:
            'Most megabytes (1024² bytes) of unknown-face crops, oldest deleted first (0: no size cap); their age limit is faces.unknown_retain_days.',
        }),
      },
      { default: {}, description: 'Retention of unknown faces kept for review.' },
    ),
  },
  { default: {}, description: 'Retention.' },
);

/** Retention settings. */
export type RetentionConfig = Static<typeof RetentionSchema>;
