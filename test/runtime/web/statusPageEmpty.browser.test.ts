import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  failedStatus,
  launchChromium,
  type PageProblem,
  saveScreenshot,
  watchPage,
} from '../../helpers/browser';
import { freePort } from '../../helpers/freePort';
import { tempDir } from '../../helpers/tempDir';
import { startVigil, type VigilProcess } from '../../helpers/vigilProcess';

const TOKEN = 'browser-test-token-0123456789';

/**
 * The status page of an appliance with nothing configured yet (no camera, no GPIO, no MQTT):
 * every panel says what is missing and what to do. Logged in with the API token (a script or
 * kiosk that sends `Authorization: Bearer`), and the login form's rate-limit message.
 */
describe('status page of an appliance with no camera', () => {
  const dir = tempDir();
  let vigil: VigilProcess;
  let base = '';
  let browser: Browser;
  const problems: PageProblem[] = [];

  before(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      [
        'version: 1',
        'device: { id: bare, name: Bare appliance }',
        `data_dir: ${join(dir, 'data')}`,
        'cameras: {}',
        'mqtt: { enabled: false }',
        `http: { host: 127.0.0.1, port: ${port}, auth: { token: ${TOKEN}, login_attempts_per_minute: 2 } }`,
        '',
      ].join('\n'),
    );
    vigil = startVigil(['run', '--config', config], {}, dir);
    await vigil.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('vigil is running'), 60_000);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    if (vigil && vigil.child.exitCode === null && vigil.child.signalCode === null) {
      vigil.child.kill('SIGTERM');
      await vigil.exited;
    }
  });

  async function open(options: { token?: string; width?: number } = {}): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: options.width ?? 1280, height: 900 },
      ...(options.token ? { extraHTTPHeaders: { authorization: `Bearer ${options.token}` } } : {}),
    });
    const page = await context.newPage();
    await watchPage(page, problems);
    await page.goto(`${base}/`);
    return page;
  }

  test('with no camera the page says to add one in /etc/vigil/config.yaml; the other panels say what is missing', async () => {
    const page = await open({ token: TOKEN, width: 390 });
    await page.locator('#panels:not([hidden])').waitFor({ timeout: 10_000 });
    const cameras = page.locator('#cameras-panel .empty');
    await cameras.waitFor();
    assert.match(
      (await cameras.textContent()) ?? '',
      /^No camera configured — add one in \/etc\/vigil\/config\.yaml/,
    );
    await page.locator('#gpio-panel .empty').waitFor();
    assert.match((await page.locator('#gpio-panel').textContent()) ?? '', /No GPIO configured/);
    assert.match((await page.locator('#faces-panel').textContent()) ?? '', /Nobody enrolled yet/);
    await page.locator('#sync-panel .empty').waitFor();
    assert.match((await page.locator('#sync-panel').textContent()) ?? '', /MQTT sync is off/);
    // Logged in by token: nothing to log out of.
    assert.equal(await page.locator('#logout').count(), 0);
    assert.equal(await page.locator('#device').textContent(), 'Bare appliance');
    await saveScreenshot(page, 'status-empty-phone.png');
    await page.context().close();
  });

  test('too many login attempts: the form says how long to wait', async () => {
    const page = await open();
    await page.locator('#login:not([hidden]) #password').waitFor({ timeout: 10_000 });
    for (let attempt = 1; attempt <= 2; attempt++) {
      await page.fill('#password', `wrong-${attempt}`);
      await page.click('#login-submit');
      await page.locator('#login-error:not([hidden])', { hasText: 'wrong password' }).waitFor();
      await page.locator('#login-submit:enabled').waitFor();
      await page.evaluate('document.getElementById("login-error").hidden = true');
    }
    await page.fill('#password', 'wrong-3');
    await page.click('#login-submit');
    const error = page.locator('#login-error', { hasText: /too many attempts, wait \d+ s/i });
    await error.waitFor();
    assert.ok(
      await page.locator('#login-submit').isDisabled(),
      'the button stays enabled while rate-limited',
    );
    await page.context().close();
  });

  test('no console errors, uncaught exceptions or CSP violations', () => {
    const unexpected = problems.filter((problem) => {
      const status = failedStatus(problem);
      if (status === 401 && /\/api\/v1\/auth\/(session|login)$/.test(problem.url)) return false;
      if (status === 429 && problem.url.endsWith('/api/v1/auth/login')) return false;
      return true;
    });
    assert.deepEqual(unexpected, []);
  });
});
