import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { BROKER_MAX_PACKET_BYTES } from '../../../runtime/mqtt/broker/packetLimit';
import { tempDir } from '../../helpers/tempDir';
import { startVigil } from '../../helpers/vigilProcess';
import { printedPassword, runMqttAcl } from '../mqtt/broker/aclKit';

/** An appliance config; `mqtt` replaces the keys of its mqtt block after `enabled`. */
function config(dir: string, mqtt = "url: 'mqtt://broker.lan:1884'"): string {
  const file = join(dir, 'config.yaml');
  writeFileSync(file, `device: { id: front-pi }\nmqtt: { enabled: true, ${mqtt} }\n`);
  return file;
}

const USERS = ['front-pi', 'vigil-central', 'homeassistant'];

describe('vigil mqtt-acl', () => {
  test('writes the three files 0600, keeps only hashes, and prints each password once with where it goes', () => {
    const dir = tempDir();
    const out = join(dir, 'broker');
    const run = runMqttAcl(['--config', config(dir), '--out', out]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
    assert.deepEqual(readdirSync(out).sort(), ['vigil.acl', 'vigil.conf', 'vigil.passwd']);
    for (const name of readdirSync(out)) assert.equal(statSync(join(out, name)).mode & 0o777, 0o600, name);

    const passwords = USERS.map((user) => printedPassword(run.stdout, user));
    const files = readdirSync(out).map((name) => readFileSync(join(out, name), 'utf8'));
    for (const password of passwords) {
      assert.match(password, /^[A-Za-z0-9_-]{32}$/);
      assert.equal(run.stdout.split(password).length - 1, 1, 'printed once');
      for (const text of files) assert.ok(!text.includes(password), 'never in a file');
    }
    assert.match(run.stdout, /mqtt: \{ username: front-pi, password: '[^']+' \}/);
    assert.match(run.stdout, /vigil-central \(central server\): in central\.yaml/);
    assert.match(run.stdout, /homeassistant \(Home Assistant\): Settings > Devices & services > MQTT/);
    assert.match(
      run.stdout,
      /sudo install -o mosquitto -g mosquitto -m 0600 .*vigil\.passwd .*vigil\.acl \/etc\/mosquitto\//,
    );

    const passwd = readFileSync(join(out, 'vigil.passwd'), 'utf8').trim().split('\n');
    assert.deepEqual(
      passwd.map((line) => line.split(':')[0]),
      USERS,
    );
    for (const line of passwd)
      assert.match(line, /^[a-z-]+:\$7\$101\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$/);

    const conf = readFileSync(join(out, 'vigil.conf'), 'utf8');
    for (const line of [
      'per_listener_settings false',
      'listener 1884',
      'allow_anonymous false',
      'password_file /etc/mosquitto/vigil.passwd',
      'acl_file /etc/mosquitto/vigil.acl',
      `max_packet_size ${BROKER_MAX_PACKET_BYTES}`,
    ])
      assert.ok(conf.split('\n').includes(line), `${line} in\n${conf}`);

    const acl = readFileSync(join(out, 'vigil.acl'), 'utf8');
    const rules = acl.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    assert.deepEqual(rules, [
      'user front-pi',
      'topic readwrite vigil/front-pi/#',
      'topic write homeassistant/+/vigil_front-pi/+/config',
      'topic read homeassistant/status',
      'user vigil-central',
      'topic read vigil/+/events',
      'topic write vigil/+/ack',
      'user homeassistant',
      'topic deny vigil/+/events',
      'topic deny vigil/+/ack',
      'topic read vigil/#',
      'topic write vigil/+/+/set',
      'topic write vigil/+/+/+/set',
      'topic read homeassistant/#',
      'topic write homeassistant/status',
    ]);
  });

  test('without --out prints the files where they go, then the logins', () => {
    const dir = tempDir();
    const run = runMqttAcl(['--config', config(dir), '--device', 'front-pi', '--device', 'back-pi']);
    assert.equal(run.code, 0, run.stderr);
    const headers = [...run.stdout.matchAll(/^==> (.+) <==$/gm)].map((m) => m[1]);
    assert.deepEqual(headers, [
      '/etc/mosquitto/conf.d/vigil.conf',
      '/etc/mosquitto/vigil.passwd',
      '/etc/mosquitto/vigil.acl',
    ]);
    assert.match(run.stdout, /^front-pi:\$7\$/m);
    assert.match(run.stdout, /^back-pi:\$7\$/m);
    assert.match(run.stdout, /^user back-pi\n# .*\ntopic readwrite vigil\/back-pi\/#$/m);
    assert.notEqual(printedPassword(run.stdout, 'front-pi'), printedPassword(run.stdout, 'back-pi'));
    assert.deepEqual(readdirSync(dir), ['config.yaml'], 'nothing written');
  });

  test('the rights, listener and paths follow the config', () => {
    const dir = tempDir();
    const run = runMqttAcl([
      '--config',
      config(
        dir,
        "url: 'mqtts://broker.example.net', topic_prefix: cams, homeassistant: false, frigate_compat: true, frigate_prefix: nvr, sync: { batch_size: 2000 }",
      ),
      '--broker-dir',
      '/share/mosquitto',
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^listener 8883$/m);
    assert.match(run.stdout, /^certfile \/share\/mosquitto\/certs\/server\.crt$/m);
    assert.match(run.stdout, /^password_file \/share\/mosquitto\/vigil\.passwd$/m);
    assert.match(
      run.stdout,
      new RegExp(`^max_packet_size ${BROKER_MAX_PACKET_BYTES}$`, 'm'),
      'whatever the batch size',
    );
    assert.match(run.stdout, /^topic readwrite cams\/front-pi\/#$/m);
    assert.doesNotMatch(run.stdout, /vigil_front-pi/, 'no discovery rights with homeassistant: false');
    assert.match(run.stdout, /^topic write nvr\/\+\/\+\/state$/m);
    assert.match(run.stdout, /^topic read nvr\/\+\/detect\/set$/m);
    assert.doesNotMatch(run.stdout, /^topic write nvr\/#$/m, 'appliances never get Frigate commands');
    assert.match(run.stdout, /^topic write nvr\/\+\/\+\/set$/m);
  });

  test('adds an event producer login when mqtt.ingest is on, or for each --producer, refusing names taken', () => {
    const dir = tempDir();
    const secret = 'k'.repeat(40);
    const withIngest = runMqttAcl([
      '--config',
      config(dir, `url: 'mqtt://broker.lan:1884', ingest: { secret: '${secret}' }`),
    ]);
    assert.equal(withIngest.code, 0, withIngest.stderr);
    assert.match(printedPassword(withIngest.stdout, 'vigil-producer'), /^[A-Za-z0-9_-]{32}$/);
    assert.match(
      withIngest.stdout,
      /user vigil-producer\n(#.*\n)?topic write vigil\/front-pi\/events\/ingest\n/,
    );
    assert.ok(!withIngest.stdout.includes(secret), 'the ingest secret is never printed');

    const without = runMqttAcl(['--config', config(dir)]);
    assert.equal(without.code, 0, without.stderr);
    assert.ok(
      !without.stdout.includes('vigil-producer'),
      'no producer login unless ingest is on or one is named',
    );

    const named = runMqttAcl([
      '--config',
      config(dir),
      '--producer',
      'door-sensors',
      '--producer',
      'weather',
    ]);
    assert.equal(named.code, 0, named.stderr);
    for (const name of ['door-sensors', 'weather']) printedPassword(named.stdout, name);

    for (const [name, problem] of [
      ['front-pi', /named twice/],
      ['homeassistant', /Home Assistant's login/],
      ['Bad Name', /not a usable name/],
    ] as const) {
      const refused = runMqttAcl(['--config', config(dir), '--producer', name]);
      assert.equal(refused.code, 2, name);
      assert.match(refused.stderr, /--producer/);
      assert.match(refused.stderr, problem);
      assert.equal(refused.stdout, '');
    }
  });

  test('refuses to write over existing files, and changes nothing', () => {
    const dir = tempDir();
    const out = join(dir, 'broker');
    const file = config(dir);
    assert.equal(runMqttAcl(['--config', file, '--out', out]).code, 0);
    const before = readdirSync(out).map((name) => readFileSync(join(out, name), 'utf8'));
    const again = runMqttAcl(['--config', file, '--out', out]);
    assert.equal(again.code, 2);
    assert.match(
      again.stderr,
      /--out: .*vigil\.conf, .*vigil\.passwd, .*vigil\.acl already exist; nothing was written/,
    );
    assert.equal(again.stdout, '', 'no password printed');
    assert.deepEqual(
      readdirSync(out).map((name) => readFileSync(join(out, name), 'utf8')),
      before,
    );
  });

  test('exits 2 naming the field on bad input, and writes nothing', () => {
    const dir = tempDir();
    const file = config(dir);
    const out = join(dir, 'never');
    const cases: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
      [['--device', 'Front'], {}, /--device: "Front" is not a device id/],
      [
        ['--device', 'vigil-central'],
        {},
        /--device: "vigil-central" is the central server's or Home Assistant's login/,
      ],
      [['--device', 'homeassistant'], {}, /--device: "homeassistant" is the central server's/],
      [['--device', 'a', '--device', 'a'], {}, /--device: "a" is named twice/],
      [['--broker-dir', 'etc/mosquitto'], {}, /--broker-dir: "etc\/mosquitto" must be an absolute path/],
      [
        ['--broker-dir', '/etc/mosquitto\nuser x'],
        {},
        /--broker-dir: "\/etc\/mosquitto\\nuser x" must be an absolute path/,
      ],
      [
        [],
        { VIGIL_MQTT_DISCOVERY_PREFIX: 'ha/#' },
        /mqtt\.discovery_prefix: contains "#", "\+" or a control character/,
      ],
      [
        [],
        { VIGIL_MQTT_DISCOVERY_PREFIX: 'ha\nuser homeassistant\ntopic readwrite #' },
        /mqtt\.discovery_prefix: contains "#", "\+" or a control character/,
      ],
      [[], { VIGIL_MQTT_DISCOVERY_PREFIX: 'ha//x' }, /mqtt\.discovery_prefix: has an empty topic level/],
      [['--bogus'], {}, /Unknown option '--bogus'/],
    ];
    for (const [args, env, message] of cases) {
      const run = runMqttAcl(['--config', file, '--out', out, ...args], env);
      assert.equal(run.code, 2, `${args.join(' ')} ${JSON.stringify(env)}: ${run.stdout}${run.stderr}`);
      assert.match(run.stderr, message);
      assert.equal(run.stdout, '');
      assert.ok(!existsSync(out), 'nothing written');
    }
  });

  test('is a command of the built vigil', async () => {
    const dir = tempDir();
    const vigil = startVigil(['mqtt-acl', '--config', config(dir), '--out', join(dir, 'broker')]);
    const { code } = await vigil.exited;
    assert.equal(code, 0, vigil.stderr());
    assert.ok(existsSync(join(dir, 'broker', 'vigil.passwd')));
    assert.ok(vigil.logs.some((line) => /username: front-pi, password: '/.test(String(line.raw))));
    const help = startVigil(['--help']);
    await help.exited;
    assert.ok(help.logs.some((line) => String(line.raw).startsWith('  mqtt-acl [--config FILE]')));
  });
});
