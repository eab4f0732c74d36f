import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { adminCredentialFile, readAdminCredential } from '../../runtime/web/auth/adminCredential';
import { verifyPassword } from '../../runtime/web/auth/passwordHash';
import { tempDir } from '../helpers/tempDir';
import { selfSignedCertificate } from '../helpers/tls';
import { VIGIL_BUNDLE } from '../helpers/vigilProcess';
import { OVERLAY_DIR } from './unitFile';

const SCRIPT = join(OVERLAY_DIR, 'usr/lib/vigil/vigil-password');

/** What the units route where: stdout is the console, stderr the journal. */
interface Shown {
  console: string;
  journal: string;
}

function vigilPassword(args: string[]): Shown {
  const result = spawnSync('sh', [SCRIPT, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, VIGIL_CLI: `${process.execPath} ${VIGIL_BUNDLE}` },
    timeout: 60_000,
  });
  assert.equal(result.status, 0, result.stderr);
  return { console: result.stdout, journal: result.stderr };
}

/** An appliance config with its data directory and an HTTPS certificate, as on the image. */
function device(): { config: string; dataDir: string; cert: string } {
  const dir = tempDir('vigil-password-');
  const dataDir = join(dir, 'data');
  const config = join(dir, 'config.yaml');
  writeFileSync(config, `data_dir: ${dataDir}\n`);
  return { config, dataDir, cert: selfSignedCertificate(dir).cert };
}

function shownPassword(shown: Shown): string {
  const password = /^Vigil admin password: (\S+)$/m.exec(shown.console)?.[1];
  assert.ok(password, `no password on the console:\n${shown.console}`);
  return password;
}

async function isThePassword(dataDir: string, password: string): Promise<boolean> {
  const credential = readAdminCredential(adminCredentialFile(dataDir));
  assert.ok(credential);
  return verifyPassword(credential.password, password);
}

describe('vigil-password (first boot and reset: the password on the console only)', () => {
  it('creates the password and shows it with the certificate fingerprint on the console, never in the journal', async () => {
    const { config, dataDir, cert } = device();
    const shown = vigilPassword(['create', config, cert]);
    const password = shownPassword(shown);
    assert.ok(await isThePassword(dataDir, password));
    const fingerprint = new X509Certificate(readFileSync(cert)).fingerprint256;
    assert.ok(shown.console.includes(`  ${fingerprint}\n`), `fingerprint on the console:\n${shown.console}`);
    assert.equal(shown.journal, 'vigil-password: admin password created, shown on the console\n');

    // A second run (a first boot that failed later) keeps it, and shows nothing.
    const again = vigilPassword(['create', config, cert]);
    assert.equal(again.console, '');
    assert.match(again.journal, /set already; it is kept/);
    assert.ok(await isThePassword(dataDir, password));
  });

  it('resets it on request: the new one works, the old one not, and the journal never sees either', async () => {
    const { config, dataDir, cert } = device();
    const old = shownPassword(vigilPassword(['create', config, cert]));
    const shown = vigilPassword(['reset', config, cert]);
    const fresh = shownPassword(shown);
    assert.notEqual(fresh, old);
    assert.ok(await isThePassword(dataDir, fresh));
    assert.equal(await isThePassword(dataDir, old), false);
    assert.ok(!shown.journal.includes(fresh));
    assert.match(shown.journal, /^vigil-password: admin password reset .*, shown on the console\n$/);
  });

  it('shows the password without a fingerprint when there is no certificate', () => {
    const { config } = device();
    const shown = vigilPassword(['create', config, '/nonexistent/cert.pem']);
    shownPassword(shown);
    assert.doesNotMatch(shown.console, /fingerprint/);
  });

  it('deletes the request from the boot partition, whichever name it has, and nothing else', () => {
    const boot = tempDir('vigil-bootfs-');
    for (const name of ['vigil-reset-password', 'vigil-reset-password.txt', 'config.txt', 'cmdline.txt']) {
      writeFileSync(join(boot, name), '');
    }
    const shown = vigilPassword(['forget-request', boot]);
    assert.deepEqual(readdirSync(boot).sort(), ['cmdline.txt', 'config.txt']);
    assert.equal(shown.console, '');
    assert.match(shown.journal, /reset request removed/);
    // Nothing to delete is not an error.
    vigilPassword(['forget-request', boot]);
    assert.ok(!existsSync(join(boot, 'vigil-reset-password')));
  });
});
