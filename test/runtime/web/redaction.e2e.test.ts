import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../helpers/freePort';
import { tempDir } from '../../helpers/tempDir';
import { startVigil } from '../../helpers/vigilProcess';

/** What an attacker on the network must never read, in any form. */
const SECRETS = ['hunter2', 'p@ss/word', 'p%40ss%2Fword', 'hooktoken', 'user=admin', 'admin:p'];
const TOKEN = 't0ken-t0ken-t0ken';

function assertNoSecret(text: string, where: string): void {
  for (const secret of SECRETS) assert.ok(!text.includes(secret), `${where} shows '${secret}': ${text}`);
}

describe('secrets in URLs, in every output of a running appliance', () => {
  test('health (logged in and out), config, errors, stats and the log never show them', async () => {
    const dir = tempDir();
    const port = await freePort();
    const closedPort = await freePort();
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      [
        'device: { id: redact-pi, name: Redact Pi }',
        `data_dir: ${join(dir, 'data')}`,
        // debug: ffmpeg's stderr lines are logged at debug.
        'log: { level: info, modules: { pipeline: debug } }',
        `http: { host: 127.0.0.1, port: ${port}, auth: { token: ${TOKEN} } }`,
        `mqtt: { enabled: true, url: "mqtt://vigil:hunter2@127.0.0.1:${closedPort}" }`,
        'events:',
        '  webhooks:',
        '    hook: { url: "https://hooks.example/in?token=hooktoken" }',
        'cameras:',
        // ffmpeg fails (nothing listens) and repeats the URL, credentials included, on stderr.
        '  gate:',
        `    source: { driver: ffmpeg, hwaccel: none, url: "rtsp://admin:p%40ss%2Fword@127.0.0.1:${closedPort}/live?user=admin&pwd=hunter2" }`,
        '    detect: { enabled: false }',
        // A file camera whose "path" is a URL with a password holding / and @.
        '  door:',
        '    source: { driver: file, path: "rtsp://admin:p@ss/word@cam/live?pwd=hunter2" }',
        '    detect: { enabled: false }',
      ].join('\n'),
    );
    const vigil = startVigil(['run', '--config', config]);
    const base = `http://127.0.0.1:${port}`;
    const bearer = { authorization: `Bearer ${TOKEN}` };
    try {
      await vigil.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('vigil is running'));
      // Both cameras offline with their reason, and ffmpeg's complaint logged.
      let stats: { cameras: Record<string, { offline_reason: string | null }> } = { cameras: {} };
      for (let i = 0; i < 100; i++) {
        stats = (await (await fetch(`${base}/api/v1/stats`, { headers: bearer })).json()) as typeof stats;
        if (
          /Connection refused/.test(stats.cameras.gate?.offline_reason ?? '') &&
          /file not found/.test(stats.cameras.door?.offline_reason ?? '')
        )
          break;
        await sleep(100);
      }
      assert.match(
        stats.cameras.gate?.offline_reason ?? '',
        /rtsp:\/\/\*\*\*@127\.0\.0\.1:\d+\/live\?user=\*\*\*&pwd=\*\*\*/,
      );
      assert.match(
        stats.cameras.door?.offline_reason ?? '',
        /file not found: rtsp:\/\/\*\*\*@cam\/live\?pwd=\*\*\*/,
      );
      assertNoSecret(JSON.stringify(stats), '/api/v1/stats');
      await vigil.waitForLog((l) => /Connection refused/.test(String(l.msg)) && l.stage === 'ffmpeg');

      const open = await fetch(`${base}/api/v1/health`);
      const openText = await open.text();
      assertNoSecret(openText, 'open health');
      const openBody = JSON.parse(openText) as Record<string, unknown> & {
        services: Array<Record<string, unknown>>;
      };
      assert.deepEqual(Object.keys(openBody).sort(), ['device', 'services', 'status', 'version']);
      assert.ok(openBody.services.length > 5);
      for (const service of openBody.services) {
        assert.deepEqual(Object.keys(service).sort(), ['name', 'state']);
        assert.match(String(service.state), /^(up|down)$/);
      }
      assert.doesNotMatch(openText, /"mode"|disarmed|board|127\.0\.0\.1/);

      const full = await (await fetch(`${base}/api/v1/health`, { headers: bearer })).text();
      assertNoSecret(full, 'health with a login');
      assert.match(full, /"mode":"disarmed"/, 'logged in, health tells everything');
      assert.match(full, /offline: ffmpeg exited[^"]*rtsp:\/\/\*\*\*@127\.0\.0\.1/);
      assert.match(full, /"url":"mqtt:\/\/\*\*\*@127\.0\.0\.1:\d+"/);

      const served = await (await fetch(`${base}/api/v1/config`, { headers: bearer })).text();
      assertNoSecret(served, '/api/v1/config');
      assert.match(served, /"url":"rtsp:\/\/\*\*\*@127\.0\.0\.1:\d+\/live\?user=\*\*\*&pwd=\*\*\*"/);
      assert.match(served, /"url":"https:\/\/hooks\.example\/in\?token=\*\*\*"/);
      assert.match(served, /"token":"\[redacted\]"/);

      const errors = await (await fetch(`${base}/api/v1/errors`, { headers: bearer })).text();
      assertNoSecret(errors, '/api/v1/errors');
      assert.match(errors, /camera offline/);
    } finally {
      vigil.child.kill('SIGTERM');
      await vigil.exited;
    }
    const lines = vigil.logs.map((line) => JSON.stringify(line));
    assert.ok(
      lines.some((line) => /Connection refused/.test(line) && line.includes('rtsp://***@127.0.0.1')),
      "ffmpeg's stderr, with the URL it quoted, is in the log",
    );
    assert.ok(lines.some((line) => line.includes('file not found: rtsp://***@cam/live?pwd=***')));
    for (const line of lines) assertNoSecret(line, 'the log');
    assertNoSecret(vigil.stderr(), 'stderr');
  });
});
