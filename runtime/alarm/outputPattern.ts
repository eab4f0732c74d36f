import type { GpioLineConfig } from '../../hal/gpio/gpioSchema';

/** One step of a pattern: the level and how long it lasts (Infinity: until switched off). */
export interface PatternStep {
  on: boolean;
  ms: number;
}

/**
 * The steps an output repeats while it is active: steady is one endless ON; pulse is on_ms ON
 * then off_ms OFF; sequence alternates ON/OFF through its list (checked at config load to hold
 * on/off pairs).
 */
export function patternSteps(line: GpioLineConfig): PatternStep[] {
  switch (line.pattern) {
    case 'steady':
      return [{ on: true, ms: Number.POSITIVE_INFINITY }];
    case 'pulse':
      return [
        { on: true, ms: line.on_ms },
        { on: false, ms: line.off_ms },
      ];
    case 'sequence':
      return line.sequence.map((ms, index) => ({ on: index % 2 === 0, ms }));
  }
}
