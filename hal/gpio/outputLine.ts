import { type Level, physicalLevel } from './level';
import type { GpioOutput } from './types';

/** What a driver provides to `outputLine`: how to drive the wire and how to let go of it. */
export interface OutputPort {
  /** Applies a physical level (the first call is the initial OFF). */
  write(level: Level): Promise<void>;
  /** Releases the line after the final OFF write. */
  release(): Promise<void>;
}

/**
 * The part every output driver shares: logical→physical mapping, writes applied one at a time
 * in call order, OFF first, OFF last. Resolves once the initial OFF is applied.
 */
export async function outputLine(name: string, activeLow: boolean, port: OutputPort): Promise<GpioOutput> {
  let state = false;
  let closed: Promise<void> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  const apply = (on: boolean): Promise<void> => {
    const next = queue.then(async () => {
      await port.write(physicalLevel(on, activeLow));
      state = on;
    });
    queue = next.catch(() => {});
    return next;
  };
  await apply(false);
  return {
    direction: 'output',
    name,
    set(on) {
      if (closed) return Promise.reject(new Error(`gpio '${name}': set() after close()`));
      return apply(on);
    },
    state: () => state,
    close() {
      closed ??= (async () => {
        try {
          await apply(false);
        } finally {
          await port.release();
        }
      })();
      return closed;
    },
  };
}
