import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/**
 * A network namespace wired to the host by a veth pair, for partition tests: a process started
 * with `exec` in it reaches the host at `hostIp`, the host reaches it at `nsIp`, and `impair`
 * drops (never refuses) packets to and from a peer with nftables inside the namespace, as a dead
 * Wi-Fi link or switch does: TCP stays half-open until a keep-alive notices.
 */
export interface NetNs {
  readonly name: string;
  /** The host's end of the veth pair. */
  readonly hostIp: string;
  /** The namespace's end. */
  readonly nsIp: string;
  /** Prefix for a command run inside the namespace (`ip netns exec NAME`). */
  readonly exec: readonly string[];
  /**
   * Drops the packets between the namespace and `peer`, both ways: all of them while `cut`, else
   * each with `lossPercent` % chance (nftables `numgen random`, as this kernel has no `tc
   * netem`). `{}` heals. Each call replaces the last.
   */
  impair(peer: string, impairment: Impairment): void;
  /** Removes the namespace and its veth pair (kill the processes started in it first). */
  remove(): void;
}

/** What `NetNs.impair` does to a link. */
export interface Impairment {
  cut?: boolean;
  lossPercent?: number;
}

/** A veth pair between two namespaces, each end on a /30 of its own. */
export interface NetLink {
  /** `a`'s end. */
  readonly aIp: string;
  /** `b`'s end. */
  readonly bIp: string;
}

const IMPAIR_TABLE = 'vigil_partition';

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

/** A random /30 in 10.200-249.x.x (tests run side by side); returns its two usable addresses. */
function randomSubnet(id: Buffer): [string, string] {
  const base = [10, 200 + ((id[0] ?? 0) % 50), id[1] ?? 0, ((id[2] ?? 0) & 0x3f) * 4];
  const at = (n: number) => [base[0], base[1], base[2], (base[3] ?? 0) + n].join('.');
  return [at(1), at(2)];
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}

/** Makes a namespace with a veth pair to the host. */
export function createNetNs(): NetNs {
  const id = randomBytes(3);
  const tag = id.toString('hex');
  const name = `vigil-part-${tag}`;
  const [hostIp, nsIp] = randomSubnet(id);
  const hostIf = `vh${tag}`;
  const nsIf = `vn${tag}`;
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
  let impaired = false;
  return {
    name,
    hostIp,
    nsIp,
    exec: ['ip', 'netns', 'exec', name],
    impair(peer, { cut = false, lossPercent = 0 }) {
      // numgen's `mod 100` yields 0-99: 100 % loss is a cut.
      const drop =
        cut || lossPercent >= 100
          ? 'drop'
          : lossPercent > 0
            ? `numgen random mod 100 < ${Math.round(lossPercent)} drop`
            : null;
      if (drop === null && !impaired) return;
      // Declared, deleted and made again in one transaction: the old rules never meet the new.
      const lines = [`table inet ${IMPAIR_TABLE}`, `delete table inet ${IMPAIR_TABLE}`];
      if (drop !== null) {
        lines.push(
          `table inet ${IMPAIR_TABLE} {`,
          '  chain out { type filter hook output priority 0; policy accept;',
          `    ip daddr ${peer} ${drop}; }`,
          '  chain in { type filter hook input priority 0; policy accept;',
          `    ip saddr ${peer} ${drop}; }`,
          '}',
        );
      }
      execFileSync('ip', ['netns', 'exec', name, 'nft', '-f', '-'], {
        stdio: ['pipe', 'pipe', 'pipe'],
        input: `${lines.join('\n')}\n`,
      });
      impaired = drop !== null;
    },
    remove() {
      // The namespace's end of the pair goes with the namespace, and takes the host's end along.
      ip('netns', 'del', name);
    },
  };
}

/** Links two namespaces with a veth pair of their own (removed with either namespace). */
export function linkNetNs(a: NetNs, b: NetNs): NetLink {
  const id = randomBytes(3);
  const tag = id.toString('hex');
  const [aIp, bIp] = randomSubnet(id);
  const aIf = `la${tag}`;
  const bIf = `lb${tag}`;
  ip('-n', a.name, 'link', 'add', aIf, 'type', 'veth', 'peer', 'name', bIf, 'netns', b.name);
  ip('-n', a.name, 'addr', 'add', `${aIp}/30`, 'dev', aIf);
  ip('-n', a.name, 'link', 'set', aIf, 'up');
  ip('-n', b.name, 'addr', 'add', `${bIp}/30`, 'dev', bIf);
  ip('-n', b.name, 'link', 'set', bIf, 'up');
  return { aIp, bIp };
}
