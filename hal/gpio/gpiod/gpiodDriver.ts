import { DEFAULT_GPIOD_TOOLS } from '../timing';
import type { GpioDriver } from '../types';
import { gpiosetArgs } from './gpiodArgs';
import { createGpiodInput } from './gpiodInput';
import { createGpiodOutput } from './gpiodOutput';
import { gpiodMajor, runTool } from './gpiodTools';

/** The character-device driver through libgpiod's tools (current kernels, the Pi 5). */
export const GPIOD_DRIVER: GpioDriver = {
  output: createGpiodOutput,
  input: createGpiodInput,
  // Needs the line free: systemd has killed the daemon's `gpioset` by the time ExecStopPost runs.
  async forceOff(line, level, options) {
    const tool = options.tools?.gpioset ?? DEFAULT_GPIOD_TOOLS.gpioset;
    await runTool(tool, gpiosetArgs(await gpiodMajor(tool), line, level, false));
  },
  location: (line) => line.chip,
};
