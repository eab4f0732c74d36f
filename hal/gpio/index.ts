/** The GPIO HAL: line interfaces, the factory that picks a driver, and the crash-time force-off. */
export { createGpioLine, GPIO_LINE_DRIVERS } from './createGpioLine';
export { type ForceOffOptions, type ForceOffResult, forceOutputsOff } from './forceOff';
export type { SimInput, SimOutput, SimRecord } from './sim/simLine';
export { DEFAULT_GPIO_TIMING, DEFAULT_GPIOD_TOOLS } from './timing';
export type { GpiodTools, GpioInput, GpioLine, GpioLineOptions, GpioOutput, GpioTiming } from './types';
