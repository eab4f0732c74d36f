import { Debouncer } from '../debouncer';
import { logicalValue, physicalLevel } from '../level';
import { ChangeListeners } from '../listeners';
import { outputLine } from '../outputLine';
import { gpioTiming } from '../timing';
import type { GpioInput, GpioLineOptions, GpioOutput } from '../types';
import { clearKernelActiveLow, exportPin, readLevel, writePinFile } from './sysfsFiles';

/**
 * An output through /sys/class/gpio (or `sysfs_root`). Direction is written as "low"/"high",
 * which the kernel documents as "output with this initial value": no glitch to ON at start.
 * The pin stays exported on close, driven OFF (unexporting could let a relay float on).
 */
export async function createSysfsOutput(options: GpioLineOptions): Promise<GpioOutput> {
  const { config } = options;
  const timing = gpioTiming(options.timing);
  const dir = await exportPin(config.sysfs_root, config.pin, timing.exportWaitMs);
  const deadline = Date.now() + timing.exportWaitMs;
  await clearKernelActiveLow(dir, deadline);
  const off = physicalLevel(false, config.active_low);
  await writePinFile(dir, 'direction', off === 1 ? 'high' : 'low', deadline);
  return outputLine(options.name, config.active_low, {
    write: (level) => writePinFile(dir, 'value', String(level)),
    release: async () => {},
  });
}

/** An input through sysfs, polled every `timing.pollMs` and debounced by `debounce_ms`. */
export async function createSysfsInput(options: GpioLineOptions): Promise<GpioInput> {
  const { config, logger } = options;
  const timing = gpioTiming(options.timing);
  const dir = await exportPin(config.sysfs_root, config.pin, timing.exportWaitMs);
  const deadline = Date.now() + timing.exportWaitMs;
  await clearKernelActiveLow(dir, deadline);
  await writePinFile(dir, 'direction', 'in', deadline);
  const listeners = new ChangeListeners(options.name, logger);
  const initial = logicalValue(await readLevel(dir), config.active_low);
  const debouncer = new Debouncer(initial, config.debounce_ms, (v, at) => listeners.emit(v, at));
  let failing = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  const poll = async (): Promise<void> => {
    try {
      const level = await readLevel(dir);
      if (closed) return;
      debouncer.feed(logicalValue(level, config.active_low));
      if (failing) logger?.info({ line: options.name }, 'gpio input readable again');
      failing = false;
    } catch (err) {
      if (!failing) logger?.error({ err, line: options.name }, 'gpio input read failed; retrying');
      failing = true;
    }
    if (!closed) timer = setTimeout(poll, timing.pollMs);
  };
  timer = setTimeout(poll, timing.pollMs);
  return {
    direction: 'input',
    name: options.name,
    value: () => debouncer.value,
    onChange: (cb) => listeners.add(cb),
    async close() {
      closed = true;
      clearTimeout(timer);
      debouncer.cancel();
      listeners.clear();
    },
  };
}
