import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../../base/logger';
import { assembleClip, createSegmentRecorder, listSegments } from '../../../hal/camera/recording/index';
import type {
  RecordingFailure,
  RecordingGap,
  Segment,
  SegmentRecorder,
  SegmentRecorderOptions,
  SegmentRecorderStats,
} from '../../../hal/camera/recording/types';
import type { Frame } from '../../../hal/camera/types';
import type { Bus } from '../../bus/eventBus';
import type { CameraConfig, Config } from '../../config/schema/index';
import type { EventTopics } from '../../events/eventTopics';
import type { Metrics } from '../../metrics/metrics';
import type { Database } from '../../store/database';
import type { GroupCommitWriter } from '../../store/groupCommitWriter';
import { datedMediaPath } from '../../store/mediaPaths';
import { freeBytes } from '../diskSpace';
import { type ClipJob, ClipStore } from './clipStore';
import { type ClipWindow, clipSegments, clipWindow, gapsIn, segmentsIn } from './clipWindow';
import { RecordingRing } from './recordingRing';

/**
 * The ring stops recording below this much free space (a few segments' worth, so ffmpeg never
 * meets a full disk mid-segment if it can be helped), and starts again above twice as much.
 */
const RING_MIN_FREE_BYTES = 16 * 1024 * 1024;
/** Extra seconds the ring keeps beyond the longest pre_capture, so an incident stored late still finds its start. */
const RING_SLACK_MS = 20_000;
/** How long to wait for the segment that reaches past a window's end before cutting what there is. */
const LATE_SEGMENT_GRACE_MS = 10_000;

export interface ClipServiceDeps {
  config: Config;
  db: Database;
  writer: GroupCommitWriter;
  bus: Bus<EventTopics>;
  logger: Logger;
  metrics: Metrics;
  /** data_dir, where clips go (`clips/YYYY-MM-DD/`). */
  dataDir: string;
  /** The recording ring's directory; each camera records into a subdirectory. */
  ringDir: string;
  /** Free bytes on the filesystem of a directory; tests pass a stand-in to play a full disk. */
  freeSpace?: (dir: string) => number;
  /** Pause below this many free bytes in the ring (default RING_MIN_FREE_BYTES). */
  ringMinFreeBytes?: number;
  createRecorder?: (options: SegmentRecorderOptions) => SegmentRecorder;
  now?: () => number;
  tickMs?: number;
}

interface RecordingCamera {
  name: string;
  config: CameraConfig;
  recorder: SegmentRecorder;
  ring: RecordingRing;
  /** Why recording is paused (disk full), or null while it runs. */
  pausedFor: string | null;
  /** Why the recorder cannot run at all (ffmpeg is not installed), until it records a segment. */
  cannotRecord: string | null;
}

/**
 * Incident clips: each recording camera writes a ring of short segments (stream copy where the
 * camera gives an encoded stream); an incident keeps the segments from pre_capture before its
 * start to post_capture after its end, which are then joined, without re-encoding, into one MP4
 * under `clips/YYYY-MM-DD/`. The clip state lives on the incident, so a restart resumes it. A
 * full disk pauses the ring (a `system` event says so) until space returns.
 */
export class ClipService {
  readonly #deps: ClipServiceDeps;
  readonly #store: ClipStore;
  readonly #cameras = new Map<string, RecordingCamera>();
  readonly #now: () => number;
  readonly #freeSpace: (dir: string) => number;
  readonly #minFree: number;
  #timer: NodeJS.Timeout | undefined;
  #tick: Promise<void> = Promise.resolve();
  #ticking = false;
  readonly #clipsTotal;
  readonly #assemblySeconds;

  constructor(deps: ClipServiceDeps) {
    this.#deps = deps;
    this.#store = new ClipStore(deps.db, deps.writer);
    this.#now = deps.now ?? Date.now;
    this.#freeSpace = deps.freeSpace ?? freeBytes;
    this.#minFree = deps.ringMinFreeBytes ?? RING_MIN_FREE_BYTES;
    this.#clipsTotal = deps.metrics.counter({
      name: 'vigil_clips_total',
      help: 'Incident clips by outcome (ready, missing, failed)',
      labelNames: ['result'],
    });
    this.#assemblySeconds = deps.metrics.summary({
      name: 'vigil_clip_assembly_seconds',
      help: 'Time to join a clip from its segments (stream copy)',
    });
    const cameras = this.#cameras;
    deps.metrics.gauge({
      name: 'vigil_recording_ring_bytes',
      help: 'Bytes of finished segments in each camera recording ring',
      labelNames: ['camera'],
      collect() {
        for (const camera of cameras.values()) this.set({ camera: camera.name }, camera.ring.bytes);
      },
    });
  }

  async start(): Promise<void> {
    const { config, logger } = this.#deps;
    for (const [name, camera] of Object.entries(config.cameras)) {
      if (!camera.enabled || !camera.record.enabled) continue;
      const dir = join(this.#deps.ringDir, name);
      mkdirSync(dir, { recursive: true });
      const ring = new RecordingRing(name, listSegments(name, dir));
      const recorder = (this.#deps.createRecorder ?? createSegmentRecorder)({
        camera: name,
        config: camera,
        dir,
        logger: logger.child({ camera: name }),
        onSegment: (segment) => this.#onSegment(segment),
        onGap: (gap) => this.#onGap(gap),
        onFailure: (failure) => this.#onFailure(failure),
      });
      this.#cameras.set(name, { name, config: camera, recorder, ring, pausedFor: null, cannotRecord: null });
    }
    for (const camera of this.#cameras.values()) {
      if (!this.#pauseIfFull(camera)) camera.recorder.start();
    }
    this.#deps.bus.on(this, 'clip.request', (envelope) => {
      const { incident_id, event_id } = envelope.payload;
      if (incident_id === null) {
        logger.warn(
          { event_id },
          'clip requested for an event without an incident; clips are cut per incident',
        );
        return;
      }
      return this.#store
        .request(incident_id, this.#now(), `a rule routed event ${event_id} to clip`)
        .then(() => undefined);
    });
    const tickMs = this.#deps.tickMs ?? 1000;
    this.#timer = setInterval(() => this.#runTick(), tickMs);
    this.#timer.unref();
    if (this.#cameras.size > 0)
      logger.info(
        { cameras: [...this.#cameras.keys()], ring_dir: this.#deps.ringDir },
        'recording ring started',
      );
  }

  async stop(): Promise<void> {
    this.#deps.bus.removeOwner(this);
    clearInterval(this.#timer);
    await this.#tick;
    await Promise.all([...this.#cameras.values()].map((camera) => camera.recorder.stop()));
    // The last segments are finished now: clips whose window has passed are cut before exit.
    await this.tick();
    this.#cameras.clear();
  }

  /** A decoded frame of a raw-frame camera (libcamera, sim), for its encoder. */
  pushFrame(camera: string, frame: Frame): void {
    const recording = this.#cameras.get(camera);
    if (recording && recording.pausedFor === null && recording.recorder.mode === 'encode')
      recording.recorder.pushFrame(frame);
  }

  /** Each recording camera's recorder figures (encoder, restarts, ffmpeg CPU time). */
  recorderStats(): Record<string, SegmentRecorderStats> {
    return Object.fromEntries([...this.#cameras.values()].map((c) => [c.name, c.recorder.stats()]));
  }

  health(): Record<string, unknown> {
    return Object.fromEntries(
      [...this.#cameras.values()].map((camera) => {
        const stats = camera.recorder.stats();
        return [
          camera.name,
          {
            encoder: stats.encoder,
            running: stats.running,
            restarts: stats.restarts,
            ring_segments: camera.ring.segments.length,
            recorded_until: camera.ring.recordedUntil || null,
            ...(camera.pausedFor ? { paused: camera.pausedFor } : {}),
            ...(camera.cannotRecord ? { cannot_record: camera.cannotRecord } : {}),
          },
        ];
      }),
    );
  }

  /** One pass: start clips for new incidents, cut finished ones, trim the rings, watch the disk. */
  tick(): Promise<void> {
    this.#tick = this.#tick
      .then(() => this.#pass())
      .catch((err: unknown) => {
        this.#deps.logger.error({ err }, 'clip pass failed; retrying on the next tick');
      });
    return this.#tick;
  }

  #runTick(): void {
    if (this.#ticking) return;
    this.#ticking = true;
    void this.tick().finally(() => {
      this.#ticking = false;
    });
  }

  async #pass(): Promise<void> {
    const now = this.#now();
    for (const camera of this.#cameras.values()) {
      // A ring directory removed underneath us (a tmpfs remounted, a user's rm) is made again.
      mkdirSync(join(this.#deps.ringDir, camera.name), { recursive: true });
      if (camera.pausedFor === null) this.#pauseIfFull(camera);
      else this.#resumeIfRoom(camera);
    }
    const longestPre = Math.max(0, ...[...this.#cameras.values()].map((c) => c.config.record.pre_capture));
    await this.#store.claimNew([...this.#cameras.keys()], now - longestPre * 1000 - RING_SLACK_MS, now);

    const held = new Map<string, ClipWindow[]>();
    for (const job of this.#store.recording()) {
      const camera = this.#cameras.get(job.camera);
      if (camera === undefined) {
        const reason = `camera '${job.camera}' is not recording (disabled, or record.enabled is false)`;
        await this.#store.noClip(job, 'missing', [], reason, now);
        this.#clipsTotal.inc({ result: 'missing' });
        continue;
      }
      const window = clipWindow(job, camera.config.record);
      if (camera.cannotRecord !== null && segmentsIn(window, camera.ring.segments).length === 0) {
        await this.#noRecorder(job, window, camera.name, camera.cannotRecord, now);
        continue;
      }
      if (window.until === null || !this.#canCut(camera, window.until, now)) {
        held.set(camera.name, [...(held.get(camera.name) ?? []), window]);
        continue;
      }
      await this.#cut(job, { from: window.from, until: window.until }, camera, now);
    }
    for (const camera of this.#cameras.values()) {
      const keepMs = camera.config.record.pre_capture * 1000 + RING_SLACK_MS;
      camera.ring.prune(now - keepMs, held.get(camera.name) ?? []);
    }
  }

  /**
   * The camera's recorder cannot run (ffmpeg is not installed) and has nothing of the window: the
   * clip is `missing` at once, saying what to install, rather than `recording` one that cannot come.
   */
  async #noRecorder(job: ClipJob, window: ClipWindow, camera: string, reason: string, now: number) {
    const gap = { from: window.from, to: Math.max(window.from, Math.min(window.until ?? now, now)), reason };
    await this.#store.noClip(job, 'missing', [gap], reason, now);
    this.#clipsTotal.inc({ result: 'missing' });
    // Debug only: the recorder logged the cause once, and incidents can come every few seconds.
    this.#deps.logger.debug(
      { incident: job.id, camera, reason },
      'no clip for the incident: the camera cannot record',
    );
  }

  /** The window has passed and the ring has recorded past it, or waited long enough for that. */
  #canCut(camera: RecordingCamera, until: number, now: number): boolean {
    if (now < until) return false;
    if (camera.ring.recordedUntil >= until) return true;
    const segmentMs = camera.config.record.segment_seconds * 1000;
    return now >= until + segmentMs + LATE_SEGMENT_GRACE_MS;
  }

  async #cut(job: ClipJob, window: { from: number; until: number }, camera: RecordingCamera, now: number) {
    const { logger, dataDir, config } = this.#deps;
    const gaps = gapsIn(window, segmentsIn(window, camera.ring.segments), camera.ring.gaps);
    const segments = clipSegments(window, camera.ring.segments);
    if (segments.length === 0) {
      await this.#store.noClip(job, 'missing', gaps, 'no recording covers the incident', now);
      this.#clipsTotal.inc({ result: 'missing' });
      logger.warn({ incident: job.id, camera: camera.name, gaps }, 'no recording for the incident clip');
      return;
    }
    const path = datedMediaPath(
      'clip',
      job.started_at,
      `${camera.name}-${job.id}.mp4`,
      config.device.timezone,
    );
    const startedAt = performance.now();
    try {
      const clip = await assembleClip({ segments: segments.map((s) => s.file), output: join(dataDir, path) });
      this.#assemblySeconds.observe((performance.now() - startedAt) / 1000);
      await this.#store.ready(job, { path, ...clip, segments: segments.length }, gaps, this.#now());
      this.#clipsTotal.inc({ result: 'ready' });
      logger.info(
        { incident: job.id, camera: camera.name, path, seconds: clip.durationMs / 1000, gaps: gaps.length },
        'incident clip ready',
      );
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      await this.#store.noClip(job, 'failed', gaps, reason.slice(0, 500), this.#now());
      this.#clipsTotal.inc({ result: 'failed' });
      logger.error({ err, incident: job.id, camera: camera.name }, 'incident clip failed');
    }
  }

  #onSegment(segment: Segment): void {
    const camera = this.#cameras.get(segment.camera);
    if (!camera) return;
    camera.cannotRecord = null;
    camera.ring.add(segment);
  }

  #onGap(gap: RecordingGap): void {
    this.#cameras.get(gap.camera)?.ring.addGap(gap);
  }

  /**
   * ffmpeg failed; a full disk pauses the ring at once rather than letting it restart into it.
   * A failure of another kind means ffmpeg ran after all (or recording stopped for a reason the
   * usual cut reports), so incidents wait for their window again.
   */
  #onFailure(failure: RecordingFailure): void {
    const camera = this.#cameras.get(failure.camera);
    if (!camera) return;
    camera.cannotRecord = failure.notInstalled ? failure.reason : null;
    if (failure.diskFull) this.#pause(camera, `disk full: ${failure.reason}`);
  }

  /** Pauses the camera's ring when its disk is nearly full; true while paused. */
  #pauseIfFull(camera: RecordingCamera): boolean {
    if (camera.pausedFor !== null) return true;
    const free = this.#freeSpace(this.#deps.ringDir);
    if (free >= this.#minFree) return false;
    this.#pause(camera, `only ${Math.round(free / 1048576)} MB free in ${this.#deps.ringDir}`);
    return true;
  }

  #pause(camera: RecordingCamera, reason: string): void {
    if (camera.pausedFor !== null) return;
    camera.pausedFor = reason;
    const at = this.#now();
    camera.ring.addGap({ camera: camera.name, from: at, to: at, reason: `recording paused, ${reason}` });
    void camera.recorder.stop();
    this.#deps.logger.error(
      { camera: camera.name, reason },
      'recording paused: the disk is full — free space (retention.min_free_mb, fewer days of clips) and it resumes by itself',
    );
    this.#systemEvent(camera.name, 'recording_paused', reason, 'high');
  }

  #resumeIfRoom(camera: RecordingCamera): void {
    if (camera.pausedFor === null) return;
    if (this.#freeSpace(this.#deps.ringDir) < this.#minFree * 2) return;
    const was = camera.pausedFor;
    camera.pausedFor = null;
    camera.recorder.start();
    const at = this.#now();
    camera.ring.addGap({ camera: camera.name, from: at, to: at, reason: `recording paused, ${was}` });
    this.#deps.logger.info({ camera: camera.name }, 'recording resumed: there is space again');
    this.#systemEvent(camera.name, 'recording_resumed', `paused for: ${was}`, 'low');
  }

  #systemEvent(camera: string, what: string, reason: string, severity: 'low' | 'high'): void {
    this.#deps.bus
      .publishAndWaitForHandlers('event.ingest', {
        type: 'system',
        source: 'recorder',
        camera,
        severity,
        data: { what, reason },
      })
      .catch((err: unknown) =>
        this.#deps.logger.error({ err, camera, what }, 'could not store the system event'),
      );
  }
}
