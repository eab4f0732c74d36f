import type { GpioDriver } from '../types';
import { createSimInput, createSimOutput } from './simLine';

/** Lines without hardware, for the demo and tests. */
export const SIM_DRIVER: GpioDriver = {
  output: createSimOutput,
  input: createSimInput,
  // Nothing physical to switch off.
  forceOff: async () => {},
  location: (line) => line.chip,
};
