/**
 * Who wrote what: parses `strace -f -y -e trace=write,pwrite64,writev,pwritev,fsync,fdatasync`
 * output (one line per call, `-y` naming each descriptor's path) and sums the bytes each call
 * returned, and the fsyncs, by class of file. Processes that exec (ffmpeg started during the
 * window: clip assembly) are summed apart from vigil's own threads.
 */

/** What a class of files took during the traced window. */
export interface WriterTotals {
  bytes: number;
  calls: number;
  fsyncs: number;
}

/** Bytes and fsyncs by writer class: vigil's own threads, and its children that exec'd meanwhile. */
export interface WriteShares {
  vigil: Map<string, WriterTotals>;
  children: Map<string, WriterTotals>;
}

/** Classes not on the disk: they are printed apart from the shares. */
export const NOT_DISK = 'sockets, pipes, eventfds (not the disk)';
export const LOGS = 'logs (stdout → journal)';

const WRITES = new Set(['write', 'pwrite64', 'writev', 'pwritev', 'pwritev2']);
const SYNCS = new Set(['fsync', 'fdatasync']);

/** The writer class of a descriptor: its path as strace -y prints it, and its number. */
export function writerClass(fd: number, path: string): string {
  if (path.endsWith('.db-wal')) return 'SQLite WAL';
  if (path.endsWith('.db')) return 'SQLite checkpoints (database file)';
  if (path.endsWith('.db-shm')) return 'SQLite shared memory index';
  if (/\/snapshots\//.test(path)) return 'snapshots';
  if (/\/thumbnails\//.test(path)) return 'thumbnails';
  if (/\/clips\//.test(path)) return 'clips';
  if (/\/ring\//.test(path)) return 'recording ring';
  if (path.startsWith('pipe:') || path.startsWith('socket:') || path.startsWith('anon_inode:')) {
    return (fd === 1 || fd === 2) && !path.startsWith('anon_inode:') ? LOGS : NOT_DISK;
  }
  if (path === '/dev/null') return NOT_DISK;
  return 'other files';
}

const CALL = /^(?:\[pid\s+)?(\d+)\]?\s+(\w+)\((\d+)<([^>]*)>(.*)$/;
const RESUMED = /^(?:\[pid\s+)?(\d+)\]?\s+<\.\.\. (\w+) resumed>(.*)$/;
const EXEC = /^(?:\[pid\s+)?(\d+)\]?\s+execve\(/;
const RESULT = /\)\s+=\s+(-?\d+)/;

/** Sums one strace output (the whole file's text). */
export function parseStrace(text: string): WriteShares {
  const shares: WriteShares = { vigil: new Map(), children: new Map() };
  const children = new Set<number>();
  /** Calls split by another thread's line: the descriptor's class, waiting for the result. */
  const pending = new Map<number, { call: string; writer: string }>();
  const add = (pid: number, call: string, writer: string, result: number) => {
    const totals = (children.has(pid) ? shares.children : shares.vigil).get(writer) ?? {
      bytes: 0,
      calls: 0,
      fsyncs: 0,
    };
    if (WRITES.has(call)) {
      totals.calls++;
      if (result > 0) totals.bytes += result;
    } else totals.fsyncs++;
    (children.has(pid) ? shares.children : shares.vigil).set(writer, totals);
  };
  for (const line of text.split('\n')) {
    const exec = EXEC.exec(line);
    if (exec) {
      children.add(Number(exec[1]));
      continue;
    }
    const call = CALL.exec(line);
    if (call) {
      const [, pid, name, fd, path, rest] = call as unknown as [
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      if (!WRITES.has(name) && !SYNCS.has(name)) continue;
      const writer = writerClass(Number(fd), path);
      if (rest.includes('<unfinished ...>')) {
        pending.set(Number(pid), { call: name, writer });
        continue;
      }
      const result = RESULT.exec(rest);
      if (result) add(Number(pid), name, writer, Number(result[1]));
      continue;
    }
    const resumed = RESUMED.exec(line);
    if (resumed) {
      const pid = Number(resumed[1]);
      const started = pending.get(pid);
      pending.delete(pid);
      const result = RESULT.exec(resumed[3] ?? '');
      if (started && result) add(pid, started.call, started.writer, Number(result[1]));
    }
  }
  return shares;
}
