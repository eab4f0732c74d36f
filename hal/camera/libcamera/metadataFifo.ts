import { execFileSync } from 'node:child_process';
import { constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A named pipe rpicam-vid writes its metadata to, and our end of it. */
export interface MetadataFifo {
  /** The path to give rpicam-vid's `--metadata`. */
  path: string;
  /** Everything written to the pipe, by every rpicam-vid that opens it in turn. */
  stream: Socket;
  /** Closes our end and removes the pipe. */
  close(): void;
}

/**
 * Makes a FIFO in a fresh private directory (0700, so no other user can swap it) and opens it
 * read-write: opening it so neither blocks nor sees end-of-file between one rpicam-vid and the
 * next after a restart. rpicam-vid opens its `--metadata` path as a file, so it cannot write
 * to the socket pair Node gives a child as an extra stdio pipe; a FIFO it can.
 */
export function openMetadataFifo(): MetadataFifo {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-rpicam-'));
  const path = join(dir, 'metadata.json');
  try {
    execFileSync('mkfifo', ['-m', '600', path], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`cannot make a pipe for rpicam-vid's metadata in ${dir}: ${(err as Error).message}`);
  }
  const fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
  const stream = new Socket({ fd, readable: true, writable: false });
  return {
    path,
    stream,
    close: () => {
      stream.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
