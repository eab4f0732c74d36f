import { type ScheduledTask, schedule, setLogger } from 'node-cron';
import { type Clock, systemClock } from '../../base/clock';
import type { Logger } from '../../base/logger';
import type { AlarmScheduleConfig } from '../config/schema/index';
import type { ClockJump, ClockWatch } from '../system/clockWatch';
import type { AlarmModes } from './alarmModes';

/** A running schedule, as the API shows it. */
export interface ScheduleState {
  cron: string;
  mode: string;
  /** The next time it fires, ISO 8601, in UTC. */
  next: string | null;
}

/** How far back a forward clock jump is searched for the schedule slot it skipped. */
const CATCH_UP_MS = 7 * 86_400_000;

/**
 * Switches the alarm mode at the times `alarm.schedules` gives, in the device's time zone
 * (node-cron). A schedule switching to the mode already set changes nothing; a failure is logged.
 *
 * Clock jumps (a Pi sets its clock from NTP after booting at the last saved time, or 1970): each
 * schedule fires a slot at most once, so a clock set back does not fire the slots it fired again;
 * a clock set forwards over slots fires, once, the latest slot any schedule skipped (within a week),
 * so the mode is the one the schedules give for now. After a jump the tasks are planned anew from
 * the new time (node-cron would otherwise walk every slot a jump of years skipped).
 */
export class ModeSchedules {
  readonly #modes: AlarmModes;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #tasks: Array<{ config: AlarmScheduleConfig; task: ScheduledTask }> = [];
  /** The newest slot each schedule (by index) fired, epoch ms. */
  readonly #lastFired = new Map<number, number>();
  #schedules: readonly AlarmScheduleConfig[] = [];
  #timezone = 'UTC';

  constructor(modes: AlarmModes, logger: Logger, clock?: ClockWatch) {
    this.#modes = modes;
    this.#logger = logger;
    this.#clock = clock?.clock ?? systemClock;
    clock?.onJump((jump) => void this.#clockJumped(jump));
  }

  start(schedules: readonly AlarmScheduleConfig[], timezone: string): void {
    if (schedules.length > 0) routeCronLogs(this.#logger);
    this.#schedules = schedules;
    this.#timezone = timezone;
    this.#plan();
  }

  /**
   * Sets schedule `index`'s mode for the slot at `slot` (epoch ms), unless that slot or a later
   * one of the same schedule already fired. Returns whether it fired.
   */
  fire(index: number, slot: number, reason = ''): boolean {
    const config = this.#schedules[index];
    if (!config || slot <= (this.#lastFired.get(index) ?? Number.NEGATIVE_INFINITY)) return false;
    this.#lastFired.set(index, slot);
    this.#modes
      .set(config.mode, { actor: 'schedule', reason: `alarm.schedules[${index}]: '${config.cron}'${reason}` })
      .catch((err: unknown) => this.#logger.error({ err, schedule: config }, 'scheduled mode change failed'));
    return true;
  }

  states(): ScheduleState[] {
    return this.#tasks.map(({ config, task }) => ({
      cron: config.cron,
      mode: config.mode,
      next: task.getNextRun()?.toISOString() ?? null,
    }));
  }

  async stop(): Promise<void> {
    this.#schedules = [];
    await this.#unplan();
  }

  async #unplan(): Promise<void> {
    for (const { task } of this.#tasks.splice(0)) await task.destroy();
  }

  #plan(): void {
    for (const [index, config] of this.#schedules.entries()) {
      const task = schedule(config.cron, (context) => void this.fire(index, context.date.getTime()), {
        timezone: this.#timezone,
        name: `alarm-mode-${index}`,
      });
      this.#tasks.push({ config, task });
    }
  }

  async #clockJumped(jump: ClockJump): Promise<void> {
    if (this.#schedules.length === 0) return;
    const before = jump.offsetBefore + jump.seenAt;
    const now = this.#clock.now();
    await this.#unplan();
    if (this.#schedules.length === 0) return; // stopped meanwhile
    this.#plan();
    if (jump.deltaMs <= 0) return;
    let latest: { index: number; slot: number } | undefined;
    for (const [index, { task }] of this.#tasks.entries()) {
      const slot = latestSlot(task, Math.max(before, now - CATCH_UP_MS), now);
      if (slot !== undefined && (latest === undefined || slot > latest.slot)) latest = { index, slot };
    }
    if (latest) this.fire(latest.index, latest.slot, ' (the slot a clock jump skipped)');
  }
}

/** The latest minute in (from, to] the task's cron matches (minute resolution), or undefined. */
function latestSlot(task: ScheduledTask, from: number, to: number): number | undefined {
  for (let minute = Math.floor(to / 60_000) * 60_000; minute > from; minute -= 60_000)
    if (task.match(new Date(minute))) return minute;
  return undefined;
}

/** node-cron's own warnings (a run missed while the CPU was starved…) go to the log, not the console. */
function routeCronLogs(logger: Logger): void {
  const log = logger.child({ part: 'schedule' });
  setLogger({
    info: (message) => log.info(message),
    warn: (message) => log.warn(message),
    error: (message, err) => log.error({ err: err ?? message }, String(message)),
    debug: (message) => log.debug(String(message)),
  });
}
