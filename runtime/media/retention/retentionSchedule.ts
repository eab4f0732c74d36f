import { type Logger as CronLogger, schedule } from 'node-cron';
import type { Logger } from '../../../base/logger';
import type { MediaRetention } from './mediaRetention';
import type { SweepResult, SweepTrigger } from './retentionTypes';

export interface RetentionScheduleOptions {
  retention: Pick<MediaRetention, 'sweep' | 'belowFloor'>;
  /** `retention.schedule` (cron, already validated with the config). */
  cron: string;
  /** `device.timezone`: the cron fires in local time. */
  timezone: string;
  logger: Logger;
  /** How often free space is compared with the floor; default 60 s. */
  freeSpaceCheckMs?: number;
  /**
   * After a low-space sweep that found nothing more it may delete, the checks pause for this long
   * instead of sweeping (and warning) every minute; default 10 minutes.
   */
  lowSpaceBackoffMs?: number;
  now?: () => number;
}

export interface RetentionSchedule {
  /** When the cron fires next. */
  nextRun(): Date | null;
  /** Stops triggering sweeps; a sweep already running is left to `MediaRetention.close()`. */
  stop(): Promise<void>;
}

/**
 * Starts media retention's triggers: one sweep now (in the background: start-up does not wait for
 * it), one on each `retention.schedule` tick, and one whenever the free-space check finds data_dir
 * below `retention.min_free_mb`. A failed sweep is logged and the next trigger tries again.
 */
export function startRetentionSchedule(options: RetentionScheduleOptions): RetentionSchedule {
  const { retention, logger } = options;
  const now = options.now ?? Date.now;
  const backoffMs = options.lowSpaceBackoffMs ?? 10 * 60_000;
  let quietUntil = 0;

  const run = (trigger: SweepTrigger): Promise<SweepResult | undefined> =>
    retention.sweep(now(), trigger).catch((err: unknown) => {
      logger.error({ err, trigger }, 'media retention sweep failed; the next trigger retries');
      return undefined;
    });

  const task = schedule(options.cron, () => run('schedule'), {
    timezone: options.timezone,
    name: 'media-retention',
    logger: cronLogger(logger),
  });

  const checkFreeSpace = async () => {
    if (now() < quietUntil || !retention.belowFloor()) return;
    const result = await run('low_space');
    if (result?.held_over_limit.includes('low_space')) quietUntil = now() + backoffMs;
  };
  const timer = setInterval(() => void checkFreeSpace(), options.freeSpaceCheckMs ?? 60_000);
  timer.unref();

  void run('startup');

  return {
    nextRun: () => task.getNextRun(),
    async stop() {
      clearInterval(timer);
      await task.destroy();
    },
  };
}

/** node-cron's own messages (a run missed while the CPU was starved…) go to the log, not the console. */
function cronLogger(logger: Logger): CronLogger {
  const log = logger.child({ part: 'schedule' });
  return {
    info: (message) => log.info(message),
    warn: (message) => log.warn(message),
    error: (message, err) => log.error({ err: err ?? message }, String(message)),
    debug: (message) => log.debug(String(message)),
  };
}
