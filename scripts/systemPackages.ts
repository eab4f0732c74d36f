import { execFileSync, spawnSync } from 'node:child_process';

/** A program Vigil needs from the OS, and the Debian package that provides it. */
export interface SystemRequirement {
  command: string;
  debianPackage: string;
  why: string;
}

/**
 * What the appliance runs at run time with the demo config and the default features (`npm start`;
 * the image installs its own list in image/build.sh). GPIO tools (gpiod) and rpicam-vid are only
 * needed by configs that use them, so they are not asked for here.
 */
export const RUNTIME_REQUIREMENTS: readonly SystemRequirement[] = [
  {
    command: 'ffmpeg',
    debianPackage: 'ffmpeg',
    why: 'records the cameras for incident clips (the demo camera too) and reads file and ffmpeg cameras',
  },
  {
    command: 'ffprobe',
    debianPackage: 'ffmpeg',
    why: 'measures each incident clip after it is joined',
  },
];

/** What the host offers; injected so the decision can be tested without root or apt-get. */
export interface Host {
  has(command: string): boolean;
  /** Effective user id (undefined where there is none, e.g. Windows). */
  uid: number | undefined;
}

/** The requirements not met, the Debian packages that meet them, and whether we may install them. */
export interface PackagePlan {
  missing: readonly SystemRequirement[];
  packages: readonly string[];
  /** Root on Debian/Ubuntu (apt-get is there): install, rather than ask the user to. */
  canInstall: boolean;
}

/** Decides what is missing and whether it can be installed here; runs nothing. */
export function planSystemPackages(requirements: readonly SystemRequirement[], host: Host): PackagePlan {
  const missing = requirements.filter((r) => !host.has(r.command));
  const packages = [...new Set(missing.map((r) => r.debianPackage))];
  const canInstall = missing.length > 0 && host.uid === 0 && host.has('apt-get');
  return { missing, packages, canInstall };
}

/** The apt-get command that installs `packages`, as a user types it. */
export function installCommand(packages: readonly string[]): string {
  return `sudo apt-get install -y --no-install-recommends ${packages.join(' ')}`;
}

/** Names each missing program, what it is for, and the one command that installs them all. */
export function describeMissing(plan: PackagePlan, neededBy: string): string {
  const lines = plan.missing.map((r) => `  ${r.command} (Debian package ${r.debianPackage}): ${r.why}`);
  return `missing for ${neededBy} (not installed):\n${lines.join('\n')}\ninstall with: ${installCommand(plan.packages)}`;
}

/** Installs Debian packages with apt-get (update first: a fresh machine has no package lists). */
export function installDebianPackages(packages: readonly string[], neededBy: string): void {
  console.error(`installing Debian packages for ${neededBy}: ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
    stdio: 'inherit',
    env,
  });
}

/** This machine, as {@link Host}. */
export const THIS_HOST: Host = {
  has: (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0,
  uid: process.getuid?.(),
};

/**
 * Installs what is missing when it can (root with apt-get) and returns what is still missing
 * then (`missing` is empty when all is there); the caller decides what that means: the tests
 * stop, `npm start` runs on without it. A failing apt-get throws.
 */
export function ensureSystemPackages(
  requirements: readonly SystemRequirement[],
  neededBy: string,
  host: Host = THIS_HOST,
  install: typeof installDebianPackages = installDebianPackages,
): PackagePlan {
  const plan = planSystemPackages(requirements, host);
  if (!plan.canInstall) return plan;
  install(plan.packages, neededBy);
  return planSystemPackages(requirements, host);
}
