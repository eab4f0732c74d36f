import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REDACTED, redactSecrets, secretPaths } from '../../../runtime/config/index';
import { valid } from './helpers';

describe('secrets', () => {
  it('lists the secret settings from the schema', () => {
    assert.deepEqual(secretPaths().sort(), [
      'events.enrichment.description.providers[].api_key',
      'events.webhooks.*.headers.*',
      'http.auth.token',
      'mqtt.commands.code',
      'mqtt.commands.secret',
      'mqtt.password',
      'mqtt.tls.key',
    ]);
  });

  it('redacts secrets and URL passwords without touching the original', () => {
    const config = valid(
      'mqtt: { url: "mqtts://bob:brokerpass@broker:8883", username: bob, password: hunter2, tls: { cert: /c.pem, key: /k.pem } }\n' +
        'http: { auth: { token: "0123456789abcdef" } }\n' +
        'cameras:\n  front: { source: { driver: ffmpeg, url: "rtsp://admin:campass@10.0.0.5:554/s1" } }\n',
    );
    const redacted = redactSecrets(config);
    assert.equal(redacted.mqtt.password, REDACTED);
    assert.equal(redacted.mqtt.tls.key, REDACTED);
    assert.equal(redacted.mqtt.tls.cert, '/c.pem');
    assert.equal(redacted.mqtt.username, 'bob');
    assert.equal(redacted.http.auth.token, REDACTED);
    assert.equal(redacted.mqtt.url, `mqtts://bob:${REDACTED}@broker:8883`);
    const source = redacted.cameras.front?.source;
    assert.ok(source?.driver === 'ffmpeg');
    assert.equal(source.url, `rtsp://admin:${REDACTED}@10.0.0.5:554/s1`);
    const dump = JSON.stringify(redacted);
    for (const secret of ['hunter2', 'brokerpass', 'campass', '0123456789abcdef', '/k.pem'])
      assert.ok(!dump.includes(secret), secret);
    // The loaded config itself keeps its secrets; the rest is unchanged.
    assert.equal(config.mqtt.password, 'hunter2');
    assert.deepEqual({ ...redacted, mqtt: config.mqtt, http: config.http, cameras: config.cameras }, config);
  });

  it('leaves unset secrets unset', () => {
    const redacted = redactSecrets(valid('{}'));
    assert.equal(redacted.http.auth.token, null);
    assert.equal(redacted.mqtt.password, undefined);
    assert.ok(!('password' in redacted.mqtt));
  });
});
