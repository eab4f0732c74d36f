import { posix } from 'node:path';
import { RequestError } from '../../../base/requestError';
import { VERSION } from '../../../base/version';
import type { BrokerUser } from './brokerUsers';
import { BROKER_MAX_PACKET_BYTES } from './packetLimit';

/** The file names `vigil mqtt-acl` writes, as they are installed on the broker. */
export const MOSQUITTO_FILES = {
  conf: 'vigil.conf',
  passwords: 'vigil.passwd',
  acl: 'vigil.acl',
} as const;

/** What the mosquitto.conf part needs to know. */
export interface MosquittoConfOptions {
  /** The broker URL the clients use (`mqtt.url`): its scheme and port make the listener. */
  url: string;
  /** Where the password and ACL files live on the broker host (/etc/mosquitto). */
  brokerDir: string;
}

const HEADER = `written by \`vigil mqtt-acl\` (Vigil ${VERSION}); run it again rather than edit this file`;

/**
 * The acl_file: each user's rules under its `user` line, each with why. Mosquitto refuses
 * anything no rule allows, and anonymous clients get nothing (no rule above the first `user`).
 */
export function mosquittoAcl(users: readonly BrokerUser[]): string {
  const lines = [
    `# Mosquitto ACL for Vigil, ${HEADER}.`,
    '# Each login may do only what is listed under it. mosquitto 2 accepts any SUBSCRIBE and',
    '# checks every message it would deliver against `read`; `deny` wins over everything else.',
  ];
  for (const user of users) {
    lines.push('', `# ${describe(user)}`, `user ${user.name}`);
    let why: string | undefined;
    for (const rule of user.rules) {
      if (rule.why !== why) lines.push(`# ${rule.why}`);
      why = rule.why;
      lines.push(`topic ${rule.access} ${rule.topic}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The password_file: `user:hash` lines; `hashes` maps each user to its mosquitto hash. */
export function mosquittoPasswordFile(
  users: readonly BrokerUser[],
  hashes: ReadonlyMap<string, string>,
): string {
  return `${users.map((user) => `${user.name}:${hashes.get(user.name)}`).join('\n')}\n`;
}

/**
 * The mosquitto.conf part: a listener for the clients' URL, logins required, the password and
 * ACL files, and the packet size limit. `per_listener_settings false` (mosquitto's default) makes
 * these apply to every listener, so one declared elsewhere is not left open.
 */
export function mosquittoConf(options: MosquittoConfOptions): string {
  const { scheme, port } = listenerOf(options.url);
  const tls = scheme === 'mqtts' || scheme === 'wss';
  const lines = [
    `# Mosquitto settings for Vigil, ${HEADER}.`,
    `# Install as ${posix.join(options.brokerDir, 'conf.d', MOSQUITTO_FILES.conf)}; mosquitto.conf must not set them again.`,
    '# Logins, ACL and limits apply to every listener (per_listener_settings false): none is left open.',
    'per_listener_settings false',
    '',
    `# The clients connect to ${scheme}://…:${port}.`,
    `listener ${port}`,
    ...(scheme === 'ws' || scheme === 'wss' ? ['protocol websockets'] : []),
    ...(tls
      ? [
          "# The broker's certificate (with its chain) and key: replace with yours. Clients verify it",
          '# against the system CAs or mqtt.tls.ca.',
          `certfile ${posix.join(options.brokerDir, 'certs', 'server.crt')}`,
          `keyfile ${posix.join(options.brokerDir, 'certs', 'server.key')}`,
        ]
      : [
          '# On a network you do not trust, use TLS: listener 8883 with certfile and keyfile, and',
          '# mqtts:// in every client, or the passwords cross the network in the clear.',
        ]),
    '',
    '# Every client logs in; each login may use only its topics.',
    'allow_anonymous false',
    `password_file ${posix.join(options.brokerDir, MOSQUITTO_FILES.passwords)}`,
    `acl_file ${posix.join(options.brokerDir, MOSQUITTO_FILES.acl)}`,
    '',
    '# The largest packet: a signed sync batch (at most 8 MiB whatever mqtt.sync.batch_size is) or a',
    '# snapshot, and the headers. A larger one is refused before the broker allocates it.',
    `max_packet_size ${BROKER_MAX_PACKET_BYTES}`,
    '',
    '# A sync batch and its ack are each one small exchange: no Nagle delay on them.',
    'set_tcp_nodelay true',
  ];
  return `${lines.join('\n')}\n`;
}

function describe(user: BrokerUser): string {
  switch (user.role) {
    case 'appliance':
      return `Appliance ${user.name}: mqtt.username in its config.yaml (device.id ${user.name}).`;
    case 'central':
      return 'The central server (vigil central): mqtt.username in central.yaml.';
    case 'homeassistant':
      return "Home Assistant: its MQTT integration's username.";
    case 'producer':
      return `Outside event producer ${user.name}: publishes signed batches on the appliances' ingest topics (mqtt.ingest).`;
  }
}

const DEFAULT_PORTS: Record<string, number> = { mqtt: 1883, mqtts: 8883, ws: 80, wss: 443 };

function listenerOf(url: string): { scheme: string; port: number } {
  const parsed = URL.canParse(url) ? new URL(url) : null;
  const scheme = parsed?.protocol.replace(/:$/, '') ?? '';
  const port = parsed?.port ? Number(parsed.port) : DEFAULT_PORTS[scheme];
  if (port === undefined)
    throw new RequestError('invalid', 'is not an mqtt://, mqtts://, ws:// or wss:// URL', 'mqtt.url');
  return { scheme, port };
}
