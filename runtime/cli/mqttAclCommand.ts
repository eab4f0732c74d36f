import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { RequestError } from '../../base/requestError';
import type { Config } from '../config/index';
import { type BrokerUser, brokerUsers, DEFAULT_PRODUCER } from '../mqtt/broker/brokerUsers';
import {
  MOSQUITTO_FILES,
  mosquittoAcl,
  mosquittoConf,
  mosquittoPasswordFile,
} from '../mqtt/broker/mosquittoFiles';
import { generatePassword, mosquittoPasswordHash } from '../mqtt/broker/mosquittoPassword';
import { commandArgs } from './commandArgs';
import { commandConfig } from './commandConfig';
import { type CommandIo, PROCESS_IO } from './commandIo';

const USAGE =
  'usage: vigil mqtt-acl [--config FILE] [--device ID ...] [--producer NAME ...] [--out DIR] [--broker-dir DIR]\n';

/** Where Debian's (and most) mosquitto keep their configuration. */
const DEFAULT_BROKER_DIR = '/etc/mosquitto';

/** One file of the output, with its place on the broker host. */
interface OutputFile {
  name: string;
  text: string;
  installedAs: string;
}

/**
 * `vigil mqtt-acl`: the broker side of Vigil's MQTT for mosquitto 2. Generates a login for each
 * appliance (`--device`, repeatable; default: the config's device.id), one for the central
 * server, one for Home Assistant and one per outside event producer (`--producer`, repeatable;
 * default: `vigil-producer` when mqtt.ingest.secret is set, none otherwise), each limited by an
 * ACL to the topics it uses, with a
 * mosquitto.conf part that requires them. Prints each password once, with where it goes; the
 * password file keeps only PBKDF2-SHA512 hashes. With `--out DIR`, writes the three files there
 * (0600, never over existing ones); otherwise prints them. `--broker-dir` is where they will
 * live on the broker (/etc/mosquitto unless said).
 * Exit 0 on success, 2 for a bad command line, config or name, 1 when a file cannot be written.
 */
export function mqttAclCommand(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: CommandIo = PROCESS_IO,
): number {
  const values = commandArgs(
    argv,
    {
      config: { type: 'string', short: 'c' },
      device: { type: 'string', multiple: true },
      producer: { type: 'string', multiple: true },
      out: { type: 'string' },
      'broker-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    USAGE,
    io,
  );
  if (!values) return 2;
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const loaded = commandConfig(values.config ?? env.VIGIL_CONFIG, env);
  if (!loaded) return 2;
  let files: OutputFile[];
  let users: BrokerUser[];
  const passwords = new Map<string, string>();
  try {
    const brokerDir = checkBrokerDir(values['broker-dir'] ?? DEFAULT_BROKER_DIR);
    const producers =
      values.producer ?? (loaded.config.mqtt.ingest.secret === undefined ? [] : [DEFAULT_PRODUCER]);
    users = brokerUsers(loaded.config.mqtt, values.device ?? [loaded.config.device.id], producers);
    for (const user of users) passwords.set(user.name, generatePassword());
    files = outputFiles(loaded.config, users, passwords, brokerDir);
    if (values.out !== undefined) writeFiles(values.out, files);
  } catch (err) {
    if (!(err instanceof RequestError)) {
      io.stderr(`vigil mqtt-acl: ${err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    }
    io.stderr(`vigil mqtt-acl: ${err.field ? `${err.field}: ` : ''}${err.message}\n`);
    return 2;
  }
  io.stdout(values.out === undefined ? printedFiles(files) : installSteps(values.out, files));
  io.stdout(logins(users, passwords, loaded.config));
  return 0;
}

function outputFiles(
  config: Config,
  users: readonly BrokerUser[],
  passwords: ReadonlyMap<string, string>,
  brokerDir: string,
): OutputFile[] {
  const hashes = new Map([...passwords].map(([name, password]) => [name, mosquittoPasswordHash(password)]));
  const conf = mosquittoConf({ url: config.mqtt.url, brokerDir });
  return [
    {
      name: MOSQUITTO_FILES.conf,
      text: conf,
      installedAs: posix.join(brokerDir, 'conf.d', MOSQUITTO_FILES.conf),
    },
    {
      name: MOSQUITTO_FILES.passwords,
      text: mosquittoPasswordFile(users, hashes),
      installedAs: posix.join(brokerDir, MOSQUITTO_FILES.passwords),
    },
    {
      name: MOSQUITTO_FILES.acl,
      text: mosquittoAcl(users),
      installedAs: posix.join(brokerDir, MOSQUITTO_FILES.acl),
    },
  ];
}

/** Absolute (mosquitto reads relative paths from wherever it was started) and one line. */
function checkBrokerDir(dir: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a line break would add a line to mosquitto.conf
  if (!posix.isAbsolute(dir) || /[\u0000-\u001f\u007f]/.test(dir))
    throw new RequestError(
      'invalid',
      `${JSON.stringify(dir)} must be an absolute path on the broker host`,
      '--broker-dir',
    );
  return dir;
}

/**
 * Writes every file 0600 or none: existing files are never replaced (their passwords would be
 * lost to clients still using them), and a failure part way removes what this run wrote.
 */
function writeFiles(dir: string, files: readonly OutputFile[]): void {
  const paths = files.map((file) => join(dir, file.name));
  const existing = paths.filter((path) => existsSync(path));
  if (existing.length > 0)
    throw new RequestError(
      'conflict',
      `${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}; nothing was written. Move them away or choose another directory: new files mean new passwords for every client`,
      '--out',
    );
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const written: string[] = [];
  try {
    files.forEach((file, i) => {
      const path = paths[i] as string;
      writeFileSync(path, file.text, { mode: 0o600, flag: 'wx' });
      written.push(path);
    });
  } catch (err) {
    for (const path of written) rmSync(path, { force: true });
    throw err;
  }
}

function printedFiles(files: readonly OutputFile[]): string {
  return files.map((file) => `==> ${file.installedAs} <==\n${file.text}\n`).join('');
}

/**
 * Mosquitto 2 reads the password and ACL files after it has dropped root for its own user (and
 * again on SIGHUP), and from 2.0.16 warns that it will refuse those that are readable by others
 * or owned by another user: they go to mosquitto, 0600. The conf part holds no secret and is
 * read again on SIGHUP too: 0644, like the rest of the broker's configuration.
 */
function installSteps(dir: string, files: readonly OutputFile[]): string {
  const [conf, passwords, acl] = files as [OutputFile, OutputFile, OutputFile];
  const brokerDir = posix.dirname(passwords.installedAs);
  const at = (file: OutputFile) => join(dir, file.name);
  return [
    `Wrote ${files.map(at).join(', ')} (mode 0600).`,
    '',
    'Install them on the broker host, then restart mosquitto:',
    `  sudo install -o mosquitto -g mosquitto -m 0600 ${at(passwords)} ${at(acl)} ${brokerDir}/`,
    `  sudo install -m 0644 ${at(conf)} ${posix.dirname(conf.installedAs)}/`,
    '  sudo systemctl restart mosquitto',
    '(mosquitto reads the password and ACL files as its own user: they are its alone.)',
    '',
    '',
  ].join('\n');
}

function logins(
  users: readonly BrokerUser[],
  passwords: ReadonlyMap<string, string>,
  config: Config,
): string {
  const lines = [
    'Logins. The passwords are shown only now: the password file keeps only their hashes.',
    `Rights follow this config (homeassistant: ${config.mqtt.homeassistant}, frigate_compat: ${config.mqtt.frigate_compat}, topic prefix ${config.mqtt.topic_prefix}); run this again after changing them.`,
  ];
  for (const user of users) {
    const password = passwords.get(user.name) as string;
    lines.push('');
    if (user.role === 'appliance') {
      lines.push(
        `  ${user.name} (appliance): in its config (/etc/vigil/config.yaml on the image)`,
        `    mqtt: { username: ${user.name}, password: '${password}' }`,
      );
    } else if (user.role === 'central') {
      lines.push(
        `  ${user.name} (central server): in central.yaml of every vigil central`,
        `    mqtt: { username: ${user.name}, password: '${password}' }`,
      );
    } else if (user.role === 'producer') {
      lines.push(
        `  ${user.name} (event producer): the MQTT login of the sensor or system that publishes on`,
        `    ${user.rules[0]?.topic ?? ''} (and the other appliances' ingest topics); its batches are signed with mqtt.ingest.secret`,
        `    username: ${user.name}`,
        `    password: ${password}`,
      );
    } else {
      lines.push(
        `  ${user.name} (Home Assistant): Settings > Devices & services > MQTT > Reconfigure`,
        `    username: ${user.name}`,
        `    password: ${password}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
