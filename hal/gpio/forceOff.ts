import { gpiosetArgs } from './gpiod/gpiodArgs';
import { gpiodMajor, runTool } from './gpiod/gpiodTools';
import { type GpioConfig, type GpioLineConfig, gpioLines } from './gpioSchema';
import { physicalLevel } from './level';
import { exportPin, writePinFile } from './sysfs/sysfsFiles';
import { DEFAULT_GPIOD_TOOLS, gpioTiming } from './timing';
import type { GpiodTools, GpioTiming } from './types';

/** Tool paths and timing for `forceOutputsOff` (defaults: Debian's tools on PATH, real-hardware timing). */
export interface ForceOffOptions {
  tools?: Partial<GpiodTools>;
  timing?: Partial<GpioTiming>;
}

/** What happened to one output. */
export interface ForceOffResult {
  name: string;
  driver: GpioLineConfig['driver'];
  /** The physical level written (the line's OFF level). */
  level: 0 | 1;
  ok: boolean;
  error?: string;
}

async function forceOne(line: GpioLineConfig, options: ForceOffOptions): Promise<void> {
  const level = physicalLevel(false, line.active_low);
  if (line.driver === 'sysfs') {
    const timing = gpioTiming(options.timing);
    const dir = await exportPin(line.sysfs_root, line.pin, timing.exportWaitMs);
    const deadline = Date.now() + timing.exportWaitMs;
    // Direction "low"/"high" also makes a pin left as an input (or unexported) drive OFF.
    await writePinFile(dir, 'direction', level === 1 ? 'high' : 'low', deadline);
    await writePinFile(dir, 'value', String(level), deadline);
    return;
  }
  if (line.driver === 'gpiod') {
    const tool = options.tools?.gpioset ?? DEFAULT_GPIOD_TOOLS.gpioset;
    await runTool(tool, gpiosetArgs(await gpiodMajor(tool), line, level, false));
  }
  // sim: nothing physical to switch off.
}

/**
 * Drives every configured OUTPUT to its OFF physical level directly, without the daemon:
 * the `ExecStopPost=` step after a crash (`vigil gpio off`). Every line is tried even if one
 * fails; inputs are left alone. The gpiod way needs the line free (systemd has killed the
 * daemon's `gpioset` by then).
 */
export async function forceOutputsOff(
  config: GpioConfig,
  options: ForceOffOptions = {},
): Promise<ForceOffResult[]> {
  const outputs = gpioLines(config, 'output');
  return Promise.all(
    outputs.map(async ([name, line]): Promise<ForceOffResult> => {
      const result = { name, driver: line.driver, level: physicalLevel(false, line.active_low) };
      try {
        await forceOne(line, options);
        return { ...result, ok: true };
      } catch (err) {
        return { ...result, ok: false, error: err instanceof Error ? err.message : String(err) };
      }
    }),
  );
}
