import { runs } from './m001Runs';
import { events } from './m002Events';
import { faces } from './m003Faces';
import { alarm } from './m004Alarm';
import { media } from './m005Media';
import { sync } from './m006Sync';
import { auth } from './m007Auth';
import { syncSeq } from './m008SyncSeq';
import { sessionCredential } from './m009SessionCredential';
import { unknownFaceQuality } from './m010UnknownFaceQuality';
import { eventFolds } from './m011EventFolds';
import { clockUnsynced } from './m012ClockUnsynced';
import { ftsBacklog } from './m013FtsBacklog';

/** One schema change. Versions are consecutive from 1 and never edited once released. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration in order; later issues append (events, incidents, outbox…). */
export const MIGRATIONS: readonly Migration[] = [
  runs,
  events,
  faces,
  alarm,
  media,
  sync,
  auth,
  syncSeq,
  sessionCredential,
  unknownFaceQuality,
  eventFolds,
  clockUnsynced,
  ftsBacklog,
];
