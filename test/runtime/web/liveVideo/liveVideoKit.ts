import { readdirSync, readFileSync } from 'node:fs';

/**
 * Live video ffmpeg processes (stream copy or encoder) whose parent is `pid` (vigil): the ones
 * whose command line asks for fragmented MP4, which only the live video starts.
 */
export function liveCopyProcesses(pid: number): number[] {
  return childProcessesRunning(pid, 'frag_keyframe');
}

/** Child processes of `pid` whose command line contains `text`. */
export function childProcessesRunning(pid: number, text: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent !== pid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) found.push(Number(entry));
    } catch {
      // The process ended while we looked: it is not running, which is what is counted.
    }
  }
  return found;
}

/** Resolves once `check()` holds; throws naming `what` after `timeoutMs`. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
