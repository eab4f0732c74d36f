import { readFileSync } from 'node:fs';

/**
 * Clock ticks per second in /proc/<pid>/stat. It is USER_HZ, which the kernel fixes at 100 for
 * user space on every architecture Vigil runs on (sysconf(_SC_CLK_TCK) is not reachable from Node).
 */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system) a running process has used so far, from /proc/<pid>/stat; undefined
 * once it is gone (Node reaps children at once, so the last sample before exit is all there is).
 */
export function readCpuSeconds(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    // The process has exited (or this is not Linux): nothing to sample.
    return undefined;
  }
  // Format: pid (comm) state ppid … utime stime …; comm may contain spaces and parentheses,
  // so fields are counted from the last ')': state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return (utime + stime) / CLOCK_TICKS_PER_SECOND;
}
