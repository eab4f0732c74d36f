import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REDACTED, redactSecrets, secretPaths } from '../../../runtime/config/index';
import { valid } from './helpers';

describe('secrets', () => {
  it('lists the secret settings from the schema', () => {
    assert.deepEqual(secretPaths().sort(), [
      'detectors.*.api_key',
      'events.enrichment.description.providers[].api_key',
      'events.webhooks.*.headers.*',
      'http.auth.token',
      'mqtt.commands.code',
      'mqtt.commands.secret',
      'mqtt.ingest.secret',
      'mqtt.password',
      'mqtt.tls.key',
    ]);
  });

  it('redacts secrets and URL passwords without touching the original', () => {
    const config = valid(
      'mqtt: { url: "mqtts://bob:brokerpass@broker:8883", username: bob, password: hunter2, tls: { cert: /c.pem, key: /k.pem } }\n' +
        'http: { auth: { token: "0123456789abcdef" } }\n' +
        'cameras:\n  front: { source: { driver: ffmpeg, url: "rtsp://admin:campass@10.0.0.5:554/s1" } }\n' +
        '  back: { source: { driver: ffmpeg, url: "rtsp://admin:p@ss/word@10.0.0.6/s1?user=admin&pwd=hunter3" } }\n' +
        '  side: { source: { driver: file, path: "http://viewer:se%40cret@10.0.0.7/clip.mp4" } }\n' +
        'events:\n  webhooks:\n    hook: { url: "https://hooks.example/in?token=hooktoken&x=1" }\n',
    );
    const redacted = redactSecrets(config);
    assert.equal(redacted.mqtt.password, REDACTED);
    assert.equal(redacted.mqtt.tls.key, REDACTED);
    assert.equal(redacted.mqtt.tls.cert, '/c.pem');
    assert.equal(redacted.mqtt.username, 'bob');
    assert.equal(redacted.http.auth.token, REDACTED);
    assert.equal(redacted.mqtt.url, 'mqtts://***@broker:8883');
    const source = redacted.cameras.front?.source;
    assert.ok(source?.driver === 'ffmpeg');
    assert.equal(source.url, 'rtsp://***@10.0.0.5:554/s1');
    const back = redacted.cameras.back?.source;
    assert.ok(back?.driver === 'ffmpeg');
    assert.equal(back.url, 'rtsp://***@10.0.0.6/s1?user=***&pwd=***');
    const side = redacted.cameras.side?.source;
    assert.ok(side?.driver === 'file');
    assert.equal(side.path, 'http://***@10.0.0.7/clip.mp4');
    assert.equal(redacted.events.webhooks.hook?.url, 'https://hooks.example/in?token=***&x=1');
    const dump = JSON.stringify(redacted);
    for (const secret of [
      'hunter2',
      'hunter3',
      'brokerpass',
      'campass',
      'p@ss/word',
      'se%40cret',
      'hooktoken',
      '0123456789abcdef',
      '/k.pem',
    ])
      assert.ok(!dump.includes(secret), secret);
    // The loaded config itself keeps its secrets; the rest is unchanged.
    assert.equal(config.mqtt.password, 'hunter2');
    assert.deepEqual(
      { ...redacted, mqtt: config.mqtt, http: config.http, cameras: config.cameras, events: config.events },
      config,
    );
  });

  it('leaves unset secrets unset', () => {
    const redacted = redactSecrets(valid('{}'));
    assert.equal(redacted.http.auth.token, null);
    assert.equal(redacted.mqtt.password, undefined);
    assert.ok(!('password' in redacted.mqtt));
  });
});
