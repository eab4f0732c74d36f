import type { FastifyInstance } from 'fastify';
import type { Logger } from '../../base/logger';
import { gpioLines } from '../../hal/gpio/gpioSchema';
import { createGpioLine, type GpioOutput } from '../../hal/gpio/index';
import type { Bus } from '../bus/eventBus';
import type { Config } from '../config/schema/index';
import type { EventsService } from '../events/eventsService';
import type { EventTopics, GpioCommand } from '../events/eventTopics';
import type { Service } from '../lifecycle/service';
import type { StoreService } from '../store/storeService';
import type { ClockWatch } from '../system/clockWatch';
import { type AlarmAuditRow, AlarmJournal, type Cause } from './alarmJournal';
import { AlarmModes, type ModeChange } from './alarmModes';
import type { AlarmTopics } from './alarmTopics';
import { registerAlarmRoutes } from './api/alarmRoutes';
import { registerGpioRoutes } from './api/gpioRoutes';
import { CommandError } from './commandError';
import { ModeSchedules, type ScheduleState } from './modeSchedules';
import {
  type ActivationOutcome,
  OUTPUT_ACTIONS,
  OutputController,
  type OutputState,
} from './outputController';
import type { InputState } from './sensorService';

export interface AlarmServiceDeps {
  config: Config;
  store: StoreService;
  bus: Bus<EventTopics & AlarmTopics>;
  /** The event processor: its rules and severity scoring see the mode. */
  events: Pick<EventsService, 'setMode'>;
  /** The web server's app: the gpio and alarm API is registered on it at start. */
  http: FastifyInstance;
  logger: Logger;
  /** The sensor inputs' states for `GET /api/v1/gpio` (the sensor service owns them). */
  inputs?: () => InputState[];
  /** Schedules fire each slot once across clock jumps (see ModeSchedules). */
  clock?: ClockWatch;
}

/** `GET /api/v1/gpio`: every output (or why it could not be opened) and every input. */
export interface GpioStatus {
  outputs: Array<OutputState | { name: string; error: string }>;
  inputs: InputState[];
}

/** The alarm as the API shows it. */
export interface AlarmState {
  mode: string;
  modes: readonly string[];
  disarmed: boolean;
  changed_at: number | null;
  changed_by: Cause | null;
  schedules: ScheduleState[];
}

/**
 * The alarm: the mode (durable, switched by API, MQTT and schedules) and the GPIO outputs
 * driven by the rules' `gpio.command`s and by hand. Outputs are OFF from start to stop (the safe
 * state); disarming switches every output off. Starts before the event processor so that no
 * command it routes, even one redelivered at its start, goes unheard.
 */
export class AlarmService implements Service {
  readonly name = 'alarm';
  readonly #deps: AlarmServiceDeps;
  readonly #outputs = new Map<string, OutputController>();
  /** Outputs that could not be opened, with why: shown in health and the API, commands refused. */
  readonly #unavailable = new Map<string, string>();
  #modes: AlarmModes | undefined;
  #journal: AlarmJournal | undefined;
  #schedules: ModeSchedules | undefined;
  #purgeTimer: NodeJS.Timeout | undefined;

  constructor(deps: AlarmServiceDeps) {
    this.#deps = deps;
  }

  async start(): Promise<void> {
    const { config, store, bus, events, logger } = this.#deps;
    const journal = new AlarmJournal(store.db, store.writer);
    this.#journal = journal;
    const modes = new AlarmModes({
      modes: config.alarm.modes,
      initial: this.#initialMode(journal.savedMode()),
      store: journal,
    });
    this.#modes = modes;
    events.setMode(modes.current);
    modes.onChange((change) => this.#modeChanged(change));

    await this.#openOutputs(journal);
    bus.on(this, 'gpio.command', async ({ payload }) => {
      await this.#command(payload);
    });

    this.#schedules = new ModeSchedules(modes, logger, this.#deps.clock);
    this.#schedules.start(config.alarm.schedules, config.device.timezone);
    registerGpioRoutes(this.#deps.http, this);
    registerAlarmRoutes(this.#deps.http, this);
    this.#purgeTimer = setInterval(() => void this.#purge(journal), 60 * 60 * 1000);
    this.#purgeTimer.unref();
    logger.info({ mode: modes.current, outputs: [...this.#outputs.keys()] }, 'alarm ready');
  }

  async stop(): Promise<void> {
    this.#deps.bus.removeOwner(this);
    clearInterval(this.#purgeTimer);
    await this.#schedules?.stop();
    // The safe state: every output OFF before the process goes.
    await Promise.all([...this.#outputs.values()].map((output) => output.close()));
    this.#outputs.clear();
  }

  health(): Record<string, unknown> {
    const on = [...this.#outputs.values()].filter((o) => o.state().active).map((o) => o.name);
    return {
      mode: this.#modes?.current ?? null,
      outputs_on: on,
      ...(this.#unavailable.size > 0 ? { unavailable_outputs: Object.fromEntries(this.#unavailable) } : {}),
    };
  }

  alarm(): AlarmState {
    const modes = this.#running();
    const last = modes.lastChange;
    return {
      mode: modes.current,
      modes: modes.modes,
      disarmed: modes.disarmed,
      changed_at: last?.at ?? null,
      changed_by: last?.cause ?? null,
      schedules: this.#schedules?.states() ?? [],
    };
  }

  /** Switches the mode (API, MQTT); resolves once durable. Throws CommandError for an unknown mode. */
  async setMode(mode: unknown, cause: Cause): Promise<AlarmState> {
    await this.#running().set(mode, cause);
    return this.alarm();
  }

  /** Output and mode changes, newest first. */
  history(limit: number): AlarmAuditRow[] {
    return this.#journal?.recent(limit) ?? [];
  }

  /** Every output's state (or why it could not be opened), in config order, plus the inputs. */
  gpio(): GpioStatus {
    const outputs = gpioLines(this.#deps.config.gpio, 'output');
    return {
      outputs: outputs.map(
        ([name]) =>
          this.#outputs.get(name)?.state() ?? { name, error: this.#unavailable.get(name) ?? 'not open' },
      ),
      inputs: this.#deps.inputs?.() ?? [],
    };
  }

  /**
   * A manual command on an output (API, MQTT): on (for `durationSeconds`, at most max_on), off,
   * or silence (for `durationSeconds`, default the output's silence_seconds). Throws
   * CommandError naming the field for an unknown output, an input, an unknown action or a bad
   * duration; nothing changes then.
   */
  async drive(name: string, action: unknown, durationSeconds: number | undefined, cause: Cause) {
    const output = this.#output(name);
    if (durationSeconds !== undefined && !(Number.isFinite(durationSeconds) && durationSeconds > 0)) {
      throw new CommandError(
        'invalid',
        'duration_seconds must be a number of seconds above 0',
        'duration_seconds',
      );
    }
    switch (action) {
      case 'on':
        await output.switchOn(cause, durationSeconds === undefined ? undefined : durationSeconds * 1000);
        break;
      case 'off':
        await output.switchOff(cause);
        break;
      case 'silence':
        await output.silence(cause, durationSeconds);
        break;
      default:
        throw new CommandError(
          'invalid',
          `action ${JSON.stringify(action)} is not one of ${OUTPUT_ACTIONS.join(', ')}`,
          'action',
        );
    }
    return output.state();
  }

  #output(name: string): OutputController {
    const output = this.#outputs.get(name);
    if (output) return output;
    const line = this.#deps.config.gpio[name];
    if (this.#unavailable.has(name)) {
      throw new CommandError(
        'conflict',
        `gpio.${name} could not be opened: ${this.#unavailable.get(name)}`,
        'name',
      );
    }
    if (line?.direction === 'input') {
      throw new CommandError(
        'invalid',
        `gpio.${name} is an input (a sensor); only outputs can be switched`,
        'name',
      );
    }
    const known = [...this.#outputs.keys()];
    throw new CommandError(
      'not_found',
      `no GPIO output named '${name}' (${known.length === 0 ? 'none is configured' : `outputs: ${known.join(', ')}`})`,
      'name',
    );
  }

  #initialMode(saved: string | undefined): string {
    const { alarm } = this.#deps.config;
    if (saved === undefined) return alarm.mode;
    if (alarm.modes.includes(saved)) return saved;
    this.#deps.logger.warn(
      { saved, mode: alarm.mode },
      'the saved alarm mode is no longer in alarm.modes; starting in alarm.mode',
    );
    return alarm.mode;
  }

  async #openOutputs(journal: AlarmJournal): Promise<void> {
    const { config, bus, logger } = this.#deps;
    const outputs = gpioLines(config.gpio, 'output');
    await Promise.all(
      outputs.map(async ([name, lineConfig]) => {
        try {
          const line = (await createGpioLine({ name, config: lineConfig, logger })) as GpioOutput;
          const controller = new OutputController({
            line,
            config: lineConfig,
            recorder: journal,
            logger,
            onChange: (state) => void bus.publish('gpio.state', state).catch(() => {}),
          });
          this.#outputs.set(name, controller);
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          this.#unavailable.set(name, message);
          logger.error({ err, output: name }, 'GPIO output could not be opened; the alarm runs without it');
        }
      }),
    );
  }

  async #command(command: GpioCommand): Promise<ActivationOutcome | undefined> {
    const cause = { actor: 'rules', reason: `event ${command.event_id}: ${command.reason}` };
    const output = this.#outputs.get(command.output);
    if (!output) {
      this.#deps.logger.error({ command }, 'gpio.command for an output that is not open; nothing switched');
      return undefined;
    }
    if (this.#running().disarmed) {
      // The rules drop gpio routes while disarmed; this catches a disarm between decision and delivery.
      this.#deps.logger.info({ command }, 'alarm disarmed; gpio.command ignored');
      return undefined;
    }
    return output.trigger(cause, command.event_at);
  }

  async #modeChanged(change: ModeChange): Promise<void> {
    const { events, bus, logger } = this.#deps;
    events.setMode(change.mode);
    logger.info({ mode: change.mode, previous: change.previous, ...change.cause }, 'alarm mode changed');
    if (this.#running().disarmed) {
      const cause = { actor: change.cause.actor, reason: 'alarm disarmed' };
      await Promise.all([...this.#outputs.values()].map((output) => output.switchOff(cause)));
    }
    const { actor, reason } = change.cause;
    await bus
      .publish('alarm.mode', { mode: change.mode, previous: change.previous, at: change.at, actor, reason })
      .catch(() => {});
  }

  async #purge(journal: AlarmJournal): Promise<void> {
    const days = this.#deps.config.retention.events_days;
    try {
      await journal.purge(Date.now() - days * 86_400_000);
    } catch (err) {
      this.#deps.logger.error({ err }, 'alarm audit retention failed');
    }
  }

  #running(): AlarmModes {
    if (!this.#modes) throw new CommandError('conflict', 'the alarm is not running', null);
    return this.#modes;
  }
}
