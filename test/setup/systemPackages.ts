import {
  describeMissing,
  ensureSystemPackages as installMissing,
  RUNTIME_REQUIREMENTS,
  type SystemRequirement,
} from '../../scripts/systemPackages';

export type { SystemRequirement } from '../../scripts/systemPackages';

/**
 * What the tests need from the OS: everything the appliance runs, plus the tests' own tools.
 * Grows as issues land.
 */
export const TEST_REQUIREMENTS: readonly SystemRequirement[] = [
  ...RUNTIME_REQUIREMENTS,
  {
    command: 'mosquitto',
    debianPackage: 'mosquitto',
    why: 'MQTT sync, Home Assistant discovery and Frigate topics are tested against a real broker',
  },
  {
    command: 'mosquitto_passwd',
    debianPackage: 'mosquitto',
    why: "vigil mqtt-acl's password hashes are checked against the ones mosquitto_passwd writes",
  },
  {
    command: 'chromium',
    debianPackage: 'chromium',
    why: 'the status page is tested in a real headless browser (playwright-core drives it)',
  },
  {
    command: 'openssl',
    debianPackage: 'openssl',
    why: 'HTTPS (http.tls) is tested with a self-signed certificate made by openssl',
  },
  {
    command: 'systemd-analyze',
    debianPackage: 'systemd',
    why: "the image's unit files are checked with systemd-analyze verify and security (test/image)",
  },
  {
    command: 'openssl',
    debianPackage: 'openssl',
    why: "HTTPS is tested with self-signed certificates, made as the image's first boot makes its own",
  },
  {
    command: 'nft',
    debianPackage: 'nftables',
    why: "the image's firewall ruleset is checked with nft, and loaded into a throwaway network namespace",
  },
  {
    command: 'ip',
    debianPackage: 'iproute2',
    why: 'the firewall test wires two network namespaces together (ip netns, veth)',
  },
  {
    command: 'faketime',
    debianPackage: 'faketime',
    why: 'the appliance is run across real clock jumps under libfaketime (test/runtime/system/clockJump.e2e.test.ts)',
  },
  {
    command: 'promtool',
    debianPackage: 'prometheus',
    why: "GET /metrics is checked with promtool check metrics, Prometheus' own naming rules",
  },
  {
    command: 'strace',
    debianPackage: 'strace',
    why: 'bench:writes (run in smoke mode by the bench smoke test) attributes the bytes vigil writes to files with strace -f -y',
  },
];

/**
 * Installs missing Debian packages with apt-get when running as root on Debian/Ubuntu;
 * otherwise names exactly what to install and fails: the tests cannot run without them.
 */
export function ensureSystemPackages(requirements: readonly SystemRequirement[] = TEST_REQUIREMENTS): void {
  const plan = installMissing(requirements, 'the tests');
  if (plan.missing.length > 0) throw new Error(describeMissing(plan, 'the tests'));
}
