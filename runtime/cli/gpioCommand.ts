import { parseArgs } from 'node:util';
import { forceOutputsOff } from '../../hal/gpio/forceOff';
import type { ForceOffOptions } from '../../hal/gpio/types';
import { formatIssues, loadConfig } from '../config/index';
import { type CommandIo, PROCESS_IO } from './commandIo';

const USAGE = 'usage: vigil gpio off [--config FILE]\n';

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { config: { type: 'string', short: 'c' } },
  });
}

/**
 * `vigil gpio off [--config FILE]`: every configured output to OFF. Exit 0 when all are off,
 * 1 if any line failed, 2 for a bad command line or config. Meant for `ExecStopPost=`.
 */
export async function gpioCommand(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: CommandIo = PROCESS_IO,
  options: ForceOffOptions = {},
): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    io.stderr(`vigil: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return 2;
  }
  if (parsed.positionals.length !== 1 || parsed.positionals[0] !== 'off') {
    io.stderr(USAGE);
    return 2;
  }
  const file = parsed.values.config ?? env.VIGIL_CONFIG;
  const loaded = loadConfig({ file, env });
  if (!loaded.ok) {
    for (const line of formatIssues(loaded.errors)) io.stderr(`${line}\n`);
    return 2;
  }
  const results = await forceOutputsOff(loaded.config.gpio, options);
  if (results.length === 0) io.stdout('no GPIO outputs on real hardware to switch off\n');
  for (const r of results) {
    if (r.ok) io.stdout(`gpio.${r.name}: off (${r.driver}, level ${r.level})\n`);
    else io.stderr(`gpio.${r.name}: FAILED to switch off (${r.driver}): ${r.error}\n`);
  }
  return results.every((r) => r.ok) ? 0 : 1;
}
