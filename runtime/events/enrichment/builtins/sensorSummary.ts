import type { VigilEvent } from '../../../domain/eventModel';
import { clean } from './displayText';

/** Sensor kinds whose two states read as opened/closed rather than triggered/cleared. */
const CONTACT_KINDS = new Set(['door', 'window', 'contact', 'gate', 'garage']);

const KIND_LABELS: Readonly<Record<string, string>> = {
  pir: 'Motion',
  motion: 'Motion',
  door: 'Door',
  window: 'Window',
  contact: 'Contact',
  tamper: 'Tamper',
};

const ACTIVE_STATES = new Set([
  'open',
  'opened',
  'on',
  'active',
  'triggered',
  'detected',
  'alarm',
  '1',
  'true',
]);
const INACTIVE_STATES = new Set([
  'closed',
  'close',
  'off',
  'inactive',
  'clear',
  'cleared',
  'idle',
  '0',
  'false',
]);

/**
 * "Door sensor 'front-door' opened", "Motion sensor 'hall' triggered", "Sensor 'x' reported
 * 'low battery'". The sensor's name is the event label (or `data.sensor`, or the source); its
 * kind is `data.kind` / `data.sensor_type`, or the part after "gpio:" in the source.
 */
export function sensorSummary(event: VigilEvent, at: string): string {
  const name = clean(event.label) ?? clean(event.data.sensor) ?? clean(event.source) ?? 'unnamed';
  const kind = sensorKind(event);
  const label = kind === null ? 'Sensor' : `${KIND_LABELS[kind] ?? capitalise(kind)} sensor`;
  return `${label} '${name}' ${stateVerb(event.data.state, kind)}${at}`;
}

function sensorKind(event: VigilEvent): string | null {
  const explicit = clean(event.data.kind) ?? clean(event.data.sensor_type);
  if (explicit !== null) return explicit.toLowerCase();
  const fromSource = /^gpio:([a-z_-]+)/i.exec(event.source)?.[1];
  return fromSource === undefined ? null : fromSource.toLowerCase();
}

function stateVerb(state: unknown, kind: string | null): string {
  const contact = kind !== null && CONTACT_KINDS.has(kind);
  const normalised = typeof state === 'string' ? state.trim().toLowerCase() : String(state);
  if (state === undefined || state === null || ACTIVE_STATES.has(normalised))
    return contact ? 'opened' : 'triggered';
  if (INACTIVE_STATES.has(normalised)) return contact ? 'closed' : 'cleared';
  return `reported '${clean(String(state), 40) ?? '?'}'`;
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
