/** A pull from the source, settled: kept so a failure is thrown where it is reached, not unhandled. */
type Pulled<T> = { ok: true; result: IteratorResult<T> } | { ok: false; err: unknown };

/**
 * The items of `source`, with up to `ahead` further items asked for while the consumer works on
 * the current one. A camera source hands a frame to a waiting request at once and keeps only its
 * newest frame otherwise (skipped_fps counts the rest), so `ahead` requests in flight let that many
 * more frames wait: a frame that takes longer than usual (regions of several cameras queued at the
 * detector at once) no longer costs the next one, which only a detector that is behind on
 * average does. A lossless source (a file as fast as possible) just holds its frames back the same way.
 * Items come in the source's order; returning early returns the source.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, ahead: number): AsyncGenerator<T, void> {
  if (!Number.isInteger(ahead) || ahead < 0) throw new Error(`ahead must be a whole number (got ${ahead})`);
  const iterator = source[Symbol.asyncIterator]();
  const pending: Array<Promise<Pulled<T>>> = [];
  const pull = () =>
    iterator.next().then(
      (result): Pulled<T> => ({ ok: true, result }),
      (err: unknown): Pulled<T> => ({ ok: false, err }),
    );
  let finished = false;
  try {
    for (;;) {
      while (pending.length < ahead + 1) pending.push(pull());
      const next = await (pending.shift() as Promise<Pulled<T>>);
      if (!next.ok) throw next.err;
      if (next.result.done) {
        finished = true;
        return;
      }
      yield next.result.value;
    }
  } finally {
    // The consumer stopped early (or the source failed): the source is released, as `for await` would.
    if (!finished) await iterator.return?.();
  }
}
