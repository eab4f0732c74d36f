/**
 * `npm start`'s first step after `npm install`: the Debian packages the appliance runs (ffmpeg)
 * are installed with apt-get when running as root on Debian/Ubuntu; otherwise it says what is
 * missing, why and how to install it, and Vigil starts anyway (it runs without recording).
 * Never fails the start: a machine without ffmpeg still shows the status page and detections.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  describeMissing,
  ensureSystemPackages,
  type Host,
  installDebianPackages,
  type PackagePlan,
  planSystemPackages,
  RUNTIME_REQUIREMENTS,
  THIS_HOST,
} from './systemPackages';

/** Who the packages are for, in messages. */
const NEEDED_BY = 'Vigil';

/**
 * What to tell the user about packages still missing before Vigil starts (undefined when
 * nothing is): each program, why it is needed, the command to install it, why `npm start` did
 * not, and that Vigil starts without it.
 */
export function missingPackagesNotice(plan: PackagePlan, host: Host): string | undefined {
  if (plan.missing.length === 0) return undefined;
  const whyNot =
    host.uid !== 0
      ? 'npm start installs them itself only when run as root.'
      : !host.has('apt-get')
        ? "apt-get is not available here (not Debian/Ubuntu): install the same packages with the system's package manager."
        : 'apt-get did not install them (see its output above).';
  return [
    describeMissing(plan, NEEDED_BY),
    whyNot,
    'Starting Vigil anyway: what they do (above) stays off until they are installed; Vigil looks for them again every minute.',
  ].join('\n');
}

/** Installs what it can and prints what is still missing; never throws. */
export function ensureRuntimePackages(
  host: Host = THIS_HOST,
  install: typeof installDebianPackages = installDebianPackages,
): void {
  let plan: PackagePlan;
  try {
    plan = ensureSystemPackages(RUNTIME_REQUIREMENTS, NEEDED_BY, host, install);
  } catch (error) {
    // No network, a locked dpkg…: say so, then carry on like a user who cannot install.
    console.error(`could not install Debian packages: ${(error as Error).message}`);
    plan = planSystemPackages(RUNTIME_REQUIREMENTS, host);
  }
  const notice = missingPackagesNotice(plan, host);
  if (notice) console.error(notice);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href)
  ensureRuntimePackages();
