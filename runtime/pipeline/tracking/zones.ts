import type { NormalizedBox } from '../../../models/types';
import type { Polygon, ZoneConfig } from '../../config/schema/zones';

/** A zone prepared for fast per-frame tests: flat coordinates and a bounding box to reject early. */
export interface CompiledZone {
  name: string;
  /** x0, y0, x1, y1, … as fractions of the frame. */
  points: Float64Array;
  /** Labels that count here; null means every label. */
  labels: readonly string[] | null;
  /** Seconds in the zone that make loitering; 0 means never. */
  loiteringSeconds: number;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Zones in a form `zonesContaining` can test quickly, in the config's order. */
export function compileZones(zones: Readonly<Record<string, ZoneConfig>>): CompiledZone[] {
  return Object.entries(zones).map(([name, zone]) => {
    const points = Float64Array.from(zone.coordinates.flat());
    const xs = zone.coordinates.map((point) => point[0]);
    const ys = zone.coordinates.map((point) => point[1]);
    return {
      name,
      points,
      labels: zone.objects.length > 0 ? zone.objects : null,
      loiteringSeconds: zone.loitering_seconds,
      minX: Math.min(...xs),
      minY: Math.min(...ys),
      maxX: Math.max(...xs),
      maxY: Math.max(...ys),
    };
  });
}

/**
 * Whether (x, y) is inside a polygon (even-odd ray casting). Takes flat coordinates, or the
 * config's `[[x, y], …]` form.
 */
export function pointInPolygon(x: number, y: number, polygon: Float64Array | Polygon): boolean {
  const points = polygon instanceof Float64Array ? polygon : Float64Array.from(polygon.flat());
  let inside = false;
  const count = points.length >> 1;
  for (let i = 0, j = count - 1; i < count; j = i++) {
    const xi = points[i * 2] as number;
    const yi = points[i * 2 + 1] as number;
    const xj = points[j * 2] as number;
    const yj = points[j * 2 + 1] as number;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * The point of a box that decides its zones: the bottom centre, where a person's feet or a car's
 * wheels are. Nudged inside the frame so that a box touching the bottom edge still falls in a
 * zone drawn up to that edge (a point exactly on a polygon's edge is not inside it).
 */
export function anchorPoint(box: NormalizedBox): [number, number] {
  return [anchorX(box), anchorY(box)];
}

function anchorX(box: NormalizedBox): number {
  return Math.min(Math.max((box[0] + box[2]) / 2, EDGE_NUDGE), 1 - EDGE_NUDGE);
}

function anchorY(box: NormalizedBox): number {
  return Math.min(Math.max(box[3], EDGE_NUDGE), 1 - EDGE_NUDGE);
}

const EDGE_NUDGE = 1e-6;

/** Whether a box of `label` is in `zone`: its bottom centre inside, and the label one the zone counts. */
export function inZone(box: NormalizedBox, zone: CompiledZone, label: string): boolean {
  if (zone.labels !== null && !zone.labels.includes(label)) return false;
  const x = anchorX(box);
  const y = anchorY(box);
  if (x < zone.minX || x > zone.maxX || y < zone.minY || y > zone.maxY) return false;
  return pointInPolygon(x, y, zone.points);
}

/** Names of the compiled zones a box of `label` is in, in zone order. */
function zonesContaining(box: NormalizedBox, zones: readonly CompiledZone[], label: string): string[] {
  const names: string[] = [];
  for (const zone of zones) if (inZone(box, zone, label)) names.push(zone.name);
  return names;
}

const compiledCache = new WeakMap<object, CompiledZone[]>();

/**
 * Names of the zones (a camera's `zones` config) a box of `label` is in: its bottom centre is
 * inside the polygon and the zone's `objects` list is empty or names the label. The compiled
 * form is cached per config object, so a changed config must be a new object (as a reload makes).
 */
export function zonesOf(
  box: NormalizedBox,
  zones: Readonly<Record<string, ZoneConfig>>,
  label: string,
): string[] {
  let compiled = compiledCache.get(zones);
  if (!compiled) {
    compiled = compileZones(zones);
    compiledCache.set(zones, compiled);
  }
  return zonesContaining(box, compiled, label);
}
