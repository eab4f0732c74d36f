import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from '../../helpers/tempDir';

const REDOCLY = join(import.meta.dirname, '..', '..', '..', 'node_modules', '.bin', 'redocly');

/** One problem Redocly reports: its rule and where (a JSON pointer into the document). */
export interface LintProblem {
  rule: string;
  severity: 'error' | 'warn';
  pointer: string;
  message: string;
}

interface RedoclyReport {
  problems: Array<{
    ruleId: string;
    severity: 'error' | 'warn';
    message: string;
    location: Array<{ pointer: string }>;
  }>;
}

/**
 * Lints an OpenAPI document with Redocly CLI under its recommended ruleset, the judge client
 * generators and API portals use; the document is written to a file of its own first.
 */
export async function lintOpenApi(document: unknown): Promise<LintProblem[]> {
  const file = join(tempDir('vigil-openapi-'), 'openapi.json');
  writeFileSync(file, JSON.stringify(document));
  const args = ['lint', '--extends', 'recommended', '--format', 'json', '--max-problems', '1000', file];
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
  // Exit code 1 means "problems found": the report on stdout says which.
  const stdout = await promisify(execFile)(REDOCLY, args, { env, maxBuffer: 16 * 1024 * 1024 }).then(
    (done) => done.stdout,
    (failed: { stdout?: string; stderr?: string }) => {
      if (!failed.stdout) throw new Error(`redocly failed: ${failed.stderr ?? failed}`);
      return failed.stdout;
    },
  );
  const report = JSON.parse(stdout) as RedoclyReport;
  return report.problems.map((p) => ({
    rule: p.ruleId,
    severity: p.severity,
    pointer: p.location[0]?.pointer ?? '',
    message: p.message,
  }));
}

/**
 * Every `METHOD /path` fastify routes (HEAD aside, which it adds to each GET), read from
 * `printRoutes({ commonPrefix: false })`: a tree whose lines are indented four characters a
 * level, each naming its path below its parent's and its methods in parentheses.
 */
export function fastifyRoutes(printed: string): string[] {
  const routes: string[] = [];
  const parents: string[] = [];
  for (const line of printed.split('\n')) {
    const match = /^((?:[│ ] {3})*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    const path = (parents[depth - 1] ?? '') + (match[2] ?? '');
    parents[depth] = path;
    parents.length = depth + 1;
    for (const method of (match[3] ?? '').split(', ').filter(Boolean)) {
      if (method !== 'HEAD') routes.push(`${method} ${path}`);
    }
  }
  return routes;
}
