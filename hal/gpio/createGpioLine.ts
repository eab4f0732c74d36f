import { createGpiodInput } from './gpiod/gpiodInput';
import { createGpiodOutput } from './gpiod/gpiodOutput';
import type { GpioLineConfig } from './gpioSchema';
import { createSimInput, createSimOutput } from './sim/simLine';
import { createSysfsInput, createSysfsOutput } from './sysfs/sysfsLine';
import type { GpioInput, GpioLine, GpioLineOptions, GpioOutput } from './types';

type GpioDriver = GpioLineConfig['driver'];

interface DriverFactories {
  output(options: GpioLineOptions): Promise<GpioOutput>;
  input(options: GpioLineOptions): Promise<GpioInput>;
}

/** One pair of factories per driver name; the mapped type makes a missing driver a compile error. */
const DRIVERS: { readonly [K in GpioDriver]: DriverFactories } = {
  gpiod: { output: createGpiodOutput, input: createGpiodInput },
  sysfs: { output: createSysfsOutput, input: createSysfsInput },
  sim: { output: createSimOutput, input: createSimInput },
};

/** The valid values of `gpio.<name>.driver`. */
export const GPIO_LINE_DRIVERS = Object.keys(DRIVERS) as readonly GpioDriver[];

/**
 * Opens the line `options.config` describes with its driver and direction. Outputs are OFF
 * once this resolves. Throws for an unknown driver or direction, listing the valid ones.
 */
export async function createGpioLine(options: GpioLineOptions): Promise<GpioLine> {
  const { name, config } = options;
  const driver: string = config.driver;
  if (!Object.hasOwn(DRIVERS, driver)) {
    throw new Error(
      `gpio '${name}': unknown driver '${driver}' at gpio.${name}.driver; valid drivers: ${GPIO_LINE_DRIVERS.join(', ')}`,
    );
  }
  const factories = DRIVERS[config.driver];
  const direction: string = config.direction;
  if (direction === 'output') return factories.output(options);
  if (direction === 'input') return factories.input(options);
  throw new Error(
    `gpio '${name}': unknown direction '${direction}' at gpio.${name}.direction; valid: output, input`,
  );
}
