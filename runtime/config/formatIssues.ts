import type { ConfigIssue } from './issue';

/**
 * One line per issue, each starting `path: message` so scripts can split on the first
 * `: `. A value from an env variable names it (`http.port (from VIGIL_HTTP_PORT): …`);
 * a line number is appended when known, as `(file:12)` when the file is given, else
 * `(line 12)`.
 */
export function formatIssues(issues: readonly ConfigIssue[], file?: string): string[] {
  return issues.map((issue) => {
    const from = issue.from === undefined ? '' : ` (from ${issue.from})`;
    // Syntax errors carry their location in the path already.
    let where = '';
    if (issue.line !== undefined && issue.column === undefined) {
      where = file === undefined ? ` (line ${issue.line})` : ` (${file}:${issue.line})`;
    }
    return `${issue.path}${from}: ${issue.message}${where}`;
  });
}
