import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type GpiodMajor, parseGpiodMajor } from './gpiodArgs';

const run = promisify(execFile);

/** A tool's output, or an error naming the command and its stderr. */
export async function runTool(command: string, args: readonly string[], timeoutMs = 5_000): Promise<string> {
  try {
    const { stdout } = await run(command, args, { timeout: timeoutMs, encoding: 'utf8' });
    return stdout;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') {
      throw new Error(`${command} not found: install Debian's 'gpiod' package (libgpiod tools)`);
    }
    throw new Error(`${command} ${args.join(' ')} failed: ${(e.stderr ?? '').trim() || e.message}`);
  }
}

/** The libgpiod major version of `tool` (from `--version`). */
export async function gpiodMajor(tool: string): Promise<GpiodMajor> {
  return parseGpiodMajor(await runTool(tool, ['--version']));
}
