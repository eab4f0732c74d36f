/**
 * `npm run audit:web`: Lighthouse (from npm, its Node API) in Debian's Chromium, mobile emulation
 * (Lighthouse's default: a mid-range phone, simulated slow 4G and 4× CPU slowdown), against the
 * built appliance (`dist/vigil.mjs`, run here on its embedded demo in a temporary directory) —
 * the status page logged out (the login screen) and logged in (the panels, with the session
 * cookie the generated admin password opened). Prints accessibility / best practices /
 * performance, cumulative layout shift and total blocking time, and what failed.
 *
 * `npm run audit:web -- --url http://host:8080 --password …` audits a running appliance instead.
 * `--runs N` audits each page N times and prints the median (performance varies from run to run).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import lighthouse, { type Flags } from 'lighthouse';
import { freePort } from '../test/helpers/freePort';
import { startVigil } from '../test/helpers/vigilProcess';

/** What the audit reports for one page. */
export interface AuditFigures {
  /** Category scores, 0–100. */
  accessibility: number | null;
  bestPractices: number | null;
  performance: number | null;
  /** Cumulative layout shift. */
  cls: number | null;
  /** Total blocking time, ms. */
  tbtMs: number | null;
  /** Audits of the categories asked for that did not pass (score < 1), with Lighthouse's title. */
  failed: string[];
}

type Category = 'accessibility' | 'best-practices' | 'performance';

/** Marks a failure entry that is an audit Lighthouse could not run. */
const NOT_RUN = 'not run: ';

/** A headless Chromium Lighthouse can drive, on a DevTools port of its own. */
export interface AuditBrowser {
  port: number;
  close(): Promise<void>;
}

/** Starts Debian's Chromium (or $CHROMIUM_PATH) headless with a DevTools port for Lighthouse. */
export async function startAuditBrowser(): Promise<AuditBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'vigil-lighthouse-'));
  const child = spawn(
    process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--no-default-browser-check',
      '--remote-debugging-port=0',
      `--user-data-dir=${profile}`,
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const port = await devToolsPort(child);
  return {
    port,
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The port Chromium prints as "DevTools listening on ws://127.0.0.1:PORT/…". */
function devToolsPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let said = '';
    const timer = setTimeout(
      () => fail(new Error(`Chromium gave no DevTools port in 30 s:\n${said}`)),
      30_000,
    );
    const lines = createInterface({ input: child.stderr as NodeJS.ReadableStream });
    const fail = (err: Error) => {
      clearTimeout(timer);
      lines.close();
      if (child.exitCode === null) child.kill('SIGKILL');
      reject(err);
    };
    lines.on('line', (line) => {
      said += `${line}\n`;
      const match = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(line);
      if (!match) return;
      clearTimeout(timer);
      lines.close();
      child.stderr?.resume();
      resolve(Number(match[1]));
    });
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`Chromium exited (${code}) before it listened:\n${said}`)));
  });
}

/**
 * One Lighthouse run of `url` in the browser on `port`, mobile emulation, with `headers` on every
 * request the page makes (the session cookie: Lighthouse clears the browser's own storage first).
 */
export async function auditPage(
  url: string,
  port: number,
  options: { headers?: Record<string, string>; categories?: Category[] } = {},
): Promise<AuditFigures> {
  const categories = options.categories ?? ['accessibility', 'best-practices', 'performance'];
  const flags: Flags = {
    port,
    output: 'json',
    logLevel: 'error',
    onlyCategories: categories,
    ...(options.headers ? { extraHeaders: options.headers } : {}),
  };
  const result = await lighthouse(url, flags);
  if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
  const { lhr } = result;
  if (lhr.runtimeError) throw new Error(`Lighthouse could not audit ${url}: ${lhr.runtimeError.message}`);
  const score = (id: Category) => {
    const value = lhr.categories[id]?.score;
    return typeof value === 'number' ? Math.round(value * 100) : null;
  };
  const failed = categories.flatMap((id) =>
    (lhr.categories[id]?.auditRefs ?? []).flatMap((ref) => {
      const audit = lhr.audits[ref.id];
      if (!audit || ['informative', 'manual', 'notApplicable'].includes(audit.scoreDisplayMode)) return [];
      if (audit.scoreDisplayMode === 'error') return [`${NOT_RUN}${audit.id}`];
      if (audit.score === null || audit.score >= 1) return [];
      return [`${id}: ${audit.id} (${audit.displayValue || audit.title})${itemsText(audit.details)}`];
    }),
  );
  return {
    accessibility: score('accessibility'),
    bestPractices: score('best-practices'),
    performance: score('performance'),
    cls: lhr.audits['cumulative-layout-shift']?.numericValue ?? null,
    tbtMs: lhr.audits['total-blocking-time']?.numericValue ?? null,
    failed,
  };
}

/** The first few elements or messages an audit names (what to fix), on one line. */
function itemsText(details: unknown): string {
  const items = (details as { items?: Array<Record<string, unknown>> } | undefined)?.items;
  if (!Array.isArray(items) || items.length === 0) return '';
  const named = items.slice(0, 4).map((item) => {
    const node = item.node as { selector?: string; snippet?: string } | undefined;
    const text = node?.selector ?? item.description ?? item.url ?? '';
    return String(text).slice(0, 120);
  });
  return `: ${named.join(' | ')}${items.length > 4 ? ` (+${items.length - 4})` : ''}`;
}

/** Logs in with the admin password; the `name=value` of the session cookie. */
export async function sessionCookie(base: string, password: string): Promise<string> {
  const response = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ password }),
  });
  if (response.status !== 200) throw new Error(`login answered ${response.status}: ${await response.text()}`);
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('vigil_session='));
  if (!cookie) throw new Error('the login set no vigil_session cookie');
  return cookie.split(';', 1)[0] ?? '';
}

/** The median of each figure over several runs; the failures of the first run. */
function median(runs: AuditFigures[]): AuditFigures {
  const mid = (pick: (f: AuditFigures) => number | null) => {
    const values = runs
      .map(pick)
      .filter((v): v is number => v !== null)
      .sort((a, b) => a - b);
    return values.length === 0 ? null : (values[Math.floor((values.length - 1) / 2)] ?? null);
  };
  return {
    accessibility: mid((f) => f.accessibility),
    bestPractices: mid((f) => f.bestPractices),
    performance: mid((f) => f.performance),
    cls: mid((f) => f.cls),
    tbtMs: mid((f) => f.tbtMs),
    // Each audit once (the first run's words), not once per run.
    failed: [
      ...new Map(runs.flatMap((f) => f.failed).map((failure) => [failure.split(' (')[0], failure])).values(),
    ],
  };
}

function line(name: string, f: AuditFigures): string {
  return `${name.padEnd(11)} ${String(f.accessibility).padStart(13)} ${String(f.bestPractices).padStart(14)} ${String(f.performance).padStart(11)} ${(f.cls ?? Number.NaN).toFixed(3).padStart(6)} ${`${Math.round(f.tbtMs ?? Number.NaN)} ms`.padStart(8)}`;
}

/** The report goes to stdout (the linter keeps console.log out of the shipped code). */
function say(text: string): void {
  process.stdout.write(`${text}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      password: { type: 'string' },
      runs: { type: 'string', default: '1' },
    },
  });
  const runs = Math.max(1, Number(values.runs) || 1);
  let base = values.url?.replace(/\/$/, '');
  let password = values.password ?? process.env.VIGIL_PASSWORD;
  let stop = async () => {};
  if (!base) {
    const cwd = mkdtempSync(join(tmpdir(), 'vigil-audit-'));
    const port = await freePort();
    const vigil = startVigil(['run'], { VIGIL_HTTP_PORT: String(port) }, cwd);
    stop = async () => {
      if (vigil.child.exitCode === null && vigil.child.signalCode === null) {
        vigil.child.kill('SIGTERM');
        await vigil.exited;
      }
      rmSync(cwd, { recursive: true, force: true });
    };
    const generated = await vigil.waitForLog(
      (l) => typeof l.msg === 'string' && l.msg.startsWith('admin password generated'),
    );
    password = String(generated.password ?? '');
    await vigil.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('vigil is running'), 60_000);
    base = `http://127.0.0.1:${port}`;
    // Let the demo camera see someone, so the logged-in page has events and incidents to show.
    await new Promise((resolve) => setTimeout(resolve, 15_000));
  }
  if (!password) throw new Error('no admin password: pass --password or set VIGIL_PASSWORD');
  const browser = await startAuditBrowser();
  try {
    const cookie = await sessionCookie(base, password);
    const pages: Array<[string, Record<string, string> | undefined]> = [
      ['logged out', undefined],
      ['logged in', { Cookie: cookie }],
    ];
    const results: Array<[string, AuditFigures]> = [];
    for (const [name, headers] of pages) {
      const figures: AuditFigures[] = [];
      for (let i = 0; i < runs; i++) figures.push(await auditPage(`${base}/`, browser.port, { headers }));
      results.push([name, median(figures)]);
    }
    say(
      `Lighthouse 12.2.3, mobile emulation, ${base}/ (${runs === 1 ? 'one run' : `median of ${runs} runs`})`,
    );
    say('page        accessibility best-practices performance    CLS      TBT');
    for (const [name, f] of results) say(line(name, f));
    for (const [name, f] of results) {
      for (const failure of f.failed) if (!failure.startsWith(NOT_RUN)) say(`  ${name}: ${failure}`);
      const notRun = f.failed.filter((failure) => failure.startsWith(NOT_RUN));
      if (notRun.length > 0)
        say(
          `  ${name}: ${notRun.length} audits could not run in this Chromium (not scored): ${notRun.map((n) => n.slice(NOT_RUN.length)).join(', ')}`,
        );
    }
    say(`load average: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
  } finally {
    await browser.close();
    await stop();
  }
}

// Run as a script (the CI test imports the functions above without running the audit).
if (process.argv[1]?.endsWith('auditWeb.ts')) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
