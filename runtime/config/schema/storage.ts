import { Type } from '@sinclair/typebox';
import { strictObject } from '../../../base/schema';

/** The SQLite database and how writes are grouped into commits. */
export const StorageSchema = strictObject(
  {
    database: Type.String({
      minLength: 1,
      default: 'vigil.db',
      description: 'SQLite file; a relative path is inside data_dir.',
    }),
    ring_dir: Type.String({
      minLength: 1,
      default: 'ring',
      description:
        'Where cameras record their rolling segments (a relative path is inside data_dir); a tmpfs such as /run/vigil/ring spares the SD card.',
    }),
    group_commit: strictObject(
      {
        max_batch: Type.Integer({
          minimum: 1,
          maximum: 100_000,
          default: 512,
          description: 'Most writes in one transaction.',
        }),
        max_delay_ms: Type.Number({
          minimum: 0,
          maximum: 1000,
          default: 2,
          description:
            "Longest a write waits for others to share its fsync (the event log's writer thread does not wait: it gets its writes in batches).",
        }),
      },
      { default: {}, description: 'Many writes, one fsync.' },
    ),
  },
  { default: {}, description: 'Database.' },
);
