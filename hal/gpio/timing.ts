import type { GpiodTools, GpioTiming } from './types';

/** Timing for real hardware: 20 ms input polling, 1 s for udev to publish an exported pin. */
const DEFAULT_GPIO_TIMING: GpioTiming = {
  pollMs: 20,
  exportWaitMs: 1_000,
  settleMs: 100,
  stopGraceMs: 1_000,
  restartMs: 1_000,
};

/** The libgpiod tools as Debian installs them (package `gpiod`), found on PATH. */
export const DEFAULT_GPIOD_TOOLS: GpiodTools = { gpioset: 'gpioset', gpioget: 'gpioget', gpiomon: 'gpiomon' };

/** `DEFAULT_GPIO_TIMING` with the given overrides. */
export function gpioTiming(overrides: Partial<GpioTiming> = {}): GpioTiming {
  return { ...DEFAULT_GPIO_TIMING, ...overrides };
}
