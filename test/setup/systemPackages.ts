import { execFileSync, spawnSync } from 'node:child_process';

/** A program the tests need from the OS, and the Debian package that provides it. */
export interface SystemRequirement {
  command: string;
  debianPackage: string;
  why: string;
}

/** Grows as issues land (ffmpeg, mosquitto, chromium…). */
export const SYSTEM_REQUIREMENTS: readonly SystemRequirement[] = [
  {
    command: 'ffmpeg',
    debianPackage: 'ffmpeg',
    why: 'camera drivers decode and record with ffmpeg; tests make their videos with it and check clips with ffprobe',
  },
  {
    command: 'mosquitto',
    debianPackage: 'mosquitto',
    why: 'MQTT sync, Home Assistant discovery and Frigate topics are tested against a real broker',
  },
  {
    command: 'chromium',
    debianPackage: 'chromium',
    why: 'the status page is tested in a real headless browser (playwright-core drives it)',
  },
  {
    command: 'systemd-analyze',
    debianPackage: 'systemd',
    why: "the image's unit files are checked with systemd-analyze verify (test/image)",
  },
];

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Installs missing Debian packages with apt-get when running as root on Debian/Ubuntu;
 * otherwise names exactly what to install and fails.
 */
export function ensureSystemPackages(requirements: readonly SystemRequirement[] = SYSTEM_REQUIREMENTS): void {
  const missing = requirements.filter((r) => !has(r.command));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((r) => r.debianPackage))];
  const canInstall = process.getuid?.() === 0 && has('apt-get');
  if (!canInstall) {
    const lines = missing.map((r) => `  ${r.command} (Debian package ${r.debianPackage}): ${r.why}`);
    throw new Error(
      `the tests need programs that are not installed:\n${lines.join('\n')}\ninstall them with: sudo apt-get install -y ${packages.join(' ')}`,
    );
  }
  console.error(`installing Debian packages for the tests: ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
    stdio: 'inherit',
    env,
  });
}
