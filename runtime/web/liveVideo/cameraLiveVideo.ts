import type { WebSocket } from 'ws';
import { type SupervisedChild, spawnSupervised } from '../../../base/childProcesses';
import type { Logger } from '../../../base/logger';
import { FFMPEG_BINARY } from '../../../hal/camera/ffmpeg/ffmpegArgs';
import type { Frame } from '../../../hal/camera/types';
import { Fmp4Splitter, type InitSegment, type MediaFragment } from './fmp4Splitter';
import type { LiveVideoSource } from './liveVideoArgs';
import { LIVE_CLOSE_CODES, type LiveVideoInitMessage } from './liveVideoMessages';

/** How a camera's live video treats its viewers. */
export interface ViewerLimits {
  /** Viewers of one camera at once; more are refused. */
  maxViewers: number;
  /** Unsent bytes past which a viewer skips fragments until the next keyframe. */
  skipBytes: number;
  /** Unsent bytes past which a viewer is disconnected (4008). */
  dropBytes: number;
  /** How long a viewer may go on skipping (never draining below `skipBytes`) before it is disconnected. */
  stalledMs: number;
}

interface Viewer {
  readonly socket: WebSocket;
  /** Has been sent the init segment. */
  initialized: boolean;
  /** Gets nothing until a fragment that starts with a keyframe (a joiner, or one that fell behind). */
  waitingForKeyframe: boolean;
  /** When it began skipping because it was behind; undefined while it keeps up. */
  behindSince: number | undefined;
}

/**
 * One camera's live video: an ffmpeg writing fragmented MP4 (stream copy of the camera's H.264,
 * or an encoder fed the pipeline's frames for a raw-frame camera), started when the first
 * viewer comes and ended when the last one leaves, fanned out to every viewer as WebSocket
 * binary messages. Each viewer gets the init segment, then fragments from the next keyframe on.
 * No viewer is waited for: one that falls behind skips to the next keyframe, and one that stays
 * behind is disconnected, so a stalled browser holds at most `dropBytes` of memory.
 */
export class CameraLiveVideo {
  readonly camera: string;
  readonly #source: LiveVideoSource;
  readonly #limits: ViewerLimits;
  readonly #logger: Logger;
  readonly #viewers = new Set<Viewer>();
  #process: SupervisedChild | undefined;
  #init: InitSegment | undefined;
  #closed = false;

  constructor(camera: string, source: LiveVideoSource, limits: ViewerLimits, logger: Logger) {
    this.camera = camera;
    this.#source = source;
    this.#limits = limits;
    this.#logger = logger.child({ camera });
  }

  get viewerCount(): number {
    return this.#viewers.size;
  }

  /** Whether another viewer would be refused. */
  get full(): boolean {
    return this.#closed || this.#viewers.size >= this.#limits.maxViewers;
  }

  /** The ffmpeg's id while it runs (for tests and the bench). */
  get pid(): number | undefined {
    return this.#process?.child.pid;
  }

  /** Serves an open socket until it or the stream ends; refuses it (1013) when full. */
  add(socket: WebSocket): boolean {
    if (this.full) {
      socket.close(LIVE_CLOSE_CODES.tryAgainLater, 'too many viewers of this camera');
      return false;
    }
    const viewer: Viewer = { socket, initialized: false, waitingForKeyframe: true, behindSince: undefined };
    this.#viewers.add(viewer);
    const leave = (): void => this.#remove(viewer);
    socket.on('close', leave);
    socket.on('error', (err) => {
      this.#logger.debug({ err }, 'live video viewer socket error');
      socket.terminate();
      leave();
    });
    if (this.#init !== undefined) this.#sendInit(viewer, this.#init);
    this.#process ??= this.#start();
    return true;
  }

  /**
   * A raw-frame camera's processed frame: to the encoder while somebody watches. A frame that
   * comes while the previous one is still in the pipe (the encoder is behind) is dropped, so
   * memory stays bounded and the picture live; so is one not of the size ffmpeg was told.
   */
  pushFrame(frame: Frame): void {
    const format = this.#source.frames;
    const stdin = this.#process?.child.stdin;
    if (format === undefined || !stdin?.writable || stdin.writableNeedDrain) return;
    if (frame.width !== format.width || frame.height !== format.height) return;
    stdin.write(frame.data);
  }

  /** Disconnects every viewer (1001) and ends ffmpeg; later viewers are refused. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const viewer of this.#viewers)
      viewer.socket.close(LIVE_CLOSE_CODES.goingAway, 'server shutting down');
    this.#viewers.clear();
    await this.#stop();
  }

  #start(): SupervisedChild {
    const encodes = this.#source.frames !== undefined;
    const proc = spawnSupervised(FFMPEG_BINARY, this.#source.args, {
      stdio: [encodes ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    this.#logger.info({ pid: proc.child.pid, mode: encodes ? 'encode' : 'copy' }, 'live video started');
    proc.child.stdin?.on('error', (err) => {
      // ffmpeg ended (or is ending) while a frame was on its way: its end is handled below.
      this.#logger.debug({ err }, 'live video encoder input closed');
    });
    let stderr = '';
    proc.child.stderr?.on('data', (chunk: Buffer) => {
      // The last lines say why it ended; bounded, whatever ffmpeg prints.
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    const splitter = new Fmp4Splitter(
      (init) => this.#onInit(init),
      (fragment) => this.#onFragment(fragment),
    );
    proc.child.stdout?.on('data', (chunk: Buffer) => {
      if (this.#process !== proc) return;
      try {
        splitter.push(chunk);
      } catch (err) {
        this.#logger.warn(
          { err },
          'live video: ffmpeg wrote something that is not fragmented MP4; ending it',
        );
        void proc.kill(2000);
      }
    });
    void proc.gone.then(() => {
      if (this.#process !== proc) return;
      // It ended by itself (camera gone, end of a file): viewers reconnect, which starts a fresh one.
      this.#process = undefined;
      this.#init = undefined;
      const reason = proc.spawnError()?.message ?? stderr.trim().split('\n').pop() ?? 'ffmpeg exited';
      this.#logger.warn({ reason, exitCode: proc.child.exitCode }, 'live video ffmpeg ended');
      for (const viewer of this.#viewers) viewer.socket.close(LIVE_CLOSE_CODES.streamEnded, 'stream ended');
      this.#viewers.clear();
    });
    return proc;
  }

  async #stop(): Promise<void> {
    const proc = this.#process;
    this.#process = undefined;
    this.#init = undefined;
    if (proc === undefined) return;
    await proc.kill(2000);
    this.#logger.info('live video stopped: nobody is watching');
  }

  #remove(viewer: Viewer): void {
    if (!this.#viewers.delete(viewer)) return;
    if (this.#viewers.size === 0) void this.#stop();
  }

  #onInit(init: InitSegment): void {
    this.#init = init;
    for (const viewer of this.#viewers) if (!viewer.initialized) this.#sendInit(viewer, init);
  }

  #sendInit(viewer: Viewer, init: InitSegment): void {
    const message: LiveVideoInitMessage = {
      type: 'init',
      codec: init.codec,
      mime: `video/mp4; codecs="${init.codec}"`,
    };
    viewer.socket.send(JSON.stringify(message), { binary: false });
    viewer.socket.send(init.bytes, { binary: true });
    viewer.initialized = true;
  }

  #onFragment(fragment: MediaFragment): void {
    const now = Date.now();
    const { skipBytes, dropBytes, stalledMs } = this.#limits;
    for (const viewer of this.#viewers) {
      const { socket } = viewer;
      if (!viewer.initialized || socket.readyState !== socket.OPEN) continue;
      const buffered = socket.bufferedAmount;
      const stalled = viewer.behindSince !== undefined && now - viewer.behindSince > stalledMs;
      if (buffered > dropBytes || stalled) {
        this.#drop(viewer, buffered);
        continue;
      }
      if (buffered > skipBytes) {
        viewer.waitingForKeyframe = true;
        viewer.behindSince ??= now;
        continue;
      }
      if (viewer.waitingForKeyframe && !fragment.keyframe) continue;
      viewer.waitingForKeyframe = false;
      viewer.behindSince = undefined;
      socket.send(fragment.bytes, { binary: true });
    }
  }

  #drop(viewer: Viewer, buffered: number): void {
    this.#logger.warn(
      { buffered_bytes: buffered, limit_bytes: this.#limits.dropBytes },
      'live video viewer too slow: disconnected',
    );
    const { socket } = viewer;
    socket.close(LIVE_CLOSE_CODES.tooSlow, 'too slow');
    // The close frame waits behind the unread data; a stalled viewer never reads it.
    const timer = setTimeout(() => socket.terminate(), 2000);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
    this.#remove(viewer);
  }
}
