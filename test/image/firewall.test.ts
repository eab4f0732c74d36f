import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { loadConfig } from '../../runtime/config/index';
import { OVERLAY_DIR } from './unitFile';

const RULESET = join(OVERLAY_DIR, 'etc/nftables.conf');

/** Listens on the given TCP and UDP ports (UDP answers every datagram), then prints "ready". */
const SERVER = `
const net = require('node:net'), dgram = require('node:dgram');
const [tcp, udp] = process.argv.slice(1).map((list) => list.split(',').filter(Boolean).map(Number));
let pending = tcp.length + udp.length;
const up = () => { if (--pending === 0) console.log('ready'); };
// The probe resets connections as soon as they open: that is not an error here.
const serve = (s) => { s.on('error', () => s.destroy()); s.end('hi'); };
for (const port of tcp) net.createServer(serve).listen(port, '::', up);
for (const port of udp) {
  const socket = dgram.createSocket({ type: 'udp6', ipv6Only: false });
  socket.on('message', (message, from) => socket.send('pong', from.port, from.address));
  socket.bind(port, '::', up);
}`;

/**
 * Tries each "tcp:host:port" / "udp:host:port" target at once and prints, as JSON, what happened:
 * open / refused / silent (no answer within the wait: dropped).
 */
const PROBE = `
const net = require('node:net'), dgram = require('node:dgram');
const WAIT_MS = 1500;
function tcp(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: WAIT_MS });
    socket.on('connect', () => { socket.destroy(); resolve('open'); });
    socket.on('timeout', () => { socket.destroy(); resolve('silent'); });
    socket.on('error', (err) => resolve(err.code === 'ECONNREFUSED' ? 'refused' : err.code));
  });
}
function udp(host, port) {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const timer = setTimeout(() => { socket.close(); resolve('silent'); }, WAIT_MS);
    socket.on('message', () => { clearTimeout(timer); socket.close(); resolve('open'); });
    socket.send('ping', port, host);
  });
}
const targets = process.argv.slice(1);
Promise.all(targets.map((target) => {
  const [proto, ...rest] = target.split(':');
  const port = Number(rest.pop());
  const host = rest.join(':');
  return (proto === 'tcp' ? tcp : udp)(host, port).then((result) => [target, result]);
})).then((results) => console.log(JSON.stringify(Object.fromEntries(results))));`;

/**
 * Runs `command` as on the image, which has no /etc/protocols or /etc/services (no netbase): nft
 * cannot resolve names from them there. A private mount namespace hides this machine's.
 */
const WITHOUT_NETBASE = [
  'unshare',
  '--mount',
  'sh',
  '-c',
  'for f in /etc/protocols /etc/services; do [ ! -e "$f" ] || mount --bind /dev/null "$f"; done; exec "$@"',
  'without-netbase',
];

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Runs the probe inside `namespace` and returns each target's outcome. */
function probe(namespace: string, targets: string[]): Record<string, string> {
  const result = spawnSync('ip', ['netns', 'exec', namespace, process.execPath, '-e', PROBE, ...targets], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as Record<string, string>;
}

/** Starts the listener inside `namespace` and waits until every port is bound. */
async function listen(namespace: string, tcp: number[], udp: number[]): Promise<ChildProcess> {
  const child = spawn(
    'ip',
    ['netns', 'exec', namespace, process.execPath, '-e', SERVER, tcp.join(','), udp.join(',')],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const [line] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(() => ['exited']),
  ])) as string[];
  assert.equal(line, 'ready', `the listener in ${namespace} did not start`);
  return child;
}

/** The TCP ports the ruleset opens (`tcp dport { a, b }` or `tcp dport a`). */
function openTcpPorts(ruleset: string): number[] {
  const match = /^\s*tcp dport (?:\{([^}]*)\}|(\d+)) accept$/m.exec(ruleset);
  return (match?.[1] ?? match?.[2] ?? '')
    .split(',')
    .map((port) => Number(port.trim()))
    .filter((port) => port > 0)
    .sort((a, b) => a - b);
}

/** Why network namespaces cannot be used here, or undefined when they can. */
function netnsUnavailable(name: string): string | undefined {
  const result = spawnSync('ip', ['netns', 'add', name], { encoding: 'utf8' });
  return result.status === 0 ? undefined : result.stderr.trim() || `ip netns add exited ${result.status}`;
}

describe('the image firewall (overlay/etc/nftables.conf)', () => {
  it('is a valid nftables ruleset that drops inbound by default and opens the web ports the image serves', () => {
    // -c: checked by the kernel's nftables, nothing applied; as on the image where this machine
    // lets a process have a mount namespace of its own.
    const isolated = spawnSync('unshare', ['--mount', 'true']).status === 0;
    const [program = 'nft', ...args] = [...(isolated ? WITHOUT_NETBASE : []), 'nft', '-c', '-f', RULESET];
    const check = spawnSync(program, args, { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
    const ruleset = readFileSync(RULESET, 'utf8');
    assert.match(ruleset, /^flush ruleset$/m, 'replaces whatever was loaded before');
    assert.match(ruleset, /type filter hook input priority filter; policy drop;/);
    assert.match(ruleset, /type filter hook forward priority filter; policy drop;/);
    assert.match(ruleset, /type filter hook output priority filter; policy accept;/);
    const loaded = loadConfig({ file: join(OVERLAY_DIR, 'etc/vigil/config.yaml'), env: {} });
    assert.ok(loaded.ok);
    const { port, redirect_port, tls } = loaded.config.http;
    assert.ok(tls, 'HTTPS on the image');
    assert.deepEqual(
      openTcpPorts(ruleset),
      [redirect_port, port].sort((a, b) => (a ?? 0) - (b ?? 0)),
    );
    assert.deepEqual([port, redirect_port], [8443, 8080]);
  });

  it('in a network namespace: the web ports, mDNS and neighbour discovery get through, nothing else', async (t) => {
    const id = process.pid % 100_000;
    const device = `vigil-fw-dev-${id}`;
    const client = `vigil-fw-cli-${id}`;
    const unavailable = netnsUnavailable(device);
    if (unavailable) {
      t.skip(`network namespaces are not permitted here (${unavailable}); the syntax check above still ran`);
      return;
    }
    const children: ChildProcess[] = [];
    try {
      ip('netns', 'add', client);
      // A cable between the two: the device at 10.77.0.1 / fd77::1, the client at .2 / ::2.
      ip('link', 'add', `vfd${id}`, 'type', 'veth', 'peer', 'name', `vfc${id}`);
      ip('link', 'set', `vfd${id}`, 'netns', device);
      ip('link', 'set', `vfc${id}`, 'netns', client);
      for (const [ns, dev, n] of [
        [device, `vfd${id}`, 1],
        [client, `vfc${id}`, 2],
      ] as const) {
        ip('-n', ns, 'link', 'set', 'lo', 'up');
        ip('-n', ns, 'address', 'add', `10.77.0.${n}/24`, 'dev', dev);
        ip('-n', ns, 'address', 'add', `fd77::${n}/64`, 'dev', dev, 'nodad');
        ip('-n', ns, 'link', 'set', dev, 'up');
      }
      children.push(await listen(device, [8443, 8080, 9000, 22], [5353, 5354]));
      const targets = [
        'tcp:10.77.0.1:8443',
        'tcp:10.77.0.1:8080',
        'tcp:10.77.0.1:9000',
        'tcp:10.77.0.1:22',
        'udp:10.77.0.1:5353',
        'udp:10.77.0.1:5354',
        'tcp:fd77::1:8443',
        'tcp:fd77::1:9000',
      ];
      // Without the firewall everything answers: what is closed below, the firewall closed.
      const before = probe(client, targets);
      for (const target of targets) assert.equal(before[target], 'open', `${target} before the firewall`);

      execFileSync('ip', ['netns', 'exec', device, ...WITHOUT_NETBASE, 'nft', '-f', RULESET]);
      const after = probe(client, targets);
      assert.deepEqual(after, {
        'tcp:10.77.0.1:8443': 'open',
        'tcp:10.77.0.1:8080': 'open',
        'tcp:10.77.0.1:9000': 'silent',
        'tcp:10.77.0.1:22': 'silent',
        'udp:10.77.0.1:5353': 'open',
        'udp:10.77.0.1:5354': 'silent',
        // IPv6 needs neighbour discovery (ICMPv6) through the firewall first.
        'tcp:fd77::1:8443': 'open',
        'tcp:fd77::1:9000': 'silent',
      });

      // Outbound is open, and the answers to it come back in.
      children.push(await listen(client, [9100], [9101]));
      assert.deepEqual(probe(device, ['tcp:10.77.0.2:9100', 'udp:10.77.0.2:9101', 'tcp:fd77::2:9100']), {
        'tcp:10.77.0.2:9100': 'open',
        'udp:10.77.0.2:9101': 'open',
        'tcp:fd77::2:9100': 'open',
      });
    } finally {
      for (const child of children) child.kill('SIGKILL');
      spawnSync('ip', ['netns', 'del', client]);
      spawnSync('ip', ['netns', 'del', device]);
    }
  });
});
