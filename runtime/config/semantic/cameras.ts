import { closest } from '../../../base/closest';
import type { PathIssue, PathSegment } from '../../../base/pathIssue';
import type { CameraConfig, Polygon } from '../schema/index';

// Something ffmpeg can open: a URL with a scheme, or an absolute device/file path.
const STREAM_URL = /^([a-z][a-z0-9+.-]*:\/\/|\/)/i;

// Shoelace formula; a polygon whose points lie on one line covers nothing and would never match.
function area(polygon: Polygon): number {
  let twice = 0;
  for (const [index, [x1, y1]] of polygon.entries()) {
    const [x2, y2] = polygon[(index + 1) % polygon.length] ?? [x1, y1];
    twice += x1 * y2 - x2 * y1;
  }
  return Math.abs(twice) / 2;
}

function polygonIssue(path: PathSegment[], polygon: Polygon): PathIssue[] {
  if (area(polygon) > 1e-9) return [];
  return [{ path, message: 'the points enclose no area — give at least 3 points that are not on one line' }];
}

function sourceIssues(base: PathSegment[], camera: CameraConfig): PathIssue[] {
  const source = camera.source;
  if (source.driver === 'ffmpeg' && !STREAM_URL.test(source.url)) {
    return [
      {
        path: [...base, 'source', 'url'],
        message: `must be a stream URL such as rtsp://user:pass@192.168.1.20:554/stream1, or a device path (got '${source.url}')`,
      },
    ];
  }
  if (source.driver === 'libcamera' && (source.width === undefined) !== (source.height === undefined)) {
    return [
      {
        path: [...base, 'source'],
        message: 'set both width and height, or neither (the camera then picks its mode)',
      },
    ];
  }
  return [];
}

/** Checks one camera beyond its schema: source details, zone and mask polygons, zone labels. */
export function cameraIssues(name: string, camera: CameraConfig): PathIssue[] {
  const base = ['cameras', name];
  const issues = sourceIssues(base, camera);
  for (const [index, polygon] of camera.motion.mask.entries()) {
    issues.push(...polygonIssue([...base, 'motion', 'mask', index], polygon));
  }
  for (const [zoneName, zone] of Object.entries(camera.zones)) {
    const zonePath = [...base, 'zones', zoneName];
    issues.push(...polygonIssue([...zonePath, 'coordinates'], zone.coordinates));
    for (const [index, label] of zone.objects.entries()) {
      if (camera.objects.track.includes(label)) continue;
      issues.push({
        path: [...zonePath, 'objects', index],
        message: `'${label}' is not in objects.track (${camera.objects.track.join(', ')}) — add it there or the zone never sees it`,
      });
    }
  }
  for (const [index, zoneName] of camera.objects.required_zones.entries()) {
    if (Object.hasOwn(camera.zones, zoneName)) continue;
    const known = Object.keys(camera.zones);
    issues.push({
      path: [...base, 'objects', 'required_zones', index],
      message: `no zone '${zoneName}' on this camera (${known.length > 0 ? `zones: ${known.join(', ')}` : 'it has no zones'}) — define it under zones or remove it here`,
    });
  }
  return issues;
}

/** A camera's `detector` must name a configured detector. */
export function cameraDetectorIssues(
  cameras: Readonly<Record<string, Pick<CameraConfig, 'detector'>>>,
  detectors: Readonly<Record<string, unknown>>,
): PathIssue[] {
  const known = Object.keys(detectors);
  return Object.entries(cameras).flatMap(([name, camera]) => {
    if (camera.detector === undefined || Object.hasOwn(detectors, camera.detector)) return [];
    const listed = known.length > 0 ? `detectors: ${known.join(', ')}` : 'no detectors are configured';
    const suggestion = closest(camera.detector, known);
    const fix =
      suggestion === undefined
        ? 'define it under detectors or name one of those'
        : `did you mean '${suggestion}'? Or define it under detectors`;
    return [
      {
        path: ['cameras', name, 'detector'],
        message: `no detector '${camera.detector}' (${listed}) — ${fix}`,
      },
    ];
  });
}
