import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IClientOptions } from 'mqtt';
import { mqttAclCommand } from '../../../../runtime/cli/mqttAclCommand';
import { freePort } from '../../../helpers/freePort';
import { type Broker, startBroker } from '../../../helpers/mosquitto';
import { MqttObserver } from '../../../helpers/mqttObserver';
import { tempDir } from '../../../helpers/tempDir';

/** What `vigil mqtt-acl` printed and wrote, run in-process. */
export interface AclRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `vigil mqtt-acl ARGS` in this process, capturing what it prints. */
export function runMqttAcl(args: string[], env: NodeJS.ProcessEnv = {}): AclRun {
  const run = { code: 0, stdout: '', stderr: '' };
  run.code = mqttAclCommand(args, env, {
    stdout: (text) => {
      run.stdout += text;
    },
    stderr: (text) => {
      run.stderr += text;
    },
  });
  return run;
}

/** The password `vigil mqtt-acl` printed for `user` (appliance and central as YAML, Home Assistant as a form). */
export function printedPassword(stdout: string, user: string): string {
  const yaml = new RegExp(`username: ${user}, password: '([^']+)'`).exec(stdout);
  const form = new RegExp(`username: ${user}\\n\\s+password: (\\S+)`).exec(stdout);
  const password = yaml?.[1] ?? form?.[1];
  if (!password) throw new Error(`no password printed for ${user}:\n${stdout}`);
  return password;
}

/** A mosquitto started with the files `vigil mqtt-acl` wrote, and a login for each of its users. */
export interface LockedBroker {
  broker: Broker;
  /** The config the files were generated from (its mqtt.url points at the broker). */
  config: string;
  /** Where the files were written. */
  filesDir: string;
  stdout: string;
  password(user: string): string;
  /** An MQTT 5 client (unless `options` says otherwise) logged in as `user`. */
  login(user: string, options?: IClientOptions): Promise<MqttObserver>;
}

/**
 * Writes an appliance config on a free port with `mqtt` keys added, runs `vigil mqtt-acl` for
 * `devices` into a temporary directory, and starts mosquitto with the mosquitto.conf part it wrote
 * (its listener, logins, ACL and packet limit) as the broker's only access settings.
 */
export async function lockedBroker(
  devices: string[],
  options: { mqtt?: string; debugLog?: boolean; producers?: string[] } = {},
): Promise<LockedBroker> {
  const dir = tempDir();
  const port = await freePort();
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    [
      `device: { id: ${devices[0]} }`,
      `data_dir: ${join(dir, 'data')}`,
      `mqtt: { enabled: true, url: 'mqtt://127.0.0.1:${port}'${options.mqtt ? `, ${options.mqtt}` : ''} }`,
    ].join('\n'),
  );
  const filesDir = join(dir, 'mosquitto');
  const run = runMqttAcl([
    '--config',
    config,
    ...devices.flatMap((id) => ['--device', id]),
    ...(options.producers ?? []).flatMap((name) => ['--producer', name]),
    '--out',
    filesDir,
    '--broker-dir',
    filesDir,
  ]);
  if (run.code !== 0) throw new Error(`vigil mqtt-acl exited ${run.code}: ${run.stderr}`);
  const access = readFileSync(join(filesDir, 'vigil.conf'), 'utf8').split('\n');
  const broker = await startBroker({ port, access, debugLog: options.debugLog });
  const password = (user: string) => printedPassword(run.stdout, user);
  return {
    broker,
    config,
    filesDir,
    stdout: run.stdout,
    password,
    login: (user, clientOptions = {}) =>
      MqttObserver.connect(broker.url, {
        username: user,
        password: password(user),
        protocolVersion: 5,
        ...clientOptions,
      }),
  };
}
