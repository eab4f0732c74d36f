import { setTimeout as sleep } from 'node:timers/promises';
import { type SupervisedChild, spawnSupervised } from '../../../base/childProcesses';
import type { Level } from '../level';
import { outputLine } from '../outputLine';
import { DEFAULT_GPIOD_TOOLS, gpioTiming } from '../timing';
import type { GpioLineOptions, GpioOutput } from '../types';
import { gpiosetArgs } from './gpiodArgs';
import { gpiodMajor } from './gpiodTools';

/**
 * An output through the character device, held by a long-running `gpioset` (the line is
 * requested as long as the process lives). A change restarts it with the new level: the
 * interactive mode is a compile-time option Debian's build may lack.
 */
export async function createGpiodOutput(options: GpioLineOptions): Promise<GpioOutput> {
  const { config, logger, name } = options;
  const timing = gpioTiming(options.timing);
  const tool = options.tools?.gpioset ?? DEFAULT_GPIOD_TOOLS.gpioset;
  const major = await gpiodMajor(tool);
  let holder: SupervisedChild | undefined;

  const write = async (level: Level): Promise<void> => {
    const previous = holder;
    holder = undefined;
    await previous?.kill(timing.stopGraceMs);
    const args = gpiosetArgs(major, config, level, true);
    const child = spawnSupervised(tool, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-2_000);
    });
    const exited = await Promise.race([
      child.gone.then(() => true),
      sleep(timing.settleMs).then(() => false),
    ]);
    if (exited) {
      const why = child.spawnError()?.message ?? (stderr.trim() || `exit code ${child.child.exitCode}`);
      throw new Error(`gpio '${name}': ${tool} ${args.join(' ')} did not hold the line: ${why}`);
    }
    holder = child;
    void child.gone.then(() => {
      if (holder === child) {
        holder = undefined;
        logger?.error(
          { line: name, stderr: stderr.trim() },
          'gpioset exited on its own; the line is released',
        );
      }
    });
  };

  return outputLine(name, config.active_low, {
    write,
    release: async () => {
      const last = holder;
      holder = undefined;
      await last?.kill(timing.stopGraceMs);
    },
  });
}
