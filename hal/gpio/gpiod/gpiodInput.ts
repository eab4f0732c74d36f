import { createInterface } from 'node:readline';
import { type SupervisedChild, spawnSupervised } from '../../../base/childProcesses';
import { Debouncer } from '../debouncer';
import { logicalValue } from '../level';
import { ChangeListeners } from '../listeners';
import { DEFAULT_GPIOD_TOOLS, gpioTiming } from '../timing';
import type { GpioInput, GpioLineOptions } from '../types';
import { gpiogetArgs, gpiomonArgs, parseGpiogetOutput, parseGpiomonLine } from './gpiodArgs';
import { gpiodMajor, runTool } from './gpiodTools';

/**
 * An input through the character device: the level from `gpioget`, then edges from a
 * long-running `gpiomon`, debounced by `debounce_ms`. A `gpiomon` that dies is restarted.
 */
export async function createGpiodInput(options: GpioLineOptions): Promise<GpioInput> {
  const { config, logger, name } = options;
  const bias = config.bias === 'as-is' ? undefined : config.bias;
  const timing = gpioTiming(options.timing);
  const tools = { ...DEFAULT_GPIOD_TOOLS, ...options.tools };
  const major = await gpiodMajor(tools.gpiomon);

  const readLevel = async () => {
    const text = await runTool(tools.gpioget, gpiogetArgs(major, config, bias));
    const level = parseGpiogetOutput(text);
    if (level === undefined)
      throw new Error(`gpio '${name}': cannot read ${tools.gpioget} output '${text.trim()}'`);
    return level;
  };

  const listeners = new ChangeListeners(name, logger);
  const debouncer = new Debouncer(
    logicalValue(await readLevel(), config.active_low),
    config.debounce_ms,
    (value, at) => listeners.emit(value, at),
  );
  let monitor: SupervisedChild | undefined;
  let closed = false;
  let restartTimer: NodeJS.Timeout | undefined;

  const start = (): void => {
    const child = spawnSupervised(tools.gpiomon, gpiomonArgs(major, config, bias), {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    monitor = child;
    let stderr = '';
    child.child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-2_000);
    });
    if (child.child.stdout) {
      createInterface({ input: child.child.stdout }).on('line', (text) => {
        const level = parseGpiomonLine(text);
        if (level !== undefined) debouncer.feed(logicalValue(level, config.active_low));
      });
    }
    void child.gone.then(() => {
      if (closed || monitor !== child) return;
      const why = child.spawnError()?.message ?? (stderr.trim() || `exit code ${child.child.exitCode}`);
      logger?.error({ line: name, why }, 'gpiomon exited; restarting');
      restartTimer = setTimeout(resync, timing.restartMs);
    });
  };

  // After a gap the line may have changed unseen: read it again, then watch edges again.
  const resync = async (): Promise<void> => {
    try {
      const level = await readLevel();
      if (!closed) debouncer.feed(logicalValue(level, config.active_low));
    } catch (err) {
      logger?.error({ err, line: name }, 'gpioget failed while restarting gpiomon');
    }
    if (!closed) start();
  };

  start();
  return {
    direction: 'input',
    name,
    value: () => debouncer.value,
    onChange: (cb) => listeners.add(cb),
    async close() {
      closed = true;
      clearTimeout(restartTimer);
      debouncer.cancel();
      listeners.clear();
      await monitor?.kill(timing.stopGraceMs);
    },
  };
}
