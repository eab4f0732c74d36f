import type { Logger } from '../../base/logger';
import type { GpioLineConfig } from '../../hal/gpio/gpioSchema';
import type { GpioOutput } from '../../hal/gpio/index';
import type { Cause } from './alarmJournal';
import { CommandError } from './commandError';
import { type PatternStep, patternSteps } from './outputPattern';

/** Where the controller records what it did (the alarm journal; tests may collect rows). */
export interface OutputRecorder {
  recordOutput(output: string, state: string, cause: Cause, at?: number): Promise<void>;
}

/** What `GET /api/v1/gpio` shows for an output. Times are ms since the epoch. */
export interface OutputState {
  name: string;
  direction: 'output';
  driver: GpioLineConfig['driver'];
  pin: number;
  active_low: boolean;
  pattern: GpioLineConfig['pattern'];
  max_on_seconds: number;
  /** The line's logical level right now (a pulse pattern toggles it while active). */
  on: boolean;
  /** Whether the output is running its pattern. */
  active: boolean;
  active_since: number | null;
  /** When it switches off by itself: the requested duration or max_on, whichever is first. */
  active_until: number | null;
  /** Who switched it on and why. */
  activated_by: Cause | null;
  silenced_until: number | null;
  cooldown_until: number | null;
}

/** What can be asked of an output by hand (API, MQTT). */
export const OUTPUT_ACTIONS = ['on', 'off', 'silence'] as const;

/** What an activation did. `applied` is false when the output stayed as it was. */
export interface ActivationOutcome {
  applied: boolean;
  result: 'started' | 'extended' | 'already_on' | 'silenced' | 'cooling_down' | 'stale';
  message: string;
}

interface Active {
  since: number;
  deadline: number;
  cause: Cause;
}

const MAX_SILENCE_SECONDS = 86_400;

/**
 * Drives one output (siren, relay, light) the way an alarm panel does: its pattern while
 * active, a hard `max_on` after which it switches off whatever else happens, `cooldown_seconds`
 * between activations, and a manual silence that rule activations respect. Every on/off and
 * every refused activation is recorded (the pattern's own toggles are not: they are one "on").
 */
export class OutputController {
  readonly name: string;
  readonly #config: GpioLineConfig;
  readonly #line: GpioOutput;
  readonly #recorder: OutputRecorder;
  readonly #logger: Logger;
  readonly #onChange: (state: OutputState) => void;
  readonly #steps: PatternStep[];
  #active: Active | undefined;
  #stepTimer: NodeJS.Timeout | undefined;
  #deadlineTimer: NodeJS.Timeout | undefined;
  #silencedUntil = 0;
  #cooldownUntil = 0;

  constructor(options: {
    line: GpioOutput;
    config: GpioLineConfig;
    recorder: OutputRecorder;
    logger: Logger;
    onChange?: (state: OutputState) => void;
  }) {
    this.name = options.line.name;
    this.#line = options.line;
    this.#config = options.config;
    this.#recorder = options.recorder;
    this.#logger = options.logger;
    this.#onChange = options.onChange ?? (() => {});
    this.#steps = patternSteps(options.config);
  }

  get maxOnMs(): number {
    return this.#config.max_on * 1000;
  }

  /**
   * An activation by a rule (a blacklisted face…): runs the pattern until `max_on`, unless the
   * output is silenced or cooling down. `eventAt` (the event's time) older than `max_on` means a
   * stale command, e.g. redelivered after a restart, and is refused.
   */
  async trigger(cause: Cause, eventAt?: number): Promise<ActivationOutcome> {
    const now = Date.now();
    let refusal: ActivationOutcome | undefined;
    if (this.#silencedUntil > now) {
      refusal = refused('silenced', `silenced until ${iso(this.#silencedUntil)}`);
    } else if (this.#active === undefined && this.#cooldownUntil > now) {
      refusal = refused('cooling_down', `cooling down until ${iso(this.#cooldownUntil)}`);
    } else if (eventAt !== undefined && now - eventAt > this.maxOnMs) {
      refusal = refused('stale', `the event is ${Math.round((now - eventAt) / 1000)} s old, past max_on`);
    }
    if (refusal) {
      await this.#record('suppressed', { actor: cause.actor, reason: `${refusal.message}: ${cause.reason}` });
      return refusal;
    }
    if (this.#active) {
      // A new reason to sound extends the run, but never past max_on from when it began.
      const capped = this.#active.since + this.maxOnMs;
      if (this.#active.deadline >= capped)
        return { applied: false, result: 'already_on', message: 'already on' };
      this.#setDeadline(capped);
      return { applied: true, result: 'extended', message: `on until ${iso(capped)} (max_on)` };
    }
    await this.#start(cause, now + this.maxOnMs);
    return { applied: true, result: 'started', message: `on until ${iso(now + this.maxOnMs)} (max_on)` };
  }

  /**
   * A manual switch-on (API, MQTT): ignores cooldown and lifts a silence, but never runs past
   * max_on. `durationMs` defaults to max_on; an output already on gets the new duration.
   */
  async switchOn(cause: Cause, durationMs?: number): Promise<ActivationOutcome> {
    const duration = durationMs ?? this.maxOnMs;
    if (!(duration > 0) || duration > this.maxOnMs) {
      throw new CommandError(
        'invalid',
        `duration_seconds must be more than 0 and at most gpio.${this.name}.max_on (${this.#config.max_on})`,
        'duration_seconds',
      );
    }
    this.#silencedUntil = 0;
    const now = Date.now();
    if (this.#active) {
      const deadline = Math.min(now + duration, this.#active.since + this.maxOnMs);
      this.#setDeadline(deadline);
      await this.#record('on', cause);
      return { applied: true, result: 'extended', message: `on until ${iso(deadline)}` };
    }
    await this.#start(cause, now + duration);
    return { applied: true, result: 'started', message: `on until ${iso(now + duration)}` };
  }

  /** Switches off now (API, disarm, shutdown); starts the cooldown. False when it was already off. */
  async switchOff(cause: Cause): Promise<boolean> {
    if (!this.#active) return false;
    await this.#stop('off', cause);
    return true;
  }

  /** Switches off and keeps rule activations away for `seconds` (default `silence_seconds`). */
  async silence(cause: Cause, seconds = this.#config.silence_seconds): Promise<number> {
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_SILENCE_SECONDS) {
      throw new CommandError(
        'invalid',
        `silence duration_seconds must be more than 0 and at most ${MAX_SILENCE_SECONDS}`,
        'duration_seconds',
      );
    }
    this.#silencedUntil = Date.now() + seconds * 1000;
    const reason = `${cause.reason}; silenced until ${iso(this.#silencedUntil)}`;
    if (this.#active) await this.#stop('silenced', { actor: cause.actor, reason });
    else await this.#record('silenced', { actor: cause.actor, reason });
    return this.#silencedUntil;
  }

  state(): OutputState {
    const now = Date.now();
    const config = this.#config;
    return {
      name: this.name,
      direction: 'output',
      driver: config.driver,
      pin: config.pin,
      active_low: config.active_low,
      pattern: config.pattern,
      max_on_seconds: config.max_on,
      on: this.#line.state(),
      active: this.#active !== undefined,
      active_since: this.#active?.since ?? null,
      active_until: this.#active?.deadline ?? null,
      activated_by: this.#active?.cause ?? null,
      silenced_until: this.#silencedUntil > now ? this.#silencedUntil : null,
      cooldown_until: this.#cooldownUntil > now ? this.#cooldownUntil : null,
    };
  }

  /** Stops timers and leaves the line OFF (the safe state at stop); an active output's end is recorded. */
  async close(): Promise<void> {
    const wasActive = this.#active !== undefined;
    this.#clearTimers();
    this.#active = undefined;
    await this.#line.close();
    if (wasActive) await this.#record('off', { actor: 'system', reason: 'vigil stopping' });
  }

  async #start(cause: Cause, deadline: number): Promise<void> {
    this.#active = { since: Date.now(), deadline, cause };
    this.#setDeadline(deadline);
    const first = this.#play(0);
    await Promise.all([first, this.#record('on', cause)]);
  }

  async #stop(state: 'off' | 'silenced', cause: Cause): Promise<void> {
    this.#clearTimers();
    this.#active = undefined;
    this.#cooldownUntil = Date.now() + this.#config.cooldown_seconds * 1000;
    await Promise.all([this.#write(false), this.#record(state, cause)]);
  }

  #setDeadline(deadline: number): void {
    if (this.#active) this.#active.deadline = deadline;
    clearTimeout(this.#deadlineTimer);
    this.#deadlineTimer = setTimeout(
      () => {
        const reason =
          deadline - (this.#active?.since ?? deadline) >= this.maxOnMs
            ? `max_on of ${this.#config.max_on} s reached`
            : 'requested duration elapsed';
        void this.#stop('off', { actor: 'system', reason });
      },
      Math.max(0, deadline - Date.now()),
    );
  }

  /** Applies step `index` of the pattern and schedules the next one. */
  #play(index: number): Promise<void> {
    const step = this.#steps[index % this.#steps.length] ?? { on: true, ms: Number.POSITIVE_INFINITY };
    if (Number.isFinite(step.ms)) this.#stepTimer = setTimeout(() => void this.#play(index + 1), step.ms);
    return this.#write(step.on);
  }

  async #write(on: boolean): Promise<void> {
    try {
      await this.#line.set(on);
    } catch (err) {
      this.#logger.error({ err, output: this.name, on }, 'could not switch the GPIO output');
    }
    this.#onChange(this.state());
  }

  async #record(state: string, cause: Cause): Promise<void> {
    this.#logger.info({ output: this.name, state, actor: cause.actor, reason: cause.reason }, 'gpio output');
    try {
      await this.#recorder.recordOutput(this.name, state, cause);
    } catch (err) {
      this.#logger.error({ err, output: this.name, state }, 'could not record the output change');
    }
  }

  #clearTimers(): void {
    clearTimeout(this.#stepTimer);
    clearTimeout(this.#deadlineTimer);
    this.#stepTimer = undefined;
    this.#deadlineTimer = undefined;
  }
}

function refused(result: ActivationOutcome['result'], message: string): ActivationOutcome {
  return { applied: false, result, message };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
