import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigSchema, DEMO_CONFIG_YAML, loadConfig } from '../../../runtime/config/index';
import { valid } from './helpers';

const OVERLAY = fileURLToPath(new URL('../../../overlay/etc/vigil/config.yaml', import.meta.url));

// The design doc's config block (shared/design.md), with its two placeholders made
// concrete: the elided RTSP URL and the elided rule list.
const DESIGN_EXAMPLE = `
device: { id: porch-pi, name: Porch }
data_dir: /var/lib/vigil
cameras:
  front:
    source: { driver: ffmpeg, url: rtsp://192.168.1.20:554/stream1 }
    detect: { width: 640, height: 360, fps: 5 }
    motion: { threshold: 30, contour_area: 10, mask: [] }
    objects: { track: [person, car], filters: { person: { min_score: 0.5 } } }
    zones: { porch: { coordinates: [[0,0],[1,0],[1,1]], objects: [person] } }
    record: { pre_capture: 10, post_capture: 15 }
detectors: { default: { type: wasm } }
faces: { recognition_threshold: 0.6 }
gpio: { siren: { driver: sysfs, pin: 17, active_low: false, max_on: 120 } }
alarm: { mode: away, rules: [ { name: siren on blacklisted face, when: { all: [ { field: type, op: eq, value: face_blacklisted } ] }, then: { severity: critical, route: [gpio:siren] } } ] }
mqtt: { url: mqtt://broker:1883, topic_prefix: vigil, homeassistant: true, frigate_compat: false }
http: { port: 8080, auth: { enabled: true, token: null } }
`;

// The design's other source examples from the comment next to `source`.
const DESIGN_SOURCES = [
  '{ driver: file, path: x.mp4, loop: true }',
  '{ driver: libcamera }',
  '{ driver: sim }',
];

describe('bundled configs', () => {
  it('the embedded demo config validates with the demo settings', () => {
    const config = valid(DEMO_CONFIG_YAML);
    assert.equal(config.device.id, 'demo');
    assert.equal(config.device.name, 'Vigil demo');
    assert.equal(config.data_dir, './data');
    assert.deepEqual(Object.keys(config.cameras), ['demo']);
    assert.equal(config.cameras.demo?.source.driver, 'sim');
    assert.equal(config.http.port, 8080);
    assert.equal(config.mqtt.enabled, false);
    assert.equal(config.gpio.siren?.driver, 'sim');
    assert.equal(config.gpio.siren?.pin, 17);
    assert.equal(config.gpio.siren?.direction, 'output');
    assert.equal(config.alarm.mode, 'away');
  });

  it('the appliance default config validates, sets every area and matches the defaults', () => {
    const text = readFileSync(OVERLAY, 'utf8');
    const config = valid(text);
    assert.equal(config.data_dir, '/var/lib/vigil');
    assert.equal(config.mqtt.enabled, false);
    assert.deepEqual(config.cameras, {});
    // Every top-level setting is shown in the installed file, so users find them all there.
    const shown = text
      .split('\n')
      .filter((line) => /^[a-z_]+:/.test(line))
      .map((line) => line.split(':')[0]);
    assert.deepEqual(shown.sort(), Object.keys(ConfigSchema.properties).sort());
    // It spells out the defaults rather than changing them, but for HTTPS: the image serves it on
    // 8443 with the certificate its first boot makes, and plain HTTP on 8080 only redirects.
    const defaults = valid('{}');
    assert.deepEqual(config, {
      ...defaults,
      http: {
        ...defaults.http,
        port: 8443,
        tls: { cert: '/etc/vigil/tls/cert.pem', key: '/etc/vigil/tls/key.pem' },
        redirect_port: 8080,
      },
    });
  });

  it("the appliance config's commented examples validate once uncommented", () => {
    const text = readFileSync(OVERLAY, 'utf8')
      .replace(/^cameras: \{\}$/m, 'cameras:')
      .replace(/^gpio: \{\}$/m, 'gpio:')
      .replace(/^ {2}rules: \[\]$/m, '  rules:')
      .replace(/^#(?= {2})/gm, '');
    const config = valid(text);
    assert.deepEqual(Object.keys(config.cameras), ['front', 'picam', 'recorded', 'simulated']);
    assert.deepEqual(
      Object.values(config.cameras).map((camera) => camera.source.driver),
      ['ffmpeg', 'libcamera', 'file', 'sim'],
    );
    assert.deepEqual(Object.keys(config.detectors), ['default', 'gpu', 'custom']);
    assert.equal(config.gpio.siren?.driver, 'gpiod');
    assert.equal(config.gpio.siren?.pin, 17);
    assert.equal(config.gpio.siren?.pattern, 'steady');
    assert.equal(config.gpio.door?.direction, 'input');
    assert.equal(config.gpio.door?.sensor, 'door');
    assert.equal(config.gpio.door?.camera, 'front');
    assert.deepEqual(
      config.alarm.rules.map((rule) => rule.name),
      ['car-at-night', 'ignore-animals'],
    );
  });

  it("the design doc's example config validates", () => {
    const config = valid(DESIGN_EXAMPLE);
    assert.equal(config.gpio.siren?.max_on, 120);
    assert.deepEqual(config.cameras.front?.zones.porch?.objects, ['person']);
    for (const source of DESIGN_SOURCES) {
      const result = loadConfig({ text: `cameras: { front: { source: ${source} } }\n`, env: {} });
      assert.ok(result.ok, source);
    }
  });
});
