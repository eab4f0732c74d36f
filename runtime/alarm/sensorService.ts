import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../base/logger';
import { type GpioLineConfig, gpioLines } from '../../hal/gpio/gpioSchema';
import { createGpioLine, type GpioInput } from '../../hal/gpio/index';
import type { Bus } from '../bus/eventBus';
import type { Config } from '../config/schema/index';
import type { EventInput } from '../domain/eventModel';
import { newEventId } from '../events/eventId';
import type { EventTopics } from '../events/eventTopics';
import type { Service } from '../lifecycle/service';

/** What `GET /api/v1/gpio` shows for an input. */
export interface InputState {
  name: string;
  direction: 'input';
  driver: GpioLineConfig['driver'];
  pin: number;
  active_low: boolean;
  sensor: GpioLineConfig['sensor'];
  /** The debounced logical value: true = motion, door open, tamper switch open. */
  active: boolean | null;
  last_change: number | null;
  /** Why the line could not be opened, when it could not. */
  error?: string;
}

export interface SensorServiceDeps {
  config: Config;
  bus: Bus<EventTopics>;
  logger: Logger;
  /** Delays between attempts to store a sensor event (tests shorten them). */
  retryDelaysMs?: readonly number[];
}

const RETRY_DELAYS_MS = [100, 500, 2_000, 5_000, 10_000];

/**
 * Sensor inputs (PIR, door contact, tamper switch): every debounced change becomes a `sensor`
 * event through the event processor, with `data.active`, `data.sensor` and `data.tamper` (a
 * tamper switch raises the severity). An event keeps its id across retries, so a retry never
 * stores it twice. Starts after the event processor, so no change is published unheard.
 */
export class SensorService implements Service {
  readonly name = 'sensors';
  readonly #deps: SensorServiceDeps;
  readonly #inputs = new Map<string, { line: GpioInput; lastChange: number | null }>();
  readonly #failed = new Map<string, string>();
  #stopping = false;

  constructor(deps: SensorServiceDeps) {
    this.#deps = deps;
  }

  async start(): Promise<void> {
    this.#stopping = false;
    const { config, logger } = this.#deps;
    const inputs = gpioLines(config.gpio, 'input');
    await Promise.all(
      inputs.map(async ([name, lineConfig]) => {
        try {
          const line = (await createGpioLine({ name, config: lineConfig, logger })) as GpioInput;
          const entry = { line, lastChange: null as number | null };
          line.onChange((active, at) => {
            entry.lastChange = at;
            void this.#report(name, lineConfig, active, at);
          });
          this.#inputs.set(name, entry);
        } catch (err) {
          this.#failed.set(name, err instanceof Error ? err.message : String(err));
          logger.error({ err, input: name }, 'GPIO input could not be opened; its sensor reports nothing');
        }
      }),
    );
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await Promise.all([...this.#inputs.values()].map(({ line }) => line.close()));
    this.#inputs.clear();
  }

  health(): Record<string, unknown> {
    return this.#failed.size > 0 ? { unavailable_inputs: Object.fromEntries(this.#failed) } : {};
  }

  /** Every input in config order, with its value or why it could not be opened. */
  states(): InputState[] {
    const inputs = gpioLines(this.#deps.config.gpio, 'input');
    return inputs.map(([name, config]) => {
      const open = this.#inputs.get(name);
      if (open) return { ...describe(name, config), active: open.line.value(), last_change: open.lastChange };
      return {
        ...describe(name, config),
        active: null,
        last_change: null,
        error: this.#failed.get(name) ?? 'not open',
      };
    });
  }

  async #report(name: string, config: GpioLineConfig, active: boolean, at: number): Promise<void> {
    const event = sensorEvent(name, config, active, at);
    const delays = this.#deps.retryDelaysMs ?? RETRY_DELAYS_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#deps.bus.publishAndWaitForHandlers('event.ingest', event);
        return;
      } catch (err) {
        const delay = delays[attempt];
        if (delay === undefined || this.#stopping) {
          this.#deps.logger.error({ err, event }, 'sensor event could not be stored; giving up');
          return;
        }
        this.#deps.logger.warn(
          { err, input: name, attempt: attempt + 1 },
          'sensor event not stored yet; retrying',
        );
        await sleep(delay);
      }
    }
  }
}

/** The event an input change becomes. */
function sensorEvent(name: string, config: GpioLineConfig, active: boolean, at: number): EventInput {
  const tamper = config.sensor === 'tamper' && active;
  return {
    id: newEventId(at),
    type: 'sensor',
    timestamp: at,
    source: `gpio:${name}`,
    label: name,
    object_id: `sensor:${name}`,
    ...(config.camera === undefined ? {} : { camera: config.camera }),
    data: { input: name, sensor: config.sensor, active, state: stateName(config.sensor, active), tamper },
  };
}

function stateName(sensor: GpioLineConfig['sensor'], active: boolean): string {
  if (sensor === 'door') return active ? 'open' : 'closed';
  if (sensor === 'tamper') return active ? 'tampered' : 'normal';
  return active ? 'motion' : 'clear';
}

function describe(name: string, config: GpioLineConfig) {
  return {
    name,
    direction: 'input' as const,
    driver: config.driver,
    pin: config.pin,
    active_low: config.active_low,
    sensor: config.sensor,
  };
}
