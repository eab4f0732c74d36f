import { basename, dirname, join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { MediaKind } from '../../store/mediaPaths';
import { kindDir } from '../../store/mediaPaths';
import { snapshotFilesOf } from '../../store/snapshotFiles';
import type { Owners } from './heldMedia';

/** The two groups media limits apply to: clips, and snapshots with their thumbnails. */
export type MediaGroup = 'clips' | 'snapshots';

/** One file of a unit, as its `media` row has it. */
interface UnitFile {
  path: string;
  kind: MediaKind;
  bytes: number;
}

/**
 * What retention deletes as a whole: a clip, or a snapshot set (clean frame, annotated copy,
 * thumbnail), so an incident never keeps a thumbnail whose snapshot is gone or the reverse.
 */
export interface MediaUnit {
  /** The clip's path, or the set's clean snapshot path. */
  key: string;
  group: MediaGroup;
  files: UnitFile[];
  bytes: number;
  /** The oldest file's `created_at`: a set is as old as its first file. */
  createdAt: number;
  owners: Owners;
}

interface UnitRow extends UnitFile {
  created_at: number;
  incident_id: string | null;
  event_id: string | null;
  event_incident_id: string | null;
}

// The event's incident counts too: a file registered with only its event still belongs to the
// incident that event joined.
const SELECT_ROWS = `
  SELECT m.path, m.kind, m.bytes, m.created_at, m.incident_id, m.event_id, e.incident_id AS event_incident_id
    FROM media m LEFT JOIN events e ON e.id = m.event_id
   ORDER BY m.created_at, m.path`;

/** Every media row grouped into units, oldest first. */
export function loadMediaUnits(db: Database): MediaUnit[] {
  const units = new Map<string, MediaUnit & { owners: MutableOwners }>();
  for (const row of db.prepare(SELECT_ROWS).iterate() as IterableIterator<UnitRow>) {
    const key = row.kind === 'clip' ? row.path : snapshotSetKey(row.path);
    let unit = units.get(key);
    if (unit === undefined) {
      unit = {
        key,
        group: row.kind === 'clip' ? 'clips' : 'snapshots',
        files: [],
        bytes: 0,
        createdAt: row.created_at,
        owners: { paths: [key], incidentIds: [], eventIds: [] },
      };
      units.set(key, unit);
    }
    unit.files.push({ path: row.path, kind: row.kind, bytes: row.bytes });
    unit.bytes += row.bytes;
    unit.owners.paths.push(row.path);
    unit.owners.incidentIds.push(row.incident_id, row.event_incident_id);
    unit.owners.eventIds.push(row.event_id);
  }
  // Rows came oldest first and a unit takes its first row's time, so insertion order is age order.
  return [...units.values()];
}

type MutableOwners = { paths: string[]; incidentIds: Array<string | null>; eventIds: Array<string | null> };

/**
 * The clean snapshot path of the set a snapshot, annotated copy or thumbnail belongs to; a path
 * that is not part of a set Vigil writes is a set of its own.
 */
function snapshotSetKey(path: string): string {
  const day = basename(dirname(path));
  const top = dirname(dirname(path));
  const name = basename(path);
  let clean: string;
  if (top === kindDir('thumbnail')) clean = join(kindDir('snapshot'), day, name);
  else if (top === kindDir('snapshot') && name.endsWith('-annotated.jpg'))
    clean = join(top, day, `${name.slice(0, -'-annotated.jpg'.length)}.jpg`);
  else clean = path;
  const set = snapshotFilesOf(clean);
  return set !== null && Object.values(set).includes(path) ? clean : path;
}
