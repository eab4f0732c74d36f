import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The programs of Debian's ffmpeg package that Vigil runs. */
const HIDDEN = new Set(['ffmpeg', 'ffprobe']);

/**
 * Makes this process's PATH look like a fresh Debian machine without the ffmpeg package, for
 * everything spawned from now on, until the returned function puts PATH back. Each PATH entry
 * holding ffmpeg is swapped for a directory of symlinks to everything else in it, so sh, node
 * and friends are still found; the real ffmpeg stays installed.
 */
export function hideFfmpeg(): () => void {
  const original = process.env.PATH ?? '';
  const shadow = mkdtempSync(join(tmpdir(), 'vigil-no-ffmpeg-'));
  const entries = original.split(delimiter).map((dir, index) => {
    if (![...HIDDEN].some((name) => existsSync(join(dir, name)))) return dir;
    const copy = join(shadow, String(index));
    mkdirSync(copy);
    for (const name of readdirSync(dir))
      if (!HIDDEN.has(name)) symlinkSync(join(dir, name), join(copy, name));
    return copy;
  });
  process.env.PATH = entries.join(delimiter);
  return () => {
    process.env.PATH = original;
    rmSync(shadow, { recursive: true, force: true });
  };
}
