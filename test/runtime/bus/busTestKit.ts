import { EventBus } from '../../../runtime/bus/eventBus';
import type { AnyEnvelope, EventBusOptions } from '../../../runtime/bus/types';

/** The event map the bus tests publish on. */
export interface TestEvents {
  'test.number': { n: number };
  'test.child': { parentN: number };
  'camera.frame': { n: number };
}

export interface ReportedError {
  error: unknown;
  envelope: AnyEnvelope<TestEvents>;
  subscriber: string;
}

/** A bus whose handler errors are collected for assertions. */
export function makeBus(options: Partial<EventBusOptions<TestEvents>> = {}): {
  bus: EventBus<TestEvents>;
  errors: ReportedError[];
} {
  const errors: ReportedError[] = [];
  const bus = new EventBus<TestEvents>({
    onHandlerError: (error, envelope, subscriber) => errors.push({ error, envelope, subscriber }),
    ...options,
  });
  return { bus, errors };
}

/** A promise with its resolve exposed, to hold a handler until the test lets it go. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * Lets every pending microtask and one macrotask run. Used to assert that a promise is
 * still pending because it is waiting on something the test controls, not on time.
 */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Tracks whether a promise has settled yet. */
export function track<T>(promise: Promise<T>): { readonly done: boolean; promise: Promise<T> } {
  const state = { done: false, promise };
  promise.then(
    () => {
      state.done = true;
    },
    () => {
      state.done = true;
    },
  );
  return state;
}
