/** The start of a fragmented MP4 stream: `ftyp` + `moov`, which a player needs before any fragment. */
export interface InitSegment {
  readonly bytes: Buffer;
  /** RFC 6381 codec of the video track for `MediaSource.isTypeSupported`, e.g. `avc1.64001f`. */
  readonly codec: string;
}

/** One `moof` + `mdat` pair: a few frames a player can append once it has the init segment. */
export interface MediaFragment {
  readonly bytes: Buffer;
  /** Its first sample is a sync sample (a keyframe): a viewer may start here. */
  readonly keyframe: boolean;
}

/**
 * A box larger than this is not something ffmpeg writes for a live camera (a fragment is a
 * fraction of a second of video); a stream that announces one is broken, and buffering it would
 * be unbounded memory.
 */
const MAX_BOX_BYTES = 16 * 1024 * 1024;

/**
 * Cuts ffmpeg's fragmented MP4 output (bytes as they come off its stdout) into the init segment
 * and media fragments. Only top-level box headers are read, plus the few fields inside `moov`
 * (the avcC profile and level) and `moof` (the first sample's flags) a viewer needs.
 */
export class Fmp4Splitter {
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** `ftyp` seen, waiting for `moov`. */
  #ftyp: Buffer | undefined;
  /** `moof` seen, waiting for its `mdat`. */
  #moof: Buffer | undefined;
  readonly #onInit: (init: InitSegment) => void;
  readonly #onFragment: (fragment: MediaFragment) => void;

  constructor(onInit: (init: InitSegment) => void, onFragment: (fragment: MediaFragment) => void) {
    this.#onInit = onInit;
    this.#onFragment = onFragment;
  }

  /** Feeds the next bytes of the stream; throws when the stream is not fragmented MP4. */
  push(chunk: Buffer): void {
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    while (this.#pendingBytes >= 8) {
      const head = this.#peek(16);
      let size = head.readUInt32BE(0);
      let headerBytes = 8;
      if (size === 1) {
        if (head.length < 16) return;
        size = Number(head.readBigUInt64BE(8));
        headerBytes = 16;
      }
      if (size < headerBytes || size > MAX_BOX_BYTES) {
        throw new Error(`not a fragmented MP4 stream: a box of ${size} bytes`);
      }
      if (this.#pendingBytes < size) return;
      this.#box(this.#take(size));
    }
  }

  #box(box: Buffer): void {
    const type = box.toString('latin1', 4, 8);
    if (type === 'ftyp') this.#ftyp = box;
    else if (type === 'moov') {
      if (this.#ftyp === undefined) throw new Error('not a fragmented MP4 stream: moov before ftyp');
      this.#onInit({ bytes: Buffer.concat([this.#ftyp, box]), codec: avcCodec(box) });
      this.#ftyp = undefined;
    } else if (type === 'moof') this.#moof = box;
    else if (type === 'mdat' && this.#moof !== undefined) {
      const moof = this.#moof;
      this.#moof = undefined;
      this.#onFragment({ bytes: Buffer.concat([moof, box]), keyframe: startsWithSyncSample(moof) });
    }
    // Anything else (styp, sidx, mfra at the end) carries nothing a live viewer needs.
  }

  /** Up to `n` bytes from the front without consuming them. */
  #peek(n: number): Buffer {
    const first = this.#pending[0] as Buffer;
    if (first.length >= n || this.#pending.length === 1) return first.subarray(0, n);
    return Buffer.concat(this.#pending).subarray(0, n);
  }

  #take(n: number): Buffer {
    const all = this.#pending.length === 1 ? (this.#pending[0] as Buffer) : Buffer.concat(this.#pending);
    // A copy: the rest of the chunk must not keep this box's memory alive, nor the other way round.
    const box = Buffer.from(all.subarray(0, n));
    const rest = all.subarray(n);
    this.#pending = rest.length > 0 ? [rest] : [];
    this.#pendingBytes = rest.length;
    return box;
  }
}

/** The children of a container box's payload (from `offset` to the end). */
function* children(box: Buffer, offset = 8): Generator<{ type: string; body: Buffer }> {
  let at = offset;
  while (at + 8 <= box.length) {
    const size = box.readUInt32BE(at);
    if (size < 8 || at + size > box.length) return;
    yield { type: box.toString('latin1', at + 4, at + 8), body: box.subarray(at, at + size) };
    at += size;
  }
}

function child(box: Buffer, type: string): Buffer | undefined {
  for (const c of children(box)) if (c.type === type) return c.body;
  return undefined;
}

/**
 * `avc1.PPCCLL` from the avcC box (profile, constraint flags, level of the stream's SPS), found
 * anywhere in `moov`; `avc1.42e01e` (constrained baseline 3.0) when there is none to read.
 */
function avcCodec(moov: Buffer): string {
  const at = moov.indexOf('avcC', 0, 'latin1');
  if (at < 4 || at + 8 > moov.length) return 'avc1.42e01e';
  const hex = (offset: number) => (moov[at + offset] as number).toString(16).padStart(2, '0');
  // avcC body: configurationVersion, AVCProfileIndication, profile_compatibility, AVCLevelIndication.
  return `avc1.${hex(5)}${hex(6)}${hex(7)}`;
}

/**
 * Whether the fragment's first sample is a sync sample: its flags come from `trun`'s
 * first-sample flags, its per-sample flags, `tfhd`'s defaults, in that order (ISO 14496-12
 * 8.8.7/8.8.8); bit 16 of the flags is `sample_is_non_sync_sample`.
 */
function startsWithSyncSample(moof: Buffer): boolean {
  const traf = child(moof, 'traf');
  if (traf === undefined) return false;
  let flags: number | undefined;
  const tfhd = child(traf, 'tfhd');
  if (tfhd !== undefined && tfhd.length >= 16) {
    const tfFlags = tfhd.readUInt32BE(8) & 0xffffff;
    let at = 16; // header, version+flags, track_ID
    if (tfFlags & 0x1) at += 8; // base_data_offset
    if (tfFlags & 0x2) at += 4; // sample_description_index
    if (tfFlags & 0x8) at += 4; // default_sample_duration
    if (tfFlags & 0x10) at += 4; // default_sample_size
    if (tfFlags & 0x20 && at + 4 <= tfhd.length) flags = tfhd.readUInt32BE(at);
  }
  const trun = child(traf, 'trun');
  if (trun !== undefined && trun.length >= 16) {
    const trFlags = trun.readUInt32BE(8) & 0xffffff;
    let at = 16; // header, version+flags, sample_count
    if (trFlags & 0x1) at += 4; // data_offset
    if (trFlags & 0x4 && at + 4 <= trun.length) flags = trun.readUInt32BE(at);
    else if (trFlags & 0x400) {
      if (trFlags & 0x100) at += 4; // sample_duration
      if (trFlags & 0x200) at += 4; // sample_size
      if (at + 4 <= trun.length) flags = trun.readUInt32BE(at);
    }
  }
  if (flags === undefined) return false;
  return (flags & 0x10000) === 0;
}
