import { type Static, Type } from '@sinclair/typebox';
import { literalUnion, NAME_PATTERN, strictObject } from '../../base/schema';

/** GPIO drivers: the character device, the legacy sysfs interface, or a simulation. */
export const GPIO_DRIVERS = ['gpiod', 'sysfs', 'sim'] as const;
/** How an output behaves while on. */
const OUTPUT_PATTERNS = ['steady', 'pulse', 'sequence'] as const;
/** What an input is wired to; it becomes `data.sensor` of the input's events. */
const SENSOR_KINDS = ['motion', 'door', 'tamper'] as const;

/** One GPIO line: a siren or relay output, or a sensor input such as a PIR. */
export const GpioLineSchema = strictObject(
  {
    driver: literalUnion(GPIO_DRIVERS, {
      default: 'sim',
      description: 'gpiod (character device, preferred), sysfs (legacy kernels) or sim (no hardware).',
    }),
    chip: Type.String({
      minLength: 1,
      default: 'gpiochip0',
      description: 'GPIO chip for the gpiod driver (gpiochip4 on a Pi 5 with old kernels).',
    }),
    sysfs_root: Type.String({
      minLength: 1,
      default: '/sys/class/gpio',
      description: 'Root of the sysfs GPIO tree for the sysfs driver.',
    }),
    pin: Type.Integer({
      minimum: 0,
      maximum: 511,
      description: 'Line offset on the chip (BCM number on a Pi).',
    }),
    direction: literalUnion(['output', 'input'], {
      default: 'output',
      description: 'output (siren, relay) or input (PIR, door contact).',
    }),
    active_low: Type.Boolean({ default: false, description: 'The device is on when the line is low.' }),
    max_on: Type.Integer({
      minimum: 1,
      maximum: 86_400,
      default: 120,
      description:
        'Outputs: seconds after which the line is switched off whatever happens, so a siren never sounds forever.',
    }),
    cooldown_seconds: Type.Integer({
      minimum: 0,
      default: 0,
      description: 'Outputs: seconds to stay off after switching off.',
    }),
    debounce_ms: Type.Integer({
      minimum: 0,
      maximum: 60_000,
      default: 50,
      description: 'Inputs: ignore changes shorter than this.',
    }),
    pattern: literalUnion(OUTPUT_PATTERNS, {
      default: 'steady',
      description:
        'Outputs: steady on, pulse (on_ms on, off_ms off, repeated) or sequence (custom, repeated).',
    }),
    on_ms: Type.Integer({ minimum: 1, default: 500, description: 'Pulse pattern: time on.' }),
    off_ms: Type.Integer({ minimum: 1, default: 500, description: 'Pulse pattern: time off.' }),
    sequence: Type.Array(Type.Integer({ minimum: 1, maximum: 600_000 }), {
      default: [],
      maxItems: 64,
      description:
        'Sequence pattern: milliseconds on, off, on, off… (an even count), repeated, e.g. [200, 200, 200, 1000].',
    }),
    silence_seconds: Type.Integer({
      minimum: 1,
      maximum: 86_400,
      default: 300,
      description:
        'Outputs: how long a manual silence (API, MQTT) keeps the output off whatever the rules say.',
    }),
    sensor: literalUnion(SENSOR_KINDS, {
      default: 'motion',
      description:
        'Inputs: what is wired — motion (PIR), door (contact), tamper (a tamper switch is always urgent).',
    }),
    camera: Type.Optional(
      Type.String({
        pattern: NAME_PATTERN,
        description:
          "Inputs: the camera that watches the same place; its events and the sensor's share an incident view.",
      }),
    ),
    bias: literalUnion(['as-is', 'pull-up', 'pull-down', 'disable'], {
      default: 'as-is',
      description:
        'Inputs on the gpiod driver: the internal pull resistor to request (pull-up for a switch to ground).',
    }),
  },
  { description: 'One GPIO line.' },
);

/** GPIO lines by name (siren, relay, pir, …). */
export const GpioSchema = Type.Record(Type.String({ pattern: NAME_PATTERN }), GpioLineSchema, {
  additionalProperties: false,
  default: {},
  description: 'GPIO lines by name, e.g. siren, relay, pir.',
});

/** One GPIO line. */
export type GpioLineConfig = Static<typeof GpioLineSchema>;
/** GPIO lines by name. */
export type GpioConfig = Static<typeof GpioSchema>;

/** The `[name, line]` pairs of `gpio` with the given direction, in config order. */
export function gpioLines(
  gpio: GpioConfig,
  direction: GpioLineConfig['direction'],
): Array<[string, GpioLineConfig]> {
  return Object.entries(gpio).filter(([, line]) => line.direction === direction);
}
