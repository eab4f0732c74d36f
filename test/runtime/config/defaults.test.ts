import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modelManifest } from '../../../models/registry';
import { loadConfig } from '../../../runtime/config/index';
import { tempConfig, valid } from './helpers';

const DEFAULT_MODEL_THRESHOLD = modelManifest('nanodet').defaults?.threshold;

const DEFAULTS = {
  version: 1,
  device: { id: 'vigil', name: 'Vigil', timezone: 'UTC' },
  data_dir: '/var/lib/vigil',
  log: { level: 'info', modules: {} },
  shutdown: { timeout_seconds: 30, service_stop_seconds: 10 },
  cameras: {},
  detectors: { default: { type: 'onnx', model: 'nanodet', execution_provider: 'cpu' } },
  faces: { enabled: true, recognition_threshold: 0.75, min_face_size: 40, unknown_retain_days: 7 },
  gpio: {},
  alarm: {
    mode: 'disarmed',
    modes: ['disarmed', 'home', 'away'],
    schedules: [],
    unknown_person_outputs: [],
    rules: [],
  },
  mqtt: {
    enabled: false,
    url: 'mqtt://localhost:1883',
    tls: { reject_unauthorized: true },
    topic_prefix: 'vigil',
    homeassistant: true,
    discovery_prefix: 'homeassistant',
    frigate_compat: false,
    frigate_prefix: 'frigate',
    protocol_version: 'auto',
    keepalive_seconds: 30,
    reconnect: { min_seconds: 1, max_seconds: 60 },
    state_interval_seconds: 30,
    commands: {
      enabled: true,
      allow: ['detect', 'motion', 'siren', 'alarm'],
      code_attempts_per_minute: 5,
      replay_window_seconds: 30,
      unsigned: [],
    },
    ingest: { replay_window_seconds: 30, max_bytes: 262_144 },
    sync: { batch_size: 500, ack_timeout_seconds: 5, max_attempts: 5, compression: 'none' },
    qos: 1,
    outbox: { max_rows: 100_000, max_mb: 256, when_full: 'drop_low_severity' },
  },
  central: {
    share_group: 'vigil-central',
    database: 'central.db',
    retention: { days: 90, max_mb_per_device: 1024 },
  },
  http: {
    enabled: true,
    host: '0.0.0.0',
    port: 8080,
    redirect_port: null,
    auth: {
      enabled: true,
      token: null,
      session_hours: 168,
      login_attempts_per_minute: 5,
      failed_logins_per_minute: 20,
      backoff_after_failures: 5,
      max_backoff_seconds: 300,
    },
    stream: { max_clients: 100, client_buffer_kb: 1024, replay_messages: 10_000, replay_kb: 2048 },
    tls: null,
    body_limit_kb: 1024,
  },
  events: {
    dedup: {
      enabled: true,
      default_window_seconds: 5,
      windows_seconds: {
        motion: 10,
        object_detected: 2,
        intrusion: 2,
        suspicious_activity: 2,
        abandoned_object: 10,
        face_known: 30,
        face_unknown: 30,
        face_blacklisted: 10,
        sensor: 2,
        camera_offline: 60,
        camera_online: 60,
        system: 0,
      },
      iou_threshold: 0.85,
      max_tracked: 20000,
    },
    incidents: { idle_seconds: 30, max_seconds: 600 },
    workers: 4,
    enrichment: {
      timeout_ms: 1000,
      retries: 1,
      backoff_ms: 50,
      breaker: { failures: 5, cooldown_seconds: 30 },
      day_start_hour: 7,
      day_end_hour: 19,
      description: { enabled: true, budget_ms: 3000, concurrency: 4, providers: [] },
    },
    webhooks: {},
  },
  storage: { database: 'vigil.db', ring_dir: 'ring', group_commit: { max_batch: 512, max_delay_ms: 2 } },
  retention: {
    schedule: '0 * * * *',
    min_free_mb: 500,
    events_days: 30,
    clips: { days: 14, max_gb: 20 },
    snapshots: { days: 14, max_gb: 5 },
    unknown_faces: { max_mb: 200 },
  },
  system: { clock_sync_file: '/run/systemd/timesync/synchronized' },
};

describe('defaults', () => {
  it('turns {} into the full documented config', () => {
    assert.deepEqual(valid('{}'), DEFAULTS);
  });

  it('treats an empty file, and a file of comments, as {}', () => {
    for (const text of ['', '# nothing here yet\n']) {
      const result = loadConfig({ file: tempConfig(text), env: {} });
      assert.ok(result.ok);
      assert.deepEqual(result.config, DEFAULTS);
    }
  });

  it('reads a mapping or list whose entries are all commented out as its default', () => {
    const config = valid(
      'cameras:\n#  front: { source: { driver: sim } }\ngpio:\nalarm:\n  schedules:\nhttp:\n',
    );
    assert.deepEqual(config.cameras, {});
    assert.deepEqual(config.gpio, {});
    assert.deepEqual(config.alarm.schedules, []);
    assert.deepEqual(config.http, DEFAULTS.http);
  });

  it('fills defaults around the keys that are given, at every depth', () => {
    const config = valid('http: { auth: { token: abcdefgh } }\nmqtt: { outbox: { max_mb: 10 } }\n');
    assert.deepEqual(config.http, { ...DEFAULTS.http, auth: { ...DEFAULTS.http.auth, token: 'abcdefgh' } });
    assert.deepEqual(config.mqtt.outbox, { max_rows: 100_000, max_mb: 10, when_full: 'drop_low_severity' });
  });

  it('fills a camera given only its source, including the source variant and record entries', () => {
    const config = valid(
      'cameras:\n  front:\n    source: { driver: ffmpeg, url: "rtsp://cam/1" }\n' +
        '    objects: { filters: { person: { min_score: 0.4 } } }\n' +
        '    zones: { porch: { coordinates: [[0,0],[1,0],[1,1]] } }\n',
    );
    const front = config.cameras.front;
    assert.ok(front);
    assert.deepEqual(front.source, {
      driver: 'ffmpeg',
      url: 'rtsp://cam/1',
      hwaccel: 'auto',
      input_args: [],
      rtsp_transport: 'tcp',
    });
    assert.deepEqual(front.detect, {
      enabled: true,
      width: 640,
      height: 360,
      fps: 5,
      full_frame_interval: 5,
    });
    assert.deepEqual(front.motion, {
      enabled: true,
      threshold: 30,
      contour_area: 10,
      mask: [],
      cooldown_seconds: 0,
      improve_contrast: false,
    });
    assert.deepEqual(front.objects, {
      track: ['person'],
      // threshold: the default detector's model's calibrated value (models/registry.ts).
      filters: {
        person: { min_score: 0.4, threshold: DEFAULT_MODEL_THRESHOLD, min_area: 0, max_area: 10_000_000 },
      },
      required_zones: [],
    });
    assert.deepEqual(front.zones.porch, {
      coordinates: [
        [0, 0],
        [1, 0],
        [1, 1],
      ],
      objects: [],
      loitering_seconds: 0,
    });
    assert.deepEqual(front.record, {
      enabled: true,
      pre_capture: 10,
      post_capture: 15,
      segment_seconds: 2,
      encoder: 'auto',
    });
    assert.deepEqual(front.snapshots, { enabled: true });
  });

  it('fills each source driver and detector type with its own defaults', () => {
    const config = valid(
      'cameras:\n  a: { source: { driver: file, path: x.mp4 } }\n  b: { source: { driver: libcamera } }\n  c: { source: { driver: sim } }\n' +
        'detectors:\n  o: { type: onnx, model_path: m.onnx }\n  r: { type: remote, url: "http://x:1/detect" }\n' +
        'gpio:\n  siren: { pin: 17 }\n',
    );
    assert.deepEqual(config.cameras.a?.source, { driver: 'file', path: 'x.mp4', loop: true, realtime: true });
    assert.deepEqual(config.cameras.b?.source, {
      driver: 'libcamera',
      binary: 'rpicam-vid',
      camera_index: 0,
    });
    assert.deepEqual(config.cameras.c?.source, { driver: 'sim', scene: 'people', people: 2 });
    assert.deepEqual(config.detectors, {
      o: { type: 'onnx', model_path: 'm.onnx', execution_provider: 'cpu' },
      r: { type: 'remote', url: 'http://x:1/detect', timeout_ms: 2000, retry_seconds: 5 },
    });
    assert.deepEqual(config.gpio.siren, {
      driver: 'sim',
      chip: 'gpiochip0',
      sysfs_root: '/sys/class/gpio',
      pin: 17,
      direction: 'output',
      active_low: false,
      max_on: 120,
      cooldown_seconds: 0,
      debounce_ms: 50,
      pattern: 'steady',
      on_ms: 500,
      off_ms: 500,
      sequence: [],
      silence_seconds: 300,
      sensor: 'motion',
      bias: 'as-is',
    });
  });

  it('does not share default objects between loads', () => {
    const first = valid('{}');
    first.alarm.modes.push('party');
    assert.deepEqual(valid('{}').alarm.modes, ['disarmed', 'home', 'away']);
  });
});

describe('version', () => {
  it('reads a missing version as 1', () => {
    assert.equal(valid('data_dir: /x\n').version, 1);
    assert.equal(valid('version: 1\n').version, 1);
  });

  it('refuses a newer version with one clear issue', () => {
    const result = loadConfig({ text: 'version: 2\nhttp: { port: 99999 }\n', env: {} });
    assert.ok(!result.ok);
    assert.deepEqual(result.errors, [
      {
        path: 'version',
        message: 'written for a newer Vigil (version 2); this build reads version 1',
        line: 1,
      },
    ]);
  });

  it('reports a version that is not a positive integer', () => {
    const result = loadConfig({ text: 'version: 0\n', env: {} });
    assert.ok(!result.ok);
    assert.equal(result.errors[0]?.path, 'version');
    assert.match(result.errors[0]?.message ?? '', /must be an integer that is at least 1 \(got 0\)/);
  });
});
