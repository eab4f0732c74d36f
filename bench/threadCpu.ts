/**
 * CPU time of this process's threads (Linux: /proc/self/task), so a bench can print CPU per unit
 * of work per thread — far less sensitive to a shared machine's load than a rate. Threads are
 * told apart by when they started: the main thread (its id is the process's), the threads a
 * service started while `mark` was watching (e.g. the event log's writer), and the rest (V8's
 * helpers for GC and compilation, libuv's pool, other workers).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on every Linux we run). */
const TICKS_PER_SECOND = 100;

/** Each live thread's user + system CPU, in µs. */
function threadCpu(): Map<number, number> {
  const cpu = new Map<number, number>();
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    // Not Linux: nothing to break down; the bench prints no per-thread figures.
    return cpu;
  }
  for (const task of tasks) {
    try {
      const stat = readFileSync(`/proc/self/task/${task}/stat`, 'utf8');
      // Fields after the command (which may hold spaces) start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      cpu.set(Number(task), (ticks * 1e6) / TICKS_PER_SECOND);
    } catch {
      // The thread ended between the listing and the read: its time is gone with it.
      cpu.delete(Number(task));
    }
  }
  return cpu;
}

/** CPU µs per thread group since `start`. */
export interface CpuSplit {
  main: number;
  /** Threads started during the watched call (the event log's writer thread). */
  started: number;
  /** Every other thread: V8's GC and compiler helpers, libuv's pool. */
  other: number;
}

/** Watches the threads a call starts, then measures CPU per group from `start` to `stop`. */
export class ThreadCpu {
  readonly #started = new Set<number>();
  #from = new Map<number, number>();

  /** Runs `start` (which starts the threads to tell apart) and remembers the new threads. */
  async mark<T>(start: () => Promise<T>): Promise<T> {
    const before = new Set(threadCpu().keys());
    const result = await start();
    for (const tid of threadCpu().keys()) if (!before.has(tid)) this.#started.add(tid);
    return result;
  }

  begin(): void {
    this.#from = threadCpu();
  }

  /** CPU µs per group since `begin` (threads that ended meanwhile are not counted). */
  end(): CpuSplit {
    const split: CpuSplit = { main: 0, started: 0, other: 0 };
    for (const [tid, us] of threadCpu()) {
      const used = us - (this.#from.get(tid) ?? 0);
      if (tid === process.pid) split.main += used;
      else if (this.#started.has(tid)) split.started += used;
      else split.other += used;
    }
    return split;
  }
}
