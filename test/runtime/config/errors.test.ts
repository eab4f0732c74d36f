import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatIssues, loadConfig } from '../../../runtime/config/index';
import { brief, invalid, tempConfig } from './helpers';

const THREE_MISTAKES = `device: { id: porch-pi }
cameras:
  front:
    source:
      driver: ffmpeg
    detcet:
      width: 640
    detect:
      fps: 90
`;

describe('reporting every mistake', () => {
  it('reports three mistakes as exactly three issues with paths, messages and lines', () => {
    const file = tempConfig(THREE_MISTAKES);
    const result = loadConfig({ file, env: {} });
    assert.ok(!result.ok);
    assert.deepEqual(result.errors, [
      { path: 'cameras.front.source', message: "missing required key 'url'", line: 4 },
      { path: 'cameras.front.detcet', message: "unknown key 'detcet' — did you mean 'detect'?", line: 6 },
      { path: 'cameras.front.detect.fps', message: 'must be an integer between 1 and 30 (got 90)', line: 9 },
    ]);
    assert.deepEqual(formatIssues(result.errors), [
      "cameras.front.source: missing required key 'url' (line 4)",
      "cameras.front.detcet: unknown key 'detcet' — did you mean 'detect'? (line 6)",
      'cameras.front.detect.fps: must be an integer between 1 and 30 (got 90) (line 9)',
    ]);
    assert.equal(
      formatIssues(result.errors, file)[2],
      `cameras.front.detect.fps: must be an integer between 1 and 30 (got 90) (${file}:9)`,
    );
  });

  it('suggests the nearest key for typos at every depth', () => {
    const issues = invalid(
      'camras: {}\nmqtt: { topic_prefx: x, tls: { reject_unathorized: false } }\n' +
        'cameras:\n  a:\n    source: { driver: file, path: x.mp4, lopo: true }\n    motion: { treshold: 20 }\n' +
        '    objects: { filters: { person: { min-score: 0.3 } } }\n',
    );
    assert.deepEqual(brief(issues), [
      { path: 'camras', message: "unknown key 'camras' — did you mean 'cameras'?" },
      { path: 'mqtt.topic_prefx', message: "unknown key 'topic_prefx' — did you mean 'topic_prefix'?" },
      {
        path: 'mqtt.tls.reject_unathorized',
        message: "unknown key 'reject_unathorized' — did you mean 'reject_unauthorized'?",
      },
      { path: 'cameras.a.source.lopo', message: "unknown key 'lopo' — did you mean 'loop'?" },
      { path: 'cameras.a.motion.treshold', message: "unknown key 'treshold' — did you mean 'threshold'?" },
      {
        path: 'cameras.a.objects.filters.person.min-score',
        message: "unknown key 'min-score' — did you mean 'min_score'?",
      },
    ]);
  });

  it('lists the valid keys when nothing is close', () => {
    const [issue, ...rest] = invalid('http: { banana: 1 }\n');
    assert.equal(rest.length, 0);
    assert.deepEqual(issue, {
      path: 'http.banana',
      message:
        "unknown key 'banana' — valid keys: enabled, host, port, redirect_port, auth, stream, tls, body_limit_kb",
      line: 1,
    });
  });

  it('reports an unknown driver by listing the valid ones, without union noise', () => {
    const issues = invalid('cameras:\n  front:\n    source: { driver: rtspx, url: "rtsp://x" }\n');
    assert.deepEqual(brief(issues), [
      {
        path: 'cameras.front.source.driver',
        message: "unknown driver 'rtspx' — valid: ffmpeg, file, libcamera, sim",
      },
    ]);
  });

  it('reports the chosen variant only, and suggests a near-miss discriminator', () => {
    const issues = invalid(
      'cameras:\n  a: { source: { driver: file, path: "", loop: maybe } }\n  b: { source: { driver: ffmpg } }\n  c: { source: { url: x } }\n' +
        'detectors:\n  default: { type: onnx, execution_provider: gpu }\n  gpu: { type: cuda }\n',
    );
    assert.deepEqual(brief(issues), [
      { path: 'cameras.a.source.path', message: "must be a non-empty string (got '')" },
      { path: 'cameras.a.source.loop', message: "must be true or false (got 'maybe')" },
      {
        path: 'cameras.b.source.driver',
        message: "unknown driver 'ffmpg' — did you mean 'ffmpeg'? — valid: ffmpeg, file, libcamera, sim",
      },
      {
        path: 'cameras.c.source',
        message: "missing required key 'driver' (one of ffmpeg, file, libcamera, sim)",
      },
      {
        path: 'detectors.default.execution_provider',
        message: "must be one of cpu, cuda, tensorrt (got 'gpu') — did you mean 'cpu'?",
      },
      {
        path: 'detectors.gpu.type',
        message: "unknown type 'cuda' — valid: wasm, cpu, tfjs-node, onnx, remote",
      },
    ]);
  });

  it('explains wrong types, enums and names in words', () => {
    const issues = invalid(
      'http: 8080\nlog: { level: ifno }\nmqtt: { qos: 3 }\ndevice: { id: Porch Pi }\ncameras:\n  Front Door: { source: { driver: sim } }\n' +
        '  ok: { source: { driver: sim }, objects: { track: person }, zones: { z: { coordinates: [[0,0],[1,0]] } } }\n',
    );
    assert.deepEqual(brief(issues), [
      { path: 'http', message: 'must be a mapping of keys to values (got 8080)' },
      {
        path: 'log.level',
        message: "must be one of trace, debug, info, warn, error, fatal (got 'ifno') — did you mean 'info'?",
      },
      { path: 'mqtt.qos', message: 'must be one of 0, 1, 2 (got 3)' },
      {
        path: 'device.id',
        message: `must be lowercase letters, digits, "_" and "-" (starting with a letter or digit, at most 63) (got 'Porch Pi')`,
      },
      {
        path: 'cameras.Front Door',
        message: `invalid name 'Front Door' — use lowercase letters, digits, "_" and "-"`,
      },
      { path: 'cameras.ok.objects.track', message: "must be a list (got 'person')" },
      { path: 'cameras.ok.zones.z.coordinates', message: 'must have at least 3 item(s) (got 2)' },
    ]);
  });

  it('rejects a document that is not a mapping', () => {
    assert.deepEqual(brief(invalid('- a\n- b\n')), [
      { path: '(root)', message: 'must be a mapping of settings (got a list of 2)' },
    ]);
  });

  it('attaches the line of the nearest existing key to issues about missing keys', () => {
    const issues = invalid('\n\ngpio:\n  siren:\n    driver: sysfs\n');
    assert.deepEqual(issues, [{ path: 'gpio.siren', message: "missing required key 'pin'", line: 4 }]);
  });
});

describe('YAML problems', () => {
  it('reports a syntax error at file:line:col', () => {
    const file = tempConfig('http:\n  port: 8080\n  host: [unclosed\ndevice: {}\n');
    const result = loadConfig({ file, env: {} });
    assert.ok(!result.ok);
    const [issue] = result.errors;
    assert.ok(issue);
    assert.match(issue.path, new RegExp(`^${file.replaceAll('/', '\\/')}:\\d+:\\d+$`));
    assert.match(issue.message, /^YAML syntax error: /);
    assert.ok(issue.line !== undefined && issue.line >= 3);
    const [line] = formatIssues(result.errors, file);
    assert.equal(line, `${issue.path}: ${issue.message}`);
  });

  it('reports a duplicate key with its location', () => {
    const result = loadConfig({ text: 'http:\n  port: 8080\n  port: 9090\n', name: 'demo.yaml', env: {} });
    assert.ok(!result.ok);
    assert.deepEqual(result.errors, [
      {
        path: 'demo.yaml:3:3',
        message: "duplicate key 'port' — a key may appear only once in a mapping",
        line: 3,
        column: 3,
      },
    ]);
  });

  it('reports a missing file naming it', () => {
    const result = loadConfig({ file: '/nonexistent/vigil.yaml', env: {} });
    assert.ok(!result.ok);
    assert.deepEqual(result.errors, [
      {
        path: '/nonexistent/vigil.yaml',
        message: 'cannot read the config file (ENOENT: no such file or directory)',
      },
    ]);
  });
});
