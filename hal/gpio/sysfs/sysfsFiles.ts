import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Level } from '../level';

/** The directory of one exported pin, e.g. /sys/class/gpio/gpio17. */
function pinDir(root: string, pin: number): string {
  return join(root, `gpio${pin}`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes `text` to a file of the pin, retrying EACCES/ENOENT until `deadline` (right after an
 * export, udev may not yet have made the files writable for our group).
 */
export async function writePinFile(dir: string, file: string, text: string, deadline = 0): Promise<void> {
  for (;;) {
    try {
      await writeFile(join(dir, file), text);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if ((code !== 'EACCES' && code !== 'ENOENT') || Date.now() >= deadline) throw err;
      await sleep(20);
    }
  }
}

/** Exports the pin unless `gpioN/` exists, then waits up to `waitMs` for the directory. Returns it. */
export async function exportPin(root: string, pin: number, waitMs: number): Promise<string> {
  const dir = pinDir(root, pin);
  if (await exists(dir)) return dir;
  try {
    await writeFile(join(root, 'export'), String(pin));
  } catch (err) {
    // EBUSY: another exporter won the race (the directory appears anyway).
    if ((err as NodeJS.ErrnoException).code !== 'EBUSY') throw err;
  }
  const deadline = Date.now() + waitMs;
  while (!(await exists(dir))) {
    if (Date.now() >= deadline)
      throw new Error(`${dir} did not appear within ${waitMs} ms of exporting pin ${pin}`);
    await sleep(10);
  }
  return dir;
}

/** Reads `value` as a physical level. */
export async function readLevel(dir: string): Promise<Level> {
  const text = (await readFile(join(dir, 'value'), 'utf8')).trim();
  if (text !== '0' && text !== '1') throw new Error(`${join(dir, 'value')}: unexpected content '${text}'`);
  return text === '1' ? 1 : 0;
}

/**
 * Makes the kernel's own inversion a no-op (we invert in the driver), if the pin has an
 * `active_low` file; a crashed run or another tool may have left it at 1.
 */
export async function clearKernelActiveLow(dir: string, deadline: number): Promise<void> {
  if (await exists(join(dir, 'active_low'))) await writePinFile(dir, 'active_low', '0', deadline);
}
