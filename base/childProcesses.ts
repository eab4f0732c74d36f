import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';

/**
 * Capture processes still running. Module state on purpose: the `exit` hook below must
 * reach every child of this Node process, whichever source started it, and a process has
 * exactly one exit.
 */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort when the daemon exits without stopping its cameras (crash, process.exit):
  // 'exit' handlers must be synchronous, so SIGKILL at once rather than SIGTERM and wait.
  process.on('exit', () => {
    for (const child of liveChildren) child.kill('SIGKILL');
  });
}

/** A spawned capture process and a promise that settles once it is gone. */
export interface SupervisedChild {
  readonly child: ChildProcess;
  /** The command as given, for messages. */
  readonly command: string;
  /** Resolves when the process has exited (or never started); never rejects. */
  readonly gone: Promise<void>;
  /** Set when spawning failed (e.g. ENOENT: the program does not exist). */
  spawnError(): NodeJS.ErrnoException | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  kill(graceMs: number): Promise<void>;
}

/**
 * Spawns a capture process in our process group (`detached: false`), remembers it so it is
 * killed if Node exits, and never lets a spawn error or a broken pipe crash the daemon.
 */
export function spawnSupervised(
  command: string,
  args: readonly string[],
  options: SpawnOptions,
): SupervisedChild {
  installExitHook();
  const child = spawn(command, args, { ...options, detached: false });
  let spawnError: NodeJS.ErrnoException | undefined;
  let exited = false;
  liveChildren.add(child);
  const gone = new Promise<void>((resolve) => {
    const finish = (): void => {
      exited = true;
      liveChildren.delete(child);
      resolve();
    };
    child.once('exit', finish);
    child.once('error', (error: NodeJS.ErrnoException) => {
      spawnError ??= error;
      // 'exit' does not follow a failed spawn; a running process that errors still exits later.
      if (child.pid === undefined) finish();
    });
  });
  // EPIPE and friends on our ends of the pipes surface as the process's exit instead.
  for (const stream of [child.stdin, child.stdout, child.stderr]) stream?.on('error', () => {});

  const kill = async (graceMs: number): Promise<void> => {
    if (exited || child.pid === undefined) return gone;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    try {
      await gone;
    } finally {
      clearTimeout(timer);
    }
  };
  return { child, command, gone, spawnError: () => spawnError, kill };
}
