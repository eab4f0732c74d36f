import { join } from 'node:path';
import { after } from 'node:test';
import { type AppEvents, TOPIC_POLICIES } from '../../../runtime/appTopics';
import { EventBus } from '../../../runtime/bus/eventBus';
import type { EventInput } from '../../../runtime/domain/eventModel';
import { ClipService, type ClipServiceDeps } from '../../../runtime/media/clips/clipService';
import { Metrics } from '../../../runtime/metrics/metrics';
import { makeCameraVideo } from '../../hal/camera/recording/recordingKit';
import { memoryLogger } from '../../helpers/memoryLogger';
import { tempDir } from '../../helpers/tempDir';
import { valid } from '../config/helpers';
import { freshStore, insertIncident } from '../events/queries/eventStoreFixture';

/**
 * A clip service on a real database, a real bus and real ffmpeg, recording one `file` camera
 * (a looping H.264 test video played in real time, one keyframe a second) into a temp ring.
 */
export function clipKit(options: { pre: number; post: number; ringDir?: string } & Partial<ClipServiceDeps>) {
  const dataDir = tempDir('vigil-clips-');
  // Longer than any test records, so the file never loops mid-test (looping has its own test in hal/).
  const video = makeCameraVideo(dataDir, 70);
  const config = valid(`
data_dir: ${dataDir}
device: { id: t, timezone: UTC }
cameras:
  front:
    source: { driver: file, path: ${video}, loop: true, realtime: true }
    detect: { enabled: false }
    record: { pre_capture: ${options.pre}, post_capture: ${options.post}, segment_seconds: 2 }
`);
  const { db, writer } = freshStore();
  const { logger, lines } = memoryLogger();
  const bus = new EventBus<AppEvents>({ policies: TOPIC_POLICIES, onHandlerError: () => undefined });
  const systemEvents: EventInput[] = [];
  bus.on({}, 'event.ingest', (envelope) => void systemEvents.push(envelope.payload));
  const { pre: _pre, post: _post, ...overrides } = options;
  const clips = new ClipService({
    config,
    db,
    writer,
    bus,
    logger,
    metrics: new Metrics(),
    dataDir,
    ringDir: options.ringDir ?? join(dataDir, 'ring'),
    tickMs: 250,
    ...overrides,
  });
  after(() => clips.stop());
  const ringDir = options.ringDir ?? join(dataDir, 'ring');
  /** An incident on the camera as the event processor stores it. */
  const incident = (id: string, startedAt: number) => insertIncident(db, { id, startedAt, camera: 'front' });
  const end = (id: string, endedAt: number) =>
    db.prepare("UPDATE incidents SET ended_at = ?, state = 'ended' WHERE id = ?").run(endedAt, id);
  const row = (id: string) =>
    db.prepare('SELECT clip_state, clip_path, clip_gaps FROM incidents WHERE id = ?').get(id) as {
      clip_state: string | null;
      clip_path: string | null;
      clip_gaps: string;
    };
  /** Resolves once the incident's clip is no longer being recorded. */
  const settled = async (id: string, timeoutMs = 90_000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const state = row(id).clip_state;
      if (state !== null && state !== 'recording') return row(id);
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`clip of ${id} still ${row(id).clip_state} after ${timeoutMs} ms`);
  };
  const recorderStats = () => {
    const stats = clips.recorderStats().front;
    if (!stats) throw new Error('camera front is not recording');
    return stats;
  };
  return {
    clips,
    db,
    dataDir,
    ringDir,
    video,
    lines,
    systemEvents,
    incident,
    end,
    row,
    settled,
    recorderStats,
  };
}
