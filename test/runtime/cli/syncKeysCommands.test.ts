import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DeviceKeys } from '../../../runtime/central/deviceKeys';
import { CommandSignatures } from '../../../runtime/mqtt/commands/commandAuth';
import { tempDir } from '../../helpers/tempDir';
import { VIGIL_BUNDLE } from '../../helpers/vigilProcess';

function vigil(args: string[]) {
  const result = spawnSync(process.execPath, [VIGIL_BUNDLE, ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('device keys and signed commands on the command line', () => {
  test('vigil device-key makes the key once (0600) and prints the enrol command; vigil central enroll takes it', () => {
    const dir = tempDir();
    const appliance = join(dir, 'appliance.yaml');
    writeFileSync(appliance, `device: { id: porch }\ndata_dir: ${join(dir, 'data')}\n`);
    const first = vigil(['device-key', '--config', appliance]);
    assert.equal(first.code, 0, first.stderr);
    const key = /^key: ([A-Za-z0-9_-]{43})$/m.exec(first.stdout)?.[1];
    assert.ok(key, first.stdout);
    assert.match(first.stdout, /vigil central enroll .*--device porch --key /);
    assert.equal(statSync(join(dir, 'data', 'auth', 'device.key')).mode & 0o777, 0o600);
    assert.match(
      vigil(['device-key', '--config', appliance]).stdout,
      new RegExp(`key: ${key}`),
      'the same key',
    );

    const centralYaml = join(dir, 'central.yaml');
    writeFileSync(centralYaml, `data_dir: ${join(dir, 'central')}\n`);
    const enrolled = vigil(['central', 'enroll', '--config', centralYaml, '--device', 'porch', '--key', key]);
    assert.equal(enrolled.code, 0, enrolled.stderr);
    assert.deepEqual(new DeviceKeys(join(dir, 'central')).get('porch'), Buffer.from(key, 'base64url'));

    const bad = vigil(['central', 'enroll', '--config', centralYaml, '--device', 'porch', '--key', 'short']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--key: not a device key/);
    assert.equal(
      vigil(['central', 'enroll', '--config', centralYaml, '--key', key]).code,
      2,
      '--device is required',
    );
  });

  test('run as root, device-key and central enroll give their files to the data directory owner', {
    skip: process.getuid?.() !== 0 && 'needs root',
  }, () => {
    // `nobody`, standing in for the user systemd runs vigil as.
    const owner = { uid: 65534, gid: 65534 };
    const dir = tempDir();
    chmodSync(dir, 0o755);
    for (const name of ['data', 'central']) {
      mkdirSync(join(dir, name));
      chownSync(join(dir, name), owner.uid, owner.gid);
    }
    const appliance = join(dir, 'appliance.yaml');
    writeFileSync(appliance, `device: { id: porch }\ndata_dir: ${join(dir, 'data')}\n`);
    const made = vigil(['device-key', '--config', appliance]);
    assert.equal(made.code, 0, made.stderr);
    const key = /^key: (\S+)$/m.exec(made.stdout)?.[1] ?? '';
    const centralYaml = join(dir, 'central.yaml');
    writeFileSync(centralYaml, `data_dir: ${join(dir, 'central')}\n`);
    const enrolled = vigil(['central', 'enroll', '--config', centralYaml, '--device', 'porch', '--key', key]);
    assert.equal(enrolled.code, 0, enrolled.stderr);
    for (const file of ['data/auth', 'data/auth/device.key', 'central/auth', 'central/auth/devices.json']) {
      const stats = statSync(join(dir, file));
      assert.deepEqual({ uid: stats.uid, gid: stats.gid }, owner, file);
    }
  });

  test('vigil mqtt-sign signs a command for its topic with mqtt.commands.secret', () => {
    const dir = tempDir();
    const secret = 'a-command-secret-of-at-least-32-chars';
    const config = join(dir, 'config.yaml');
    writeFileSync(config, `data_dir: ${dir}\nmqtt: { commands: { secret: '${secret}' } }\n`);
    const topic = 'vigil/porch/siren/set';
    const signed = vigil(['mqtt-sign', '--config', config, '--topic', topic, '--payload', 'ON']);
    assert.equal(signed.code, 0, signed.stderr);
    const envelope = JSON.parse(signed.stdout);
    assert.equal(new CommandSignatures(secret, 30).open(topic, envelope), 'ON');

    const none = join(dir, 'none.yaml');
    writeFileSync(none, `data_dir: ${dir}\n`);
    const refused = vigil(['mqtt-sign', '--config', none, '--topic', topic, '--payload', 'ON']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /mqtt\.commands\.secret is not set/);
  });

  test('vigil mqtt-sign signs an event batch for the ingest topic with mqtt.ingest.secret', () => {
    const dir = tempDir();
    const secret = 'an-ingest-secret-of-at-least-32-chars';
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      `data_dir: ${dir}\nmqtt: { commands: { secret: 'a-command-secret-of-at-least-32-chars' }, ingest: { secret: '${secret}' } }\n`,
    );
    const topic = 'vigil/porch/events/ingest';
    const batch = '[{"type":"sensor","label":"door","data":{"state":"open"}}]';
    const signed = vigil(['mqtt-sign', '--config', config, '--topic', topic, '--payload', batch]);
    assert.equal(signed.code, 0, signed.stderr);
    assert.equal(new CommandSignatures(secret, 30).open(topic, JSON.parse(signed.stdout)), batch);
  });
});
