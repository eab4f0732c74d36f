/** The GPIO HAL: line interfaces, the factory that picks a driver, and the crash-time force-off. */
export { createGpioLine } from './createGpioLine';

export type { SimOutput } from './sim/simLine';

export type { GpioInput, GpioOutput } from './types';
