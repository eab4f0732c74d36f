import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { launchChromium } from '../../helpers/browser';
import { freePort } from '../../helpers/freePort';
import { tempDir } from '../../helpers/tempDir';
import { startVigil } from '../../helpers/vigilProcess';

describe('status page in a real browser', () => {
  test('the demo appliance shows its device and every service running; data lands in ./data', async () => {
    const cwd = tempDir();
    const port = await freePort();
    // No --config: the embedded demo defaults, with the port moved by an env override.
    const vigil = startVigil(['run'], { VIGIL_HTTP_PORT: String(port) }, cwd);
    await vigil.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('vigil is running'));
    assert.ok(existsSync(join(cwd, 'data', 'vigil.db')), 'the demo did not write ./data/vigil.db');

    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
      const consoleErrors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.locator('#overall[data-state="ok"]').waitFor({ timeout: 10_000 });
      assert.equal(await page.locator('#device').textContent(), 'Vigil demo');
      for (const service of ['store', 'bus', 'events', 'web']) {
        const state = page.locator(`tr[data-service="${service}"] [data-state]`);
        assert.equal(await state.textContent(), 'running', `service ${service}`);
      }
      if (process.env.VIGIL_SCREENSHOTS)
        await page.screenshot({ path: join(process.env.VIGIL_SCREENSHOTS, 'status-phone.png') });

      // The page tells the user when the appliance goes away.
      vigil.child.kill('SIGTERM');
      await vigil.exited;
      await page.locator('#problem:not([hidden])').waitFor({ timeout: 10_000 });
      assert.match((await page.locator('#problem').textContent()) ?? '', /Cannot reach the appliance/);
      assert.deepEqual(
        consoleErrors.filter((e) => !/Failed to load resource|ERR_CONNECTION_REFUSED/.test(e)),
        [],
      );
    } finally {
      await browser.close();
    }
  });
});
