import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { makePersonVideo } from '../../fixtures/personVideo';
import { freePort } from '../../helpers/freePort';
import { tempDir } from '../../helpers/tempDir';
import { startVigil } from '../../helpers/vigilProcess';

const AUTH = { authorization: 'Bearer metr1cs' };

/** promtool's lint of an exposition: its exit code and whatever it printed (nothing when clean). */
function promtoolCheck(exposition: string): { status: number | null; output: string } {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}

/** `# TYPE name kind` lines: every metric family and its kind. */
function families(exposition: string): Array<{ name: string; kind: string }> {
  return [...exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => ({
    name: m[1] ?? '',
    kind: m[2] ?? '',
  }));
}

describe('GET /metrics under promtool', () => {
  test('promtool still objects to a name in milliseconds (the check below can fail)', () => {
    const bad = promtoolCheck('# HELP x_ms a latency\n# TYPE x_ms gauge\nx_ms 12\n');
    assert.notEqual(bad.status, 0);
    assert.match(bad.output, /abbreviated units/);
  });

  test('a running appliance with a camera and events flowing passes promtool check metrics, without a warning', async () => {
    const dir = tempDir();
    const video = await makePersonVideo(dir);
    const port = await freePort();
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      [
        'device: { id: metrics-test, name: Metrics test }',
        `data_dir: ${join(dir, 'data')}`,
        `http: { host: 127.0.0.1, port: ${port}, auth: { token: ${AUTH.authorization.slice(7)} } }`,
        'cameras:',
        '  yard:',
        `    source: { driver: file, path: ${video.file}, loop: true, realtime: true }`,
        '    detect: { width: 640, height: 360, fps: 5 }',
        'detectors: { default: { type: wasm } }',
        '',
      ].join('\n'),
    );
    const vigil = startVigil(['run', '--config', config]);
    try {
      await vigil.waitForLog(
        (l) => typeof l.msg === 'string' && l.msg.startsWith('vigil is running'),
        60_000,
      );
      const base = `http://127.0.0.1:${port}`;
      // Events handed in over HTTP, and the camera's own once the detector has seen the person.
      for (const type of ['intrusion', 'sensor', 'intrusion']) {
        const response = await fetch(`${base}/api/v1/events`, {
          method: 'POST',
          headers: { ...AUTH, 'content-type': 'application/json' },
          body: JSON.stringify({ type, camera: 'yard', label: 'person' }),
        });
        assert.ok(response.status === 201 || response.status === 200, `ingest answered ${response.status}`);
      }
      let exposition = '';
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        exposition = await (await fetch(`${base}/metrics`, { headers: AUTH })).text();
        if (/^vigil_detector_inference_seconds\{detector="default"\} /m.test(exposition)) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }

      const checked = promtoolCheck(exposition);
      assert.equal(checked.output, '', 'promtool printed no warning');
      assert.equal(checked.status, 0);

      const all = families(exposition);
      assert.ok(all.length > 40, `the exposition lists its metrics (${all.length})`);
      for (const { name, kind } of all) {
        assert.match(name, /^vigil_/, `${name}: one namespace`);
        assert.equal(
          name.endsWith('_total'),
          kind === 'counter',
          `${name} (${kind}): _total on counters only`,
        );
        assert.doesNotMatch(name, /_(ms|kb|mb)(_|$)/, `${name}: base units`);
      }
      assert.ok(
        all.some((f) => f.name === 'vigil_events_processed_total'),
        'events flowed through the metrics',
      );
      const inference = /^vigil_detector_inference_seconds\{detector="default"\} (\S+)$/m.exec(exposition);
      const seconds = Number(inference?.[1]);
      assert.ok(seconds > 0 && seconds < 10, `one inference takes ${seconds} s: seconds, not ms`);
    } finally {
      vigil.child.kill('SIGTERM');
      await vigil.exited;
    }
  });
});
