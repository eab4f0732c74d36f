import { type ScheduledTask, schedule, setLogger } from 'node-cron';
import type { Logger } from '../../base/logger';
import type { AlarmScheduleConfig } from '../config/schema/index';
import type { AlarmModes } from './alarmModes';

/** A running schedule, as the API shows it. */
export interface ScheduleState {
  cron: string;
  mode: string;
  /** The next time it fires, ISO 8601, in UTC. */
  next: string | null;
}

/**
 * Switches the alarm mode at the times `alarm.schedules` gives, in the device's time zone
 * (node-cron). A schedule switching to the mode already set changes nothing; a failure is logged.
 */
export class ModeSchedules {
  readonly #modes: AlarmModes;
  readonly #logger: Logger;
  readonly #tasks: Array<{ config: AlarmScheduleConfig; task: ScheduledTask }> = [];

  constructor(modes: AlarmModes, logger: Logger) {
    this.#modes = modes;
    this.#logger = logger;
  }

  start(schedules: readonly AlarmScheduleConfig[], timezone: string): void {
    if (schedules.length > 0) routeCronLogs(this.#logger);
    for (const [index, config] of schedules.entries()) {
      const task = schedule(
        config.cron,
        () =>
          this.#modes
            .set(config.mode, { actor: 'schedule', reason: `alarm.schedules[${index}]: '${config.cron}'` })
            .catch((err: unknown) =>
              this.#logger.error({ err, schedule: config }, 'scheduled mode change failed'),
            ),
        { timezone, name: `alarm-mode-${index}` },
      );
      this.#tasks.push({ config, task });
    }
  }

  states(): ScheduleState[] {
    return this.#tasks.map(({ config, task }) => ({
      cron: config.cron,
      mode: config.mode,
      next: task.getNextRun()?.toISOString() ?? null,
    }));
  }

  async stop(): Promise<void> {
    for (const { task } of this.#tasks.splice(0)) await task.destroy();
  }
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
