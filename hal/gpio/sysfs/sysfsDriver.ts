import { gpioTiming } from '../timing';
import type { GpioDriver } from '../types';
import { exportPin, writePinFile } from './sysfsFiles';
import { createSysfsInput, createSysfsOutput } from './sysfsLine';

/** The legacy sysfs interface (older kernels). */
export const SYSFS_DRIVER: GpioDriver = {
  output: createSysfsOutput,
  input: createSysfsInput,
  async forceOff(line, level, options) {
    const timing = gpioTiming(options.timing);
    const dir = await exportPin(line.sysfs_root, line.pin, timing.exportWaitMs);
    const deadline = Date.now() + timing.exportWaitMs;
    // Direction "low"/"high" also makes a pin left as an input (or unexported) drive OFF.
    await writePinFile(dir, 'direction', level === 1 ? 'high' : 'low', deadline);
    await writePinFile(dir, 'value', String(level), deadline);
  },
  location: (line) => line.sysfs_root,
};
