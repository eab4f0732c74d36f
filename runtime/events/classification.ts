import type { EventType, Severity } from '../domain/eventModel';
import { SEVERITIES, severityRank } from '../domain/eventModel';

/** Object labels and the security event they mean (seed 001): who is there matters more than what moved. */
const LABEL_EVENT_TYPES: Readonly<Record<string, EventType>> = {
  person: 'intrusion',
  car: 'suspicious_activity',
  truck: 'suspicious_activity',
  bus: 'suspicious_activity',
  motorcycle: 'suspicious_activity',
  bicycle: 'suspicious_activity',
  backpack: 'abandoned_object',
  handbag: 'abandoned_object',
  suitcase: 'abandoned_object',
};

/** Where each type starts before confidence, zone and alarm mode move it. */
const BASE_SEVERITY: Readonly<Record<EventType, Severity>> = {
  motion: 'info',
  object_detected: 'low',
  intrusion: 'medium',
  loitering: 'medium',
  suspicious_activity: 'low',
  abandoned_object: 'medium',
  face_known: 'info',
  face_unknown: 'medium',
  face_blacklisted: 'critical',
  sensor: 'low',
  camera_offline: 'medium',
  camera_online: 'info',
  system: 'low',
};

/** Types whose severity the alarm mode raises when away and lowers when disarmed. */
const MODE_SENSITIVE: ReadonlySet<EventType> = new Set([
  'intrusion',
  'loitering',
  'suspicious_activity',
  'face_unknown',
  'sensor',
  'object_detected',
]);

/** `object_detected` of a known label becomes the security event it stands for. */
export function classifyType(type: EventType, label: string | null): EventType {
  if (type !== 'object_detected' || label === null) return type;
  return LABEL_EVENT_TYPES[label] ?? type;
}

export interface SeverityInputs {
  type: EventType;
  confidence: number | null;
  inZone: boolean;
  /** Current alarm mode; the first of `modes` counts as disarmed. */
  mode: string;
  disarmedMode: string;
  awayMode: string;
  /** A tamper input (sensor with `data.tamper: true`) is always urgent. */
  tamper: boolean;
}

/**
 * Severity from type, confidence, zone and alarm mode: a confident detection inside a zone
 * while away is worth waking someone for; the same thing while disarmed is only logged.
 */
export function scoreSeverity(inputs: SeverityInputs): Severity {
  if (inputs.tamper) return 'high';
  let rank = severityRank(BASE_SEVERITY[inputs.type]);
  if (inputs.type === 'face_blacklisted') return 'critical';
  if (inputs.confidence !== null && inputs.confidence >= 0.85 && MODE_SENSITIVE.has(inputs.type)) rank += 1;
  if (inputs.inZone && MODE_SENSITIVE.has(inputs.type)) rank += 1;
  if (MODE_SENSITIVE.has(inputs.type)) {
    if (inputs.mode === inputs.awayMode) rank += 1;
    else if (inputs.mode === inputs.disarmedMode) rank -= 2;
  }
  // Critical is kept for what needs a siren: a blacklisted face, or a rule that says so.
  return SEVERITIES[Math.max(0, Math.min(rank, severityRank('high')))] ?? 'info';
}
