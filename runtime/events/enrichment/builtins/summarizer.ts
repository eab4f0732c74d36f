import type { VigilEvent } from '../../../domain/eventModel';
import { clean } from './displayText';
import type { FaceIdentity } from './faceIdentity';
import { sensorSummary } from './sensorSummary';

/** What the summary needs besides the event: results of the enrichers before it. */
export interface SummaryContext {
  /** Display name of the event's camera (from `metadata`), null for camera-less events. */
  cameraName: string | null;
  /** Result of `face_identity`, null when it did not run or did not succeed. */
  face: FaceIdentity | null;
}

const IRREGULAR_PLURALS: Readonly<Record<string, string>> = {
  person: 'people',
  knife: 'knives',
  mouse: 'mice',
};

/**
 * A short English sentence saying what happened, e.g. "1 person in zone porch at Front, face:
 * unknown" or "Door sensor 'front-door' opened". Deterministic: the same event and context
 * always give the same text, so it is safe to index, compare and test.
 */
export function summarizeEvent(event: VigilEvent, ctx: SummaryContext): string {
  const where = locationPhrase(event.zones, ctx.cameraName);
  const objects = countedObjects(event);
  const face = faceClause(ctx.face);
  switch (event.type) {
    case 'motion':
      return `Motion${where}`;
    case 'object_detected':
      return `${objects}${where}${face}`;
    case 'intrusion':
      return `Intrusion: ${objects}${where}${face}`;
    case 'loitering':
      return `${objects} loitering${where}${durationPhrase(event.data)}${face}`;
    case 'suspicious_activity':
      return `Suspicious activity: ${objects}${where}`;
    case 'abandoned_object':
      return `Abandoned object: ${clean(event.label) ?? 'object'}${where}${durationPhrase(event.data)}`;
    case 'face_known':
    case 'face_unknown':
    case 'face_blacklisted':
      return faceSummary(event, ctx.face, where);
    case 'sensor':
      return sensorSummary(event, ctx.cameraName === null ? '' : ` at ${ctx.cameraName}`);
    case 'camera_offline': {
      const reason = clean(event.data.reason, 120);
      return `Camera ${ctx.cameraName ?? 'unknown'} went offline${reason ? ` (${reason})` : ''}`;
    }
    case 'camera_online':
      return `Camera ${ctx.cameraName ?? 'unknown'} came back online`;
    case 'system': {
      const message = clean(event.data.message, 200);
      return message ? `System: ${message}` : `System event from ${clean(event.source) ?? 'unknown source'}`;
    }
  }
}

/** " in zone porch at Front", " in zones porch, path", " at Front" or "". */
function locationPhrase(zones: readonly string[], cameraName: string | null): string {
  const zonePart =
    zones.length === 0
      ? ''
      : ` in ${zones.length === 1 ? 'zone' : 'zones'} ${zones.map((z) => clean(z)).join(', ')}`;
  return `${zonePart}${cameraName === null ? '' : ` at ${cameraName}`}`;
}

/** "1 person", "2 cars": `data.count` objects of the event's label. */
function countedObjects(event: VigilEvent): string {
  const raw = event.data.count;
  const count = typeof raw === 'number' && Number.isInteger(raw) && raw > 0 ? raw : 1;
  const label = clean(event.label)?.toLowerCase() ?? 'object';
  return `${count} ${count === 1 ? label : plural(label)}`;
}

function plural(word: string): string {
  const irregular = IRREGULAR_PLURALS[word];
  if (irregular !== undefined) return irregular;
  if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`;
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  return `${word}s`;
}

/** " for 45 s" from `data.duration_seconds` (or `dwell_seconds`), else "". */
function durationPhrase(data: Record<string, unknown>): string {
  const seconds = data.duration_seconds ?? data.dwell_seconds;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0
    ? ` for ${Math.round(seconds)} s`
    : '';
}

function faceClause(face: FaceIdentity | null): string {
  if (face === null) return '';
  if (face.list === 'unknown' || face.name === null)
    return `, face: ${face.list === 'blacklist' ? 'blacklisted' : 'unknown'}`;
  return `, face: ${face.name}${face.list === 'blacklist' ? ' (blacklisted)' : ''}`;
}

/** Face events: the gallery's verdict when there is one, else what the event type says. */
function faceSummary(event: VigilEvent, face: FaceIdentity | null, where: string): string {
  const implied =
    event.type === 'face_blacklisted' ? 'blacklist' : event.type === 'face_known' ? 'known' : 'unknown';
  const list = face?.list ?? implied;
  const name = face?.name ?? clean(event.data.face_name);
  if (list === 'blacklist') return `Blacklisted face: ${name ?? 'unnamed'}${where}`;
  if (list === 'known') return `Known face: ${name ?? 'unnamed'}${where}`;
  return `Unknown face${where}`;
}
