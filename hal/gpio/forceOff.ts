import { gpioDriver } from './gpioDrivers';
import { type GpioConfig, type GpioLineConfig, gpioLines } from './gpioSchema';
import { physicalLevel } from './level';
import type { ForceOffOptions } from './types';

/** What happened to one output. */
export interface ForceOffResult {
  name: string;
  driver: GpioLineConfig['driver'];
  /** The physical level written (the line's OFF level). */
  level: 0 | 1;
  ok: boolean;
  error?: string;
}

/**
 * Drives every configured OUTPUT to its OFF physical level directly, without the daemon:
 * the `ExecStopPost=` step after a crash (`vigil gpio off`). Every line is tried even if one
 * fails (an unknown driver too); inputs are left alone.
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
        await gpioDriver(name, line).forceOff(line, result.level, options);
        return { ...result, ok: true };
      } catch (err) {
        return { ...result, ok: false, error: err instanceof Error ? err.message : String(err) };
      }
    }),
  );
}
