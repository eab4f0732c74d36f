import { Debouncer } from '../debouncer';
import { type Level, logicalValue, physicalLevel } from '../level';
import { ChangeListeners } from '../listeners';
import { outputLine } from '../outputLine';
import type { GpioInput, GpioLineOptions, GpioOutput } from '../types';

/** One recorded level of a simulated line. */
interface SimRecord {
  /** Logical value (on/active). */
  value: boolean;
  /** Physical level on the (imaginary) wire. */
  level: Level;
  /** ms since the epoch. */
  at: number;
}

/** A simulated output: every level it applies is recorded. */
export interface SimOutput extends GpioOutput {
  /** Every level applied, oldest first (the first is the initial OFF). */
  history(): SimRecord[];
}

/** A simulated input: tests and the demo drive it with `simulate`. */
export interface SimInput extends GpioInput {
  /** Sets the raw logical value now (debounced like a real line). */
  simulate(value: boolean): void;
  /** Every raw value simulated, oldest first (before debouncing). */
  history(): SimRecord[];
}

/** An in-memory output. */
export async function createSimOutput(options: GpioLineOptions): Promise<SimOutput> {
  const records: SimRecord[] = [];
  const activeLow = options.config.active_low;
  const line = await outputLine(options.name, activeLow, {
    write: async (level) =>
      void records.push({ value: logicalValue(level, activeLow), level, at: Date.now() }),
    release: async () => {},
  });
  return { ...line, history: () => records.map((r) => ({ ...r })) };
}

/** An in-memory input, initially inactive. */
export async function createSimInput(options: GpioLineOptions): Promise<SimInput> {
  const records: SimRecord[] = [];
  const activeLow = options.config.active_low;
  const listeners = new ChangeListeners(options.name, options.logger);
  const debouncer = new Debouncer(false, options.config.debounce_ms, (v, at) => listeners.emit(v, at));
  let closed = false;
  return {
    direction: 'input',
    name: options.name,
    value: () => debouncer.value,
    onChange: (cb) => listeners.add(cb),
    simulate(value) {
      if (closed) return;
      const at = Date.now();
      records.push({ value, level: physicalLevel(value, activeLow), at });
      debouncer.feed(value, at);
    },
    history: () => records.map((r) => ({ ...r })),
    async close() {
      closed = true;
      debouncer.cancel();
      listeners.clear();
    },
  };
}
