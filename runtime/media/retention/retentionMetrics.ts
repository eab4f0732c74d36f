import type { Database } from 'better-sqlite3';
import type { Counter } from 'prom-client';
import type { Metrics } from '../../metrics/metrics';
import { mediaIndex } from '../mediaIndex';

export interface RetentionMetrics {
  /** Labels: kind (a `RetainedKind`), reason (a `DeleteReason`). */
  deleted: Counter<'kind' | 'reason'>;
}

/**
 * `vigil_media_deleted_total{kind, reason}`, and `vigil_media_bytes{kind}` read from the database when scraped
 * (two indexed sums), so the gauge is current between sweeps.
 */
export function createRetentionMetrics(metrics: Metrics, db: Database): RetentionMetrics {
  const deleted = metrics.counter({
    name: 'vigil_media_deleted_total',
    help: 'Media files and unknown faces deleted by retention, by kind and reason (age, size, low_space, orphan, missing)',
    labelNames: ['kind', 'reason'],
  });
  metrics.gauge({
    name: 'vigil_media_bytes',
    help: 'Bytes of media kept, by kind (clip, snapshot, thumbnail, unknown_face)',
    labelNames: ['kind'],
    collect() {
      // A scrape while the database is closing must not fail the whole exposition.
      if (!db.open) return;
      for (const [kind, bytes] of Object.entries(mediaIndex.totals(db))) this.set({ kind }, bytes);
      this.set({ kind: 'unknown_face' }, unknownFaceBytes(db));
    },
  });
  return { deleted };
}

function unknownFaceBytes(db: Database): number {
  return (
    db.prepare('SELECT coalesce(sum(length(crop)), 0) AS bytes FROM face_unknown').get() as { bytes: number }
  ).bytes;
}
