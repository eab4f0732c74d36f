import { formatPath, type PathIssue } from '../../base/pathIssue';

/** Rules that cannot be compiled; `issues` holds every problem, each at its config path. */
export class RulesConfigError extends Error {
  readonly issues: readonly PathIssue[];

  constructor(issues: readonly PathIssue[]) {
    const lines = issues.map((issue) => `  ${formatPath(issue.path)}: ${issue.message}`);
    super(
      `alarm rules are invalid — fix them in the config (vigil check-config lists them):\n${lines.join('\n')}`,
    );
    this.name = 'RulesConfigError';
    this.issues = issues;
  }
}
