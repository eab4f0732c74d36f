/**
 * Maps one ffmpeg process's stream time (seconds from its first packet) to wall-clock ms.
 *
 * ffmpeg's segment list gives each finished segment's start and end in stream time; what is
 * missing is the wall-clock instant of stream time 0 (the anchor). ffmpeg writes a segment's
 * line when the first packet of the *next* segment reaches the muxer, and for live input that
 * packet is muxed as it arrives (network streams and pushed frames are stamped with their arrival
 * time by `-use_wallclock_as_timestamps`; files are paced by `-re`). So when a line is first seen
 * at wall time `seenAt`, its end had already happened: `anchor <= seenAt - end`. Every line gives
 * such an upper bound; the list is watched with inotify, so the smallest one is within a few ms of
 * the truth for live input. (A file read with `-re` runs a few frames ahead of the wall clock,
 * B-frame delay and read-ahead, so its segments come out that much early; a segment never ends
 * after the moment it was reported.) Times are thus those of the frames reaching ffmpeg, the same
 * clock the camera's frame timestamps use.
 */
export class StreamClock {
  readonly #startedAt: number;
  #anchor: number | undefined;
  #origin: number | undefined;

  /** `startedAt`: wall-clock ms when ffmpeg was started; the anchor until the first observation. */
  constructor(startedAt: number) {
    this.#startedAt = startedAt;
  }

  /** A segment list line ending at `streamSeconds` was seen at wall-clock `seenAt` ms. */
  observe(streamSeconds: number, seenAt: number): void {
    this.#anchor = Math.min(this.#anchor ?? Number.POSITIVE_INFINITY, seenAt - streamSeconds * 1000);
  }

  /**
   * Stream time 0 is known directly: encode mode wrote the first frame at `wallMs` to an ffmpeg
   * already waiting for it, and ffmpeg stamps that frame's arrival as stream time 0. It wins over
   * the observed bound, which can be a frame interval late for the first segment.
   */
  setOrigin(wallMs: number): void {
    this.#origin ??= wallMs;
  }

  /** Wall-clock ms (rounded) of a stream time. */
  toWall(streamSeconds: number): number {
    const anchor =
      this.#origin !== undefined
        ? Math.min(this.#origin, this.#anchor ?? Number.POSITIVE_INFINITY)
        : (this.#anchor ?? this.#startedAt);
    return Math.round(anchor + streamSeconds * 1000);
  }
}
