import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

const ROOT = join(import.meta.dirname, '..', '..');
/** Screenshots of every browser test run land here (git-ignored), and also in $VIGIL_SCREENSHOTS when set. */
export const SCREENSHOT_DIR = join(ROOT, 'artifacts', 'screenshots');

/** Debian's Chromium, headless, with nothing that reaches beyond this machine (Playwright gives it a fresh profile). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Saves a screenshot as artifacts/screenshots/NAME (and $VIGIL_SCREENSHOTS/NAME); returns the paths. */
export async function saveScreenshot(page: Page, name: string, fullPage = true): Promise<string[]> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, name);
  await page.screenshot({ path, fullPage });
  const paths = [path];
  const extra = process.env.VIGIL_SCREENSHOTS;
  if (extra) {
    mkdirSync(extra, { recursive: true });
    copyFileSync(path, join(extra, name));
    paths.push(join(extra, name));
  }
  return paths;
}

/** One console error, uncaught exception or CSP violation seen on a page. */
export interface PageProblem {
  kind: 'console' | 'pageerror' | 'csp';
  text: string;
  /** The resource the message is about (a failed request's URL), when the browser says. */
  url: string;
}

/**
 * Collects what would show up red in the browser's console: console errors (failed requests
 * included), uncaught exceptions, and Content-Security-Policy violations (reported through the
 * page's `securitypolicyviolation` event as well as the console) into `problems` (several pages
 * may share one list). Call before the first goto.
 */
export async function watchPage(
  page: Page,
  problems: PageProblem[] = [],
): Promise<{ problems: PageProblem[] }> {
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    problems.push({
      kind: text.startsWith('CSP violation') ? 'csp' : 'console',
      text,
      url: message.location().url ?? '',
    });
  });
  page.on('pageerror', (err) => problems.push({ kind: 'pageerror', text: err.message, url: '' }));
  // As a string: this file is type-checked without the DOM library.
  await page.addInitScript(`
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error('CSP violation: ' + event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline') +
        ' (' + event.sourceFile + ':' + event.lineNumber + ')');
    });
  `);
  return { problems };
}

/** A failed-request console line's HTTP status, or null for any other message. */
export function failedStatus(problem: PageProblem): number | null {
  const match = /Failed to load resource: the server responded with a status of (\d{3})/.exec(problem.text);
  return match ? Number(match[1]) : null;
}
