import type { Database } from 'better-sqlite3';
import type { GroupCommitWriter } from '../../store/groupCommitWriter';
import { mediaIndex } from '../mediaIndex';
import type { ClipGap } from './clipWindow';

/** An incident whose clip is being recorded. */
export interface ClipJob {
  id: string;
  camera: string;
  started_at: number;
  ended_at: number | null;
}

/** Incident types that get a clip without a rule asking: what was seen, not raw motion or camera status. */
const NO_AUTOMATIC_CLIP = ['motion', 'camera_online', 'camera_offline', 'system'];

const AUDIT_SQL =
  "INSERT INTO audit (subject_kind, subject_id, state, at, actor, reason) VALUES ('incident', ?, ?, ?, 'recorder', ?)";

/**
 * The clip state of incidents (`clip_state`, `clip_path`, `clip_gaps`), kept in SQLite so a
 * restart resumes every clip that was being recorded. Every change is one durable write with
 * its audit row.
 */
export class ClipStore {
  readonly #db: Database;
  readonly #writer: GroupCommitWriter;

  constructor(db: Database, writer: GroupCommitWriter) {
    this.#db = db;
    this.#writer = writer;
  }

  /**
   * Starts a clip for incidents on `cameras` that began at or after `since` and have none yet
   * (objects, faces, sensors, loitering… — not motion alone); returns how many.
   */
  async claimNew(cameras: readonly string[], since: number, at: number): Promise<number> {
    if (cameras.length === 0) return 0;
    const marks = cameras.map(() => '?').join(', ');
    const types = NO_AUTOMATIC_CLIP.map(() => '?').join(', ');
    // Read first: a write (and its fsync) only when there is something to claim.
    const ids = this.#db
      .prepare(
        `SELECT id FROM incidents WHERE camera IN (${marks}) AND started_at >= ? AND clip_state IS NULL
           AND type NOT IN (${types})`,
      )
      .pluck()
      .all(...cameras, since, ...NO_AUTOMATIC_CLIP) as string[];
    if (ids.length === 0) return 0;
    return this.#writer.write((db) => {
      for (const id of ids) this.#start(db, id, at, 'incident started');
      return ids.length;
    });
  }

  /** A rule routed an event of this incident to `clip`: record it even if its type gets none by default. */
  async request(incidentId: string, at: number, reason: string): Promise<boolean> {
    return this.#writer.write((db) => {
      const row = db.prepare('SELECT clip_state FROM incidents WHERE id = ?').get(incidentId) as
        | { clip_state: string | null }
        | undefined;
      if (row === undefined || row.clip_state !== null) return false;
      this.#start(db, incidentId, at, reason);
      return true;
    });
  }

  /** Every clip being recorded, with its incident's times as they are now. */
  recording(): ClipJob[] {
    return this.#db
      .prepare(
        "SELECT id, camera, started_at, ended_at FROM incidents WHERE clip_state = 'recording' AND camera IS NOT NULL",
      )
      .all() as ClipJob[];
  }

  async ready(
    job: ClipJob,
    clip: { path: string; bytes: number; durationMs: number; segments: number },
    gaps: ClipGap[],
    at: number,
  ): Promise<void> {
    await this.#writer.write((db) => {
      mediaIndex.upsert(db, {
        path: clip.path,
        kind: 'clip',
        camera: job.camera,
        incident_id: job.id,
        event_id: null,
        bytes: clip.bytes,
        created_at: at,
      });
      db.prepare("UPDATE incidents SET clip_state = 'ready', clip_path = ?, clip_gaps = ? WHERE id = ?").run(
        clip.path,
        JSON.stringify(gaps),
        job.id,
      );
      const gapText = gaps.length === 0 ? 'no gaps' : `${gaps.length} gap(s)`;
      db.prepare(AUDIT_SQL).run(
        job.id,
        'clip_ready',
        at,
        `${(clip.durationMs / 1000).toFixed(1)} s from ${clip.segments} segment(s), ${gapText}`,
      );
    });
  }

  /** No clip: nothing was recorded in its window (`missing`) or assembling failed (`failed`). */
  async noClip(job: ClipJob, state: 'missing' | 'failed', gaps: ClipGap[], reason: string, at: number) {
    await this.#writer.write((db) => {
      db.prepare('UPDATE incidents SET clip_state = ?, clip_gaps = ? WHERE id = ?').run(
        state,
        JSON.stringify(gaps),
        job.id,
      );
      db.prepare(AUDIT_SQL).run(job.id, `clip_${state}`, at, reason);
    });
  }

  #start(db: Database, id: string, at: number, reason: string): void {
    const claimed = db
      .prepare("UPDATE incidents SET clip_state = 'recording' WHERE id = ? AND clip_state IS NULL")
      .run(id).changes;
    if (claimed > 0) db.prepare(AUDIT_SQL).run(id, 'clip_recording', at, reason);
  }
}
