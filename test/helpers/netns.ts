import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/**
 * A network namespace wired to the host by a veth pair, for partition tests: a process started
 * with `exec` in it reaches the host at `hostIp`, the host reaches it at `nsIp`, and `cut` drops
 * (never refuses) the packets to and from one host port with nftables inside the namespace, as
 * a dead Wi-Fi link or switch does: TCP stays half-open until a keep-alive notices.
 */
export interface NetNs {
  readonly name: string;
  /** The host's end of the veth pair. */
  readonly hostIp: string;
  /** The namespace's end. */
  readonly nsIp: string;
  /** Prefix for a command run inside the namespace (`ip netns exec NAME`). */
  readonly exec: readonly string[];
  /** Drops every packet between the namespace and `hostIp`:`port`, both ways, until `heal`. */
  cut(port: number): void;
  heal(): void;
  /** Removes the namespace and its veth pair (kill the processes started in it first). */
  remove(): void;
}

const CUT_TABLE = 'vigil_partition';

/** Why a namespace cannot be made here (not root, no `ip`/`nft`, no CAP_NET_ADMIN), or null. */
export function netnsUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'partition tests need root (ip netns, nft)';
  const probe = `vigil-probe-${randomBytes(3).toString('hex')}`;
  try {
    execFileSync('ip', ['netns', 'add', probe], { stdio: 'pipe' });
  } catch (err) {
    return `cannot make a network namespace here ('ip' from iproute2, CAP_NET_ADMIN): ${(err as Error).message}`;
  }
  try {
    execFileSync('ip', ['netns', 'exec', probe, 'nft', 'list', 'ruleset'], { stdio: 'pipe' });
    return null;
  } catch (err) {
    return `cannot run nftables in a network namespace here ('nft' from nftables): ${(err as Error).message}`;
  } finally {
    execFileSync('ip', ['netns', 'del', probe], { stdio: 'pipe' });
  }
}

/** Makes a namespace with a veth pair on a random /30 in 10.200-249.x.x (tests run side by side). */
export function createNetNs(): NetNs {
  const id = randomBytes(3);
  const tag = id.toString('hex');
  const name = `vigil-part-${tag}`;
  const net = `10.${200 + ((id[0] ?? 0) % 50)}.${id[1] ?? 0}.${((id[2] ?? 0) & 0x3f) * 4}`;
  const base = net.split('.').map(Number);
  const at = (n: number) => [base[0], base[1], base[2], (base[3] ?? 0) + n].join('.');
  const hostIp = at(1);
  const nsIp = at(2);
  const hostIf = `vh${tag}`;
  const nsIf = `vn${tag}`;
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
  const inNs = (...args: string[]) => execFileSync('ip', ['netns', 'exec', name, ...args], { stdio: 'pipe' });
  ip('netns', 'add', name);
  try {
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
    ip('link', 'set', nsIf, 'netns', name);
    ip('addr', 'add', `${hostIp}/30`, 'dev', hostIf);
    ip('link', 'set', hostIf, 'up');
    ip('-n', name, 'addr', 'add', `${nsIp}/30`, 'dev', nsIf);
    ip('-n', name, 'link', 'set', nsIf, 'up');
    ip('-n', name, 'link', 'set', 'lo', 'up');
  } catch (err) {
    ip('netns', 'del', name);
    throw err;
  }
  let cutActive = false;
  return {
    name,
    hostIp,
    nsIp,
    exec: ['ip', 'netns', 'exec', name],
    cut(port) {
      execFileSync('ip', ['netns', 'exec', name, 'nft', '-f', '-'], {
        stdio: ['pipe', 'pipe', 'pipe'],
        input: [
          `table inet ${CUT_TABLE} {`,
          '  chain out { type filter hook output priority 0; policy accept;',
          `    ip daddr ${hostIp} tcp dport ${port} drop; }`,
          '  chain in { type filter hook input priority 0; policy accept;',
          `    ip saddr ${hostIp} tcp sport ${port} drop; }`,
          '}',
          '',
        ].join('\n'),
      });
      cutActive = true;
    },
    heal() {
      if (!cutActive) return;
      inNs('nft', 'delete', 'table', 'inet', CUT_TABLE);
      cutActive = false;
    },
    remove() {
      // The namespace's end of the pair goes with the namespace, and takes the host's end along.
      ip('netns', 'del', name);
    },
  };
}
