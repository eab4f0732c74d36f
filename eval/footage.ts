import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where vtest.avi sits inside Debian's opencv-doc package. */
const VTEST_IN_PACKAGE = 'usr/share/doc/opencv-doc/examples/data/vtest.avi';
const PACKAGE = 'opencv-doc';

/** Where fetched footage and derived clips are kept between runs (never in the repository). */
export function evalCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(base, 'vigil', 'eval');
}

/**
 * The path of vtest.avi (768×576, 10 fps, 79.5 s: OpenCV's public pedestrian surveillance clip),
 * fetched once from Debian's archive: `apt-get download opencv-doc` into the cache, then
 * `dpkg-deb -x`, keeping only the video. `VIGIL_EVAL_VTEST` names a copy to use instead.
 * Without apt-get, package lists or network, it fails saying what to do.
 */
export function vtestVideo(): string {
  const given = process.env.VIGIL_EVAL_VTEST;
  if (given) {
    if (!existsSync(given)) throw new Error(`VIGIL_EVAL_VTEST names ${given}, which does not exist`);
    return given;
  }
  const cache = evalCacheDir();
  const target = join(cache, 'vtest.avi');
  if (existsSync(target)) return target;
  mkdirSync(cache, { recursive: true });
  const work = mkdtempSync(join(cache, 'fetch-'));
  try {
    downloadPackage(work);
    const deb = readdirSync(work).find((name) => name.startsWith(`${PACKAGE}_`) && name.endsWith('.deb'));
    if (!deb) throw new Error(`apt-get download ${PACKAGE} left no .deb in ${work}`);
    execFileSync('dpkg-deb', ['-x', join(work, deb), join(work, 'x')], { stdio: 'pipe' });
    // Copied beside the target, then renamed: a concurrent run never reads half a video.
    copyFileSync(join(work, 'x', VTEST_IN_PACKAGE), join(work, 'vtest.avi'));
    renameSync(join(work, 'vtest.avi'), target);
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function downloadPackage(dir: string): void {
  const run = () => execFileSync('apt-get', ['download', '-q', PACKAGE], { cwd: dir, stdio: 'pipe' });
  try {
    run();
    return;
  } catch (first) {
    // A fresh machine (CI) has no package lists; only root can fetch them.
    if (process.getuid?.() === 0) {
      try {
        execFileSync('apt-get', ['update', '-qq'], { stdio: 'pipe' });
        run();
        return;
      } catch (second) {
        throw missingFootage(second);
      }
    }
    throw missingFootage(first);
  }
}

function missingFootage(cause: unknown): Error {
  const detail = (cause as { stderr?: Buffer }).stderr?.toString().trim() || (cause as Error).message;
  return new Error(
    `the evaluation footage is missing: vtest.avi comes from Debian's ${PACKAGE} package, and ` +
      `'apt-get download ${PACKAGE}' failed (${detail.split('\n')[0]}). On Debian or Ubuntu run as ` +
      `root (or run 'sudo apt-get update' first) with network access; elsewhere put vtest.avi ` +
      `(OpenCV's samples/data/vtest.avi) at ${join(evalCacheDir(), 'vtest.avi')} or set VIGIL_EVAL_VTEST to its path.`,
  );
}
