import type { OpenIncident } from './incidentAggregator';

/** The `incidents` columns an open incident writes. */
export interface IncidentRowValues {
  id: string;
  key: string;
  camera: string | null;
  label: string | null;
  objectId: string | null;
  type: string;
  severity: string;
  state: string;
  startedAt: number;
  lastSeenAt: number;
  eventCount: number;
  maxConfidence: number | null;
  zones: string;
}

export function incidentRowOf(incident: OpenIncident): IncidentRowValues {
  return {
    id: incident.id,
    key: incident.key,
    camera: incident.camera,
    label: incident.label,
    objectId: incident.objectId,
    type: incident.type,
    severity: incident.severity,
    state: incident.state,
    startedAt: incident.startedAt,
    lastSeenAt: incident.lastSeenAt,
    eventCount: incident.eventCount,
    maxConfidence: incident.maxConfidence,
    zones: JSON.stringify([...incident.zones]),
  };
}
