import { closest } from '../../base/closest';
import type { PathIssue, PathSegment } from '../../base/pathIssue';
import { conditionIssues } from './conditionIssues';
import { DEFAULT_RULE_NAMES } from './defaultRules';
import { type RouteTargets, routeIssue } from './routeNames';
import { findCycles } from './ruleOrder';
import type { AlarmRuleConfig } from './ruleSchema';

/** What rules are checked against. */
export interface RuleCheckOptions extends RouteTargets {
  /** alarm.modes. */
  modes: readonly string[];
  /** Path of the rule list in the config; default `alarm.rules`. */
  base?: readonly PathSegment[];
}

const GROUPS = ['all', 'any', 'none'] as const;

type Report = (path: PathSegment[], message: string) => void;

function afterIssues(rules: readonly AlarmRuleConfig[], index: number, report: Report): void {
  const rule = rules[index];
  const known = [...new Set([...rules.map((other) => other.name), ...DEFAULT_RULE_NAMES])];
  for (const [position, name] of (rule?.after ?? []).entries()) {
    if (name === rule?.name)
      report(['after', position], 'a rule cannot come after itself — remove this entry');
    else if (!known.includes(name)) {
      const suggestion = closest(name, known);
      const hint = suggestion === undefined ? `rules: ${known.join(', ')}` : `did you mean '${suggestion}'?`;
      report(['after', position], `'after' names unknown rule '${name}' — ${hint}`);
    }
  }
}

function oneRuleIssues(
  rules: readonly AlarmRuleConfig[],
  index: number,
  options: RuleCheckOptions,
  report: Report,
) {
  const rule = rules[index] as AlarmRuleConfig;
  const first = rules.findIndex((other) => other.name === rule.name);
  if (first !== index) {
    report(['name'], `the name is already used by alarm.rules[${first}] — rule names must be unique`);
  }
  afterIssues(rules, index, report);
  for (const [position, mode] of (rule.modes ?? []).entries()) {
    if (options.modes.includes(mode)) continue;
    const suggestion = closest(mode, options.modes);
    const hint = suggestion === undefined ? '' : ` — did you mean '${suggestion}'?`;
    report(['modes', position], `'${mode}' is not one of alarm.modes (${options.modes.join(', ')})${hint}`);
  }
  for (const group of GROUPS) {
    for (const [position, condition] of (rule.when[group] ?? []).entries()) {
      for (const issue of conditionIssues(condition, options.modes)) {
        report(['when', group, position, ...issue.path], issue.message);
      }
    }
  }
  for (const [position, route] of (rule.then.route ?? []).entries()) {
    const message = routeIssue(route, options);
    if (message !== undefined) report(['then', 'route', position], message);
  }
  if (rule.then.severity !== undefined && rule.then.force_severity !== undefined) {
    report(['then'], 'set severity (raise to at least) or force_severity (set exactly), not both');
  }
}

/**
 * Every problem with the rules beyond their schema: bad conditions, duplicate names,
 * `after` naming an unknown rule or forming a cycle, unknown modes, routes to channels
 * that do not exist. Each issue's path points into the rule and its message starts with
 * the rule's name: `alarm.rules[2].when.all[0].value: rule 'siren': invalid regex …`.
 */
export function ruleIssues(rules: readonly AlarmRuleConfig[], options: RuleCheckOptions): PathIssue[] {
  const base = options.base ?? ['alarm', 'rules'];
  const issues: PathIssue[] = [];
  for (const [index, rule] of rules.entries()) {
    const report: Report = (path, message) =>
      issues.push({ path: [...base, index, ...path], message: `rule '${rule.name}': ${message}` });
    oneRuleIssues(rules, index, options, report);
  }
  for (const cycle of findCycles(rules)) {
    // Start at the earliest declared rule so the message does not depend on where the search began.
    const first = cycle.indexOf(Math.min(...cycle));
    const rotated = [...cycle.slice(first), ...cycle.slice(0, first)];
    const names = [...rotated, rotated[0] ?? 0].map((index) => `'${rules[index]?.name}'`);
    const start = rotated[0] ?? 0;
    issues.push({
      path: [...base, start, 'after'],
      message: `rule '${rules[start]?.name}': 'after' forms a cycle: ${names.join(' after ')} — remove one of these 'after' entries`,
    });
  }
  return issues;
}
