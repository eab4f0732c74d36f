import { gpioDriver } from './gpioDrivers';
import type { GpioLine, GpioLineOptions } from './types';

/**
 * Opens the line `options.config` describes with its driver and direction. Outputs are OFF
 * once this resolves. Throws for an unknown driver or direction, listing the valid ones.
 */
export async function createGpioLine(options: GpioLineOptions): Promise<GpioLine> {
  const { name, config } = options;
  const driver = gpioDriver(name, config);
  const direction: string = config.direction;
  if (direction === 'output') return driver.output(options);
  if (direction === 'input') return driver.input(options);
  throw new Error(
    `gpio '${name}': unknown direction '${direction}' at gpio.${name}.direction; valid: output, input`,
  );
}
