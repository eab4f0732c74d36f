import { GPIOD_DRIVER } from './gpiod/gpiodDriver';
import type { GpioLineConfig } from './gpioSchema';
import { SIM_DRIVER } from './sim/simDriver';
import { SYSFS_DRIVER } from './sysfs/sysfsDriver';
import type { GpioDriver } from './types';

type GpioDriverName = GpioLineConfig['driver'];

/** One driver per name the config accepts; the mapped type makes a missing driver a compile error. */
const DRIVERS: { readonly [K in GpioDriverName]: GpioDriver } = {
  gpiod: GPIOD_DRIVER,
  sysfs: SYSFS_DRIVER,
  sim: SIM_DRIVER,
};

/** The drivers Vigil has, by name. */
export const GPIO_LINE_DRIVERS = Object.keys(DRIVERS) as readonly GpioDriverName[];

/** The driver of `gpio.<name>`; throws for an unknown driver, listing the valid ones. */
export function gpioDriver(name: string, line: GpioLineConfig): GpioDriver {
  const driver: string = line.driver;
  if (!Object.hasOwn(DRIVERS, driver)) {
    throw new Error(
      `gpio '${name}': unknown driver '${driver}' at gpio.${name}.driver; valid drivers: ${GPIO_LINE_DRIVERS.join(', ')}`,
    );
  }
  return DRIVERS[line.driver];
}

/** What identifies the physical line: two config entries with one key claim the same pin. */
export function lineKey(line: GpioLineConfig): string {
  return `${line.driver}:${DRIVERS[line.driver].location(line)}:${line.pin}`;
}
