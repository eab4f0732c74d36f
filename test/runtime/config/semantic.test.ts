import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { brief, invalid, valid } from './helpers';

describe('semantic checks', () => {
  it('rejects a GPIO pin used twice, and an input on an output pin', () => {
    const issues = invalid(
      'gpio:\n  siren: { driver: gpiod, pin: 17 }\n  relay: { driver: gpiod, pin: 17 }\n' +
        '  pir: { driver: gpiod, pin: 17, direction: input }\n  other_chip: { driver: gpiod, chip: gpiochip4, pin: 17 }\n',
    );
    assert.deepEqual(issues, [
      {
        path: 'gpio.relay.pin',
        message: 'pin 17 on gpiochip0 is already used by gpio.siren — give each device its own pin',
        line: 3,
      },
      {
        path: 'gpio.pir.pin',
        message: 'pin 17 on gpiochip0 is an input here but an output for gpio.siren — a pin cannot be both',
        line: 4,
      },
    ]);
  });

  it('checks output patterns, input cameras, unknown-person outputs and cron fields', () => {
    const issues = invalid(
      'gpio:\n  siren: { pin: 17, pattern: sequence, sequence: [200, 200, 200] }\n' +
        '  horn: { pin: 18, pattern: sequence }\n' +
        '  pir: { pin: 27, direction: input, camera: garden }\n' +
        'alarm:\n  unknown_person_outputs: [siren, pir, lamp]\n  schedules: [{ cron: "61 7 * * *", mode: home }]\n',
    );
    assert.deepEqual(brief(issues), [
      {
        path: 'gpio.siren.sequence',
        message:
          'the sequence pattern needs pairs of milliseconds on and off, e.g. [200, 200, 200, 1000] (got 3 values)',
      },
      {
        path: 'gpio.horn.sequence',
        message:
          'the sequence pattern needs pairs of milliseconds on and off, e.g. [200, 200, 200, 1000] (got 0 values)',
      },
      { path: 'gpio.pir.camera', message: "'garden' is not a camera (no cameras are configured)" },
      {
        path: 'alarm.unknown_person_outputs[1]',
        message:
          "'pir' is not a GPIO output (outputs: siren, horn) — add it under gpio: with direction: output",
      },
      {
        path: 'alarm.unknown_person_outputs[2]',
        message:
          "'lamp' is not a GPIO output (outputs: siren, horn) — add it under gpio: with direction: output",
      },
      {
        path: 'alarm.schedules[0].cron',
        message: "the minute field '61' is not valid for cron (in '61 7 * * *')",
      },
    ]);
  });

  it('requires alarm.mode and scheduled modes to be declared, and schedules to be cron', () => {
    const issues = invalid(
      'alarm:\n  mode: vacaton\n  modes: [disarmed, away, vacation]\n  schedules:\n' +
        '    - { cron: "0 7 * * *", mode: disarmed }\n    - { cron: "0 23 * *", mode: hom }\n',
    );
    assert.deepEqual(brief(issues), [
      {
        path: 'alarm.mode',
        message: "'vacaton' is not one of alarm.modes (disarmed, away, vacation) — did you mean 'vacation'?",
      },
      {
        path: 'alarm.schedules[1].mode',
        message: "'hom' is not one of alarm.modes (disarmed, away, vacation)",
      },
      {
        path: 'alarm.schedules[1].cron',
        message:
          "must have 5 cron fields (minute hour day-of-month month day-of-week), or 6 with seconds first (in '0 23 * *')",
      },
    ]);
    assert.equal(issues[1]?.line, 6);
  });

  it('requires mqtt.siren_output to be a GPIO output and reconnect waits to be in order', () => {
    const issues = invalid(
      'gpio:\n  pir: { pin: 27, direction: input }\n  relay: { pin: 22 }\n' +
        'mqtt: { siren_output: pir, reconnect: { min_seconds: 10, max_seconds: 5 } }\n',
    );
    assert.deepEqual(
      issues.map((i) => [i.path, i.message]),
      [
        ['mqtt.reconnect.max_seconds', 'must be at least min_seconds (10)'],
        ['mqtt.siren_output', "'pir' is not a GPIO output (outputs: relay)"],
      ],
    );
    assert.equal(
      valid('gpio: { horn: { pin: 17 } }\nmqtt: { siren_output: horn }\n').mqtt.siren_output,
      'horn',
    );
  });

  it('accepts 6-field cron and macros', () => {
    valid(
      'alarm:\n  schedules: [{ cron: "*/30 0 7 * * 1-5", mode: home }, { cron: "@daily", mode: away }]\nretention: { schedule: "@hourly" }\n',
    );
  });

  it('rejects an unknown time zone', () => {
    assert.deepEqual(brief(invalid('device: { timezone: Mars/Olympus_Mons }\n')), [
      {
        path: 'device.timezone',
        message: "unknown time zone 'Mars/Olympus_Mons' — use an IANA name such as 'Europe/Berlin' or 'UTC'",
      },
    ]);
    assert.equal(valid('device: { timezone: Europe/Berlin }\n').device.timezone, 'Europe/Berlin');
  });

  it('rejects zone points outside 0..1, flat polygons and untracked zone labels', () => {
    const issues = invalid(
      'cameras:\n  front:\n    source: { driver: sim }\n    zones:\n' +
        '      porch: { coordinates: [[0, 0], [1.5, 0], [1, -0.1]] }\n' +
        '      line: { coordinates: [[0, 0], [0.5, 0.5], [1, 1]], objects: [person, car] }\n',
    );
    assert.deepEqual(brief(issues), [
      {
        path: 'cameras.front.zones.porch.coordinates[1][0]',
        message: 'must be a number between 0 and 1 (got 1.5)',
      },
      {
        path: 'cameras.front.zones.porch.coordinates[2][1]',
        message: 'must be a number between 0 and 1 (got -0.1)',
      },
    ]);
    // Semantic checks of an area wait until its schema errors are fixed; then they speak up.
    const fixed = invalid(
      'cameras:\n  front:\n    source: { driver: sim }\n    zones:\n' +
        '      line: { coordinates: [[0, 0], [0.5, 0.5], [1, 1]], objects: [person, car] }\n',
    );
    assert.deepEqual(brief(fixed), [
      {
        path: 'cameras.front.zones.line.coordinates',
        message: 'the points enclose no area — give at least 3 points that are not on one line',
      },
      {
        path: 'cameras.front.zones.line.objects[1]',
        message: "'car' is not in objects.track (person) — add it there or the zone never sees it",
      },
    ]);
  });

  it('names a required zone the camera does not have', () => {
    const issues = invalid(
      'cameras:\n  front:\n    source: { driver: sim }\n    objects: { required_zones: [porch, gate] }\n    zones:\n' +
        '      porch: { coordinates: [[0, 0], [1, 0], [1, 1]] }\n',
    );
    assert.deepEqual(brief(issues), [
      {
        path: 'cameras.front.objects.required_zones[1]',
        message: "no zone 'gate' on this camera (zones: porch) — define it under zones or remove it here",
      },
    ]);
  });

  it('checks source details per driver', () => {
    const issues = invalid(
      'cameras:\n  a: { source: { driver: ffmpeg, url: camera.local } }\n  b: { source: { driver: libcamera, width: 1280 } }\n' +
        '  c: { source: { driver: ffmpeg, url: /dev/video0 } }\n',
    );
    assert.deepEqual(brief(issues), [
      {
        path: 'cameras.a.source.url',
        message:
          "must be a stream URL such as rtsp://user:pass@192.168.1.20:554/stream1, or a device path (got 'camera.local')",
      },
      {
        path: 'cameras.b.source',
        message: 'set both width and height, or neither (the camera then picks its mode)',
      },
    ]);
  });

  it('checks the broker URL, TLS pairs and remote detector URLs', () => {
    const issues = invalid(
      'mqtt: { url: "broker:1883", tls: { cert: /c.pem } }\ndetectors: { gpu: { type: remote, url: "gpu-box:8000" } }\n',
    );
    assert.deepEqual(
      brief(issues).map((issue) => issue.path),
      ['mqtt.url', 'mqtt.tls', 'detectors.gpu.url'],
    );
  });

  it('allows the plain-HTTP redirect only beside HTTPS, on a port of its own', () => {
    assert.deepEqual(brief(invalid('http: { port: 8443, redirect_port: 8080 }\n')), [
      {
        path: 'http.redirect_port',
        message:
          'redirects plain HTTP to HTTPS, so it needs http.tls: { cert, key } — set http.tls, or set redirect_port to null',
      },
    ]);
    const tls = 'tls: { cert: /etc/vigil/tls/cert.pem, key: /etc/vigil/tls/key.pem }';
    assert.deepEqual(brief(invalid(`http: { port: 8443, redirect_port: 8443, ${tls} }\n`)), [
      {
        path: 'http.redirect_port',
        message: 'must differ from http.port (8443), where HTTPS is served — e.g. 8080 beside 8443',
      },
    ]);
    const config = valid(`http: { port: 8443, redirect_port: 8080, ${tls} }\n`);
    assert.equal(config.http.redirect_port, 8080);
    assert.equal(valid('http: { port: 8443 }\n').http.redirect_port, null, 'off by default');
  });

  it('lets a camera pick its detector by name, and names the field and the detectors when it is unknown', () => {
    const detectors = 'detectors:\n  default: { type: wasm }\n  fast: { type: wasm, instances: 2 }\n';
    const issues = invalid(
      `${detectors}cameras:\n  front: { source: { driver: sim }, detector: fsat }\n  back: { source: { driver: sim }, detector: coral }\n`,
    );
    assert.deepEqual(brief(issues), [
      {
        path: 'cameras.front.detector',
        message:
          "no detector 'fsat' (detectors: default, fast) — did you mean 'fast'? Or define it under detectors",
      },
      {
        path: 'cameras.back.detector',
        message:
          "no detector 'coral' (detectors: default, fast) — define it under detectors or name one of those",
      },
    ]);
    const config = valid(`${detectors}cameras:\n  front: { source: { driver: sim }, detector: fast }\n`);
    assert.equal(config.cameras.front?.detector, 'fast');
    assert.equal(config.detectors.fast?.instances, 2);
  });

  it('bounds detectors.<name>.instances and names the field', () => {
    assert.deepEqual(brief(invalid('detectors:\n  default: { type: wasm, instances: 0 }\n')), [
      { path: 'detectors.default.instances', message: 'must be an integer between 1 and 16 (got 0)' },
    ]);
    assert.deepEqual(
      brief(
        invalid('detectors:\n  default: { type: remote, url: "http://x:1/detect", instances: 2.5 }\n'),
      ).map((issue) => issue.path),
      ['detectors.default.instances'],
    );
  });

  it('still reports semantic problems in areas that are valid when other areas are not', () => {
    const issues = invalid('http: { port: 0 }\nalarm: { mode: nope }\n');
    assert.deepEqual(
      brief(issues).map((issue) => issue.path),
      ['http.port', 'alarm.mode'],
    );
  });
});
