/**
 * Debian packages of the programs the camera code runs from PATH. A program listed here that
 * cannot be spawned (ENOENT) is simply not installed: the fix is a package, not the camera's
 * config, and retrying every second cannot help. (scripts/systemPackages.ts lists the same
 * packages for `npm start` to install.)
 */
const DEBIAN_PACKAGES: ReadonlyMap<string, string> = new Map([
  ['ffmpeg', 'ffmpeg'],
  ['ffprobe', 'ffmpeg'],
]);

/**
 * "ffmpeg is not installed — install the Debian package ffmpeg (…)" when `command` failed to
 * spawn because a packaged program is missing; undefined otherwise (another error, or a program
 * such as a configured rpicam-vid path whose absence may well be a typo).
 */
export function notInstalledReason(
  command: string,
  spawnError: NodeJS.ErrnoException | undefined,
): string | undefined {
  const debianPackage = DEBIAN_PACKAGES.get(command);
  if (spawnError?.code !== 'ENOENT' || debianPackage === undefined) return undefined;
  return `${command} is not installed — install the Debian package ${debianPackage} (sudo apt-get install ${debianPackage})`;
}
