/**
 * Cuts a raw video byte stream (pipe reads of any size) into frames of exactly `frameBytes`.
 * Each frame gets its own buffer, because the consumer may keep it after the next one arrives.
 */
export class FrameSplitter {
  readonly #frameBytes: number;
  readonly #onFrame: (frame: Buffer) => void;
  #current: Buffer;
  #filled = 0;

  constructor(frameBytes: number, onFrame: (frame: Buffer) => void) {
    this.#frameBytes = frameBytes;
    this.#onFrame = onFrame;
    this.#current = Buffer.allocUnsafe(frameBytes);
  }

  /** Bytes of a partial frame waiting for the rest (dropped on reconnect). */
  get pendingBytes(): number {
    return this.#filled;
  }

  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(this.#frameBytes - this.#filled, chunk.length - offset);
      chunk.copy(this.#current, this.#filled, offset, offset + take);
      this.#filled += take;
      offset += take;
      if (this.#filled === this.#frameBytes) {
        const frame = this.#current;
        this.#current = Buffer.allocUnsafe(this.#frameBytes);
        this.#filled = 0;
        this.#onFrame(frame);
      }
    }
  }
}
