import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { missingPackagesNotice } from '../../scripts/ensureRuntimePackages';
import {
  ensureSystemPackages,
  type Host,
  planSystemPackages,
  RUNTIME_REQUIREMENTS,
} from '../../scripts/systemPackages';
import { TEST_REQUIREMENTS } from '../setup/systemPackages';

/** A machine with every program but `absent`, as user `uid`. */
function host(uid: number, absent: readonly string[]): Host {
  return { uid, has: (command) => !absent.includes(command) };
}

const FRESH_DEBIAN = ['ffmpeg', 'ffprobe'];

describe('npm start: Debian packages the appliance runs', () => {
  it('not root: names each missing program, why, and the command to install it, and starts anyway', () => {
    const user = host(1000, FRESH_DEBIAN);
    const plan = planSystemPackages(RUNTIME_REQUIREMENTS, user);
    assert.equal(plan.canInstall, false);
    assert.deepEqual(plan.packages, ['ffmpeg'], 'ffmpeg and ffprobe come in one package');
    const notice = missingPackagesNotice(plan, user) ?? '';
    assert.match(notice, /^ {2}ffmpeg \(Debian package ffmpeg\): records the cameras for incident clips/m);
    assert.match(notice, /^ {2}ffprobe \(Debian package ffmpeg\): /m);
    assert.match(notice, /^install with: sudo apt-get install -y --no-install-recommends ffmpeg$/m);
    assert.match(notice, /only when run as root/);
    assert.match(notice, /^Starting Vigil anyway/m);
  });

  it('root on Debian: installs the missing packages with apt-get and has nothing to report', () => {
    const absent = [...FRESH_DEBIAN];
    const root = { uid: 0, has: (command: string) => !absent.includes(command) };
    const installed: string[][] = [];
    const plan = ensureSystemPackages(RUNTIME_REQUIREMENTS, 'Vigil', root, (packages) => {
      installed.push([...packages]);
      absent.length = 0;
    });
    assert.deepEqual(installed, [['ffmpeg']]);
    assert.deepEqual(plan.missing, []);
    assert.equal(missingPackagesNotice(plan, root), undefined);
  });

  it('root without apt-get (not Debian): says so instead of installing', () => {
    const root = host(0, [...FRESH_DEBIAN, 'apt-get']);
    const plan = ensureSystemPackages(RUNTIME_REQUIREMENTS, 'Vigil', root, () => {
      throw new Error('must not install without apt-get');
    });
    assert.equal(plan.canInstall, false);
    assert.match(missingPackagesNotice(plan, root) ?? '', /apt-get is not available here/);
  });

  it('says nothing when everything is installed', () => {
    const user = host(1000, []);
    assert.equal(missingPackagesNotice(planSystemPackages(RUNTIME_REQUIREMENTS, user), user), undefined);
  });

  it('the tests need everything the appliance runs', () => {
    for (const requirement of RUNTIME_REQUIREMENTS) assert.ok(TEST_REQUIREMENTS.includes(requirement));
  });

  it('npm start checks the packages after npm install and before the build', () => {
    const { scripts } = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as {
      scripts: { start: string };
    };
    const steps = scripts.start.split(' && ');
    assert.equal(steps[1], 'tsx scripts/ensureRuntimePackages.ts');
    assert.match(steps[0] ?? '', /^npm install /);
    assert.equal(steps[2], 'npm run build');
  });
});
