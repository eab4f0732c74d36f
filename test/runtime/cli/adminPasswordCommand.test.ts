import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { adminCredentialFile } from '../../../runtime/web/auth/adminCredential';
import { freePort } from '../../helpers/freePort';
import { tempDir } from '../../helpers/tempDir';
import { startVigil, VIGIL_BUNDLE } from '../../helpers/vigilProcess';
import { logIn } from '../web/auth/authKit';

// `nobody` on Debian: the user systemd would run vigil as, standing in for `vigil`.
const OWNER = { uid: 65534, gid: 65534 };
const asRoot = process.getuid?.() === 0;

/** A config (readable by every user) whose data_dir belongs to OWNER. */
async function setUp(): Promise<{ config: string; dataDir: string; port: number }> {
  const dir = tempDir();
  // mkdtemp makes it 0700: the other users must reach the config and data_dir inside.
  chmodSync(dir, 0o755);
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir, { mode: 0o750 });
  chownSync(dataDir, OWNER.uid, OWNER.gid);
  const port = await freePort();
  const config = join(dir, 'config.yaml');
  writeFileSync(config, `data_dir: ${dataDir}\nhttp: { host: 127.0.0.1, port: ${port} }\n`, { mode: 0o644 });
  return { config, dataDir, port };
}

/** `vigil admin-password ARGS` in its own process, as root or as `user`. */
function adminPassword(args: string[], user?: { uid: number; gid: number }) {
  const result = spawnSync(process.execPath, [VIGIL_BUNDLE, 'admin-password', ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH },
    ...(user ?? {}),
  });
  return {
    code: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    password: /admin password: (\S+)/.exec(result.stdout)?.[1],
  };
}

function owner(path: string): { uid: number; gid: number; mode: number } {
  const stats = statSync(path);
  return { uid: stats.uid, gid: stats.gid, mode: stats.mode & 0o777 };
}

describe('vigil admin-password: the credential belongs to the data directory owner', {
  skip: !asRoot && 'needs root',
}, () => {
  test('run as root, it writes the file as the owner of data_dir, and vigil running as that user reads it', async () => {
    const { config, dataDir, port } = await setUp();
    const file = adminCredentialFile(dataDir);
    const created = adminPassword(['--config', config]);
    assert.equal(created.code, 0, created.stderr);
    assert.deepEqual(owner(file), { ...OWNER, mode: 0o600 });
    assert.deepEqual(owner(join(dataDir, 'auth')), { ...OWNER, mode: 0o700 });

    const reset = adminPassword(['--config', config, '--reset']);
    assert.equal(reset.code, 0, reset.stderr);
    assert.ok(reset.password && reset.password !== created.password);
    assert.deepEqual(owner(file), { ...OWNER, mode: 0o600 });

    // A credential left root's by an older version is given back, password kept.
    chownSync(file, 0, 0);
    chownSync(join(dataDir, 'auth'), 0, 0);
    const repaired = adminPassword(['--config', config]);
    assert.equal(repaired.code, 0, repaired.stderr);
    assert.match(repaired.stdout, /given back to its owner/);
    assert.match(repaired.stdout, /already set/);
    assert.deepEqual(owner(file), { ...OWNER, mode: 0o600 });
    assert.deepEqual(owner(join(dataDir, 'auth')), { ...OWNER, mode: 0o700 });

    const vigil = startVigil(['run', '--config', config], { HOME: dataDir }, undefined, undefined, OWNER);
    try {
      await vigil.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('vigil is running'));
      await logIn(`http://127.0.0.1:${port}`, reset.password ?? '');
    } finally {
      vigil.child.kill('SIGTERM');
      assert.equal((await vigil.exited).code, 0, vigil.stderr());
    }
  });

  test('as root, it follows no link the data directory owner planted', async () => {
    const { config, dataDir } = await setUp();
    const victim = join(tempDir(), 'victim');
    writeFileSync(victim, 'root only\n', { mode: 0o600 });
    const auth = join(dataDir, 'auth');
    mkdirSync(auth, { mode: 0o700 });
    chownSync(auth, OWNER.uid, OWNER.gid);
    symlinkSync(victim, join(auth, 'admin.json.tmp'));
    const reset = adminPassword(['--config', config, '--reset']);
    assert.equal(reset.code, 0, reset.stderr);
    assert.equal(readFileSync(victim, 'utf8'), 'root only\n');
    assert.deepEqual(owner(victim), { uid: 0, gid: 0, mode: 0o600 });
    assert.deepEqual(owner(adminCredentialFile(dataDir)), { ...OWNER, mode: 0o600 });

    // auth/ itself a link: refused, nothing outside data_dir changes hands.
    const elsewhere = tempDir();
    const moved = join(dataDir, 'auth-old');
    renameSync(auth, moved);
    symlinkSync(elsewhere, auth);
    const refused = adminPassword(['--config', config, '--reset']);
    assert.equal(refused.code, 1);
    assert.deepEqual(owner(elsewhere), { uid: 0, gid: 0, mode: 0o700 });
  });

  test('run as another user, it refuses, names the user to run it as, and writes nothing', async () => {
    const { config, dataDir } = await setUp();
    const other = { uid: 65533, gid: 65533 };
    const refused = adminPassword(['--config', config, '--reset'], other);
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /belongs to nobody.*run this as nobody \(sudo -u nobody vigil admin-password …\) or as root/,
    );
    assert.equal(refused.password, undefined);
    assert.ok(!existsSync(adminCredentialFile(dataDir)));
  });
});
