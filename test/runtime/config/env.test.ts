import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatIssues, loadConfig } from '../../../runtime/config/index';
import { brief, invalid, tempConfig, valid } from './helpers';

const CAMERAS = `cameras:
  front:
    source: { driver: ffmpeg, url: "rtsp://cam/1" }
  front_door:
    source: { driver: sim }
`;

describe('VIGIL_ env overrides', () => {
  it('coerces values to the type of their setting', () => {
    const config = valid('', {
      env: {
        VIGIL_HTTP_PORT: '9090',
        VIGIL_MQTT_ENABLED: 'true',
        VIGIL_HTTP_AUTH_ENABLED: '0',
        VIGIL_FACES_RECOGNITION_THRESHOLD: '0.75',
        VIGIL_MQTT_QOS: '2',
        VIGIL_ALARM_MODES: '["off","on"]',
        VIGIL_ALARM_MODE: 'on',
        VIGIL_HTTP_AUTH_TOKEN: 'abc',
      },
    });
    assert.equal(config.http.port, 9090);
    assert.equal(config.mqtt.enabled, true);
    assert.equal(config.http.auth.enabled, false);
    assert.equal(config.faces.recognition_threshold, 0.75);
    assert.equal(config.mqtt.qos, 2);
    assert.deepEqual(config.alarm.modes, ['off', 'on']);
    assert.equal(config.alarm.mode, 'on');
    assert.equal(config.http.auth.token, 'abc');
  });

  it('resolves underscores inside key names by walking the schema', () => {
    const config = valid('', {
      env: {
        VIGIL_MQTT_TOPIC_PREFIX: 'site1',
        VIGIL_DATA_DIR: '/srv/vigil',
        VIGIL_HTTP_BODY_LIMIT_KB: '64',
        VIGIL_MQTT_TLS_REJECT_UNAUTHORIZED: 'false',
        VIGIL_STORAGE_GROUP_COMMIT_MAX_DELAY_MS: '5',
        VIGIL_SHUTDOWN_TIMEOUT_SECONDS: '12',
      },
    });
    assert.equal(config.mqtt.topic_prefix, 'site1');
    assert.equal(config.data_dir, '/srv/vigil');
    assert.equal(config.http.body_limit_kb, 64);
    assert.equal(config.mqtt.tls.reject_unauthorized, false);
    assert.equal(config.storage.group_commit.max_delay_ms, 5);
    assert.equal(config.shutdown.timeout_seconds, 12);
  });

  it('matches record entries by the keys in the document, longest first', () => {
    const config = valid(CAMERAS, {
      env: {
        VIGIL_CAMERAS_FRONT_DETECT_FPS: '10',
        VIGIL_CAMERAS_FRONT_DOOR_DETECT_FPS: '3',
        VIGIL_CAMERAS_FRONT_SOURCE_URL: 'rtsp://cam/2',
        VIGIL_CAMERAS_FRONT_OBJECTS_TRACK: 'person,car',
        VIGIL_DETECTORS_DEFAULT_MODEL: 'nanodet',
        VIGIL_LOG_MODULES_STORE: 'debug',
      },
    });
    assert.equal(config.cameras.front?.detect.fps, 10);
    assert.equal(config.cameras.front_door?.detect.fps, 3);
    assert.deepEqual(config.cameras.front?.source, {
      driver: 'ffmpeg',
      url: 'rtsp://cam/2',
      hwaccel: 'auto',
      input_args: [],
      rtsp_transport: 'tcp',
    });
    assert.deepEqual(config.cameras.front?.objects.track, ['person', 'car']);
    assert.deepEqual(config.log.modules, { store: 'debug' });
  });

  it('wins over the file', () => {
    const file = tempConfig(
      'http: { port: 8081 }\ncameras:\n  front: { source: { driver: sim }, detect: { fps: 4 } }\n',
    );
    const result = loadConfig({
      file,
      env: { VIGIL_HTTP_PORT: '9091', VIGIL_CAMERAS_FRONT_DETECT_FPS: '6' },
    });
    assert.ok(result.ok);
    assert.equal(result.config.http.port, 9091);
    assert.equal(result.config.cameras.front?.detect.fps, 6);
  });

  it('takes whole objects as JSON, with narrower variables winning', () => {
    const config = valid('', {
      env: { VIGIL_HTTP: '{"port": 1234, "host": "127.0.0.1"}', VIGIL_HTTP_PORT: '4321' },
    });
    assert.equal(config.http.host, '127.0.0.1');
    assert.equal(config.http.port, 4321);
  });

  it('reports a bad value naming the variable and the path, without a file line', () => {
    const issues = invalid('http:\n  port: 8080\n', {
      env: {
        VIGIL_HTTP_PORT: 'eighty',
        VIGIL_MQTT_ENABLED: 'yes please',
        VIGIL_CAMERAS: '{not json',
        VIGIL_MQTT_QOS: '7',
      },
    });
    assert.deepEqual(brief(issues), [
      { path: 'cameras', message: issues[0]?.message ?? '' },
      { path: 'http.port', message: "must be an integer between 1 and 65535 (got 'eighty')" },
      { path: 'mqtt.enabled', message: "must be true or false (got 'yes please')" },
      { path: 'mqtt.qos', message: 'must be one of 0, 1, 2 (got 7)' },
    ]);
    assert.deepEqual(
      issues.map((issue) => [issue.from, issue.line]),
      [
        ['VIGIL_CAMERAS', undefined],
        ['VIGIL_HTTP_PORT', undefined],
        ['VIGIL_MQTT_ENABLED', undefined],
        ['VIGIL_MQTT_QOS', undefined],
      ],
    );
    assert.match(issues[0]?.message ?? '', /^must be a mapping of keys to values written as JSON \(.+\)$/);
    assert.equal(
      formatIssues(issues)[1],
      "http.port (from VIGIL_HTTP_PORT): must be an integer between 1 and 65535 (got 'eighty')",
    );
  });

  it('attributes errors below an env-set object to that variable', () => {
    const issues = invalid(CAMERAS, { env: { VIGIL_CAMERAS_FRONT_SOURCE: '{"driver":"ffmpeg"}' } });
    assert.deepEqual(issues, [
      {
        path: 'cameras.front.source',
        message: "missing required key 'url'",
        from: 'VIGIL_CAMERAS_FRONT_SOURCE',
      },
    ]);
  });

  it('reports VIGIL_ variables that match no setting, suggesting a close one', () => {
    const issues = invalid(CAMERAS, {
      env: {
        VIGIL_HTTP_PROT: '1',
        VIGIL_FOO: 'x',
        VIGIL_CAMERAS_BACK_DETECT_FPS: '5',
        VIGIL_CONFIG: '/etc/vigil/config.yaml',
        OTHER: '1',
      },
    });
    assert.deepEqual(brief(issues), [
      { path: 'VIGIL_HTTP_PROT', message: 'matches no config setting — did you mean VIGIL_HTTP_PORT?' },
      { path: 'VIGIL_FOO', message: 'matches no config setting' },
      { path: 'VIGIL_CAMERAS_BACK_DETECT_FPS', message: 'matches no config setting' },
    ]);
    assert.deepEqual(formatIssues(issues).slice(1, 2), ['VIGIL_FOO: matches no config setting']);
  });

  it('applies explicit overrides last', () => {
    const config = valid('http: { port: 1 }\n', {
      env: { VIGIL_HTTP_PORT: '2' },
      overrides: { 'http.port': 3, data_dir: './data' },
    });
    assert.equal(config.http.port, 3);
    assert.equal(config.data_dir, './data');
  });
});
