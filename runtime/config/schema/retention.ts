import { type Static, Type } from '@sinclair/typebox';
import { strictObject } from './common';

function mediaRetention(what: string, days: number, maxGb: number) {
  return strictObject(
    {
      days: Type.Number({ minimum: 0, default: days, description: `Days ${what} are kept.` }),
      max_gb: Type.Number({
        minimum: 0,
        default: maxGb,
        description: `Most gigabytes of ${what}; oldest go first.`,
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
      description: 'When the clean-up runs (cron).',
    }),
    min_free_mb: Type.Integer({
      minimum: 0,
      default: 500,
      description: 'Delete oldest media first whenever free space falls below this.',
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
            'Most megabytes of unknown-face crops; oldest go first (their age limit is faces.unknown_retain_days).',
        }),
      },
      { default: {}, description: 'Retention of unknown faces kept for review.' },
    ),
  },
  { default: {}, description: 'Retention.' },
);

/** Retention settings. */
export type RetentionConfig = Static<typeof RetentionSchema>;
