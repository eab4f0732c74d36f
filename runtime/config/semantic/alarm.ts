import { closest } from '../../../base/closest';
import type { PathIssue, PathSegment } from '../../../base/pathIssue';
import { type GpioConfig, gpioLines } from '../../../hal/gpio/gpioSchema';
import { type RouteTargets, ruleIssues } from '../../rules/index';
import type { AlarmConfig } from '../schema/index';
import { cronProblem } from './cron';

function modeIssue(path: PathSegment[], mode: string, modes: readonly string[]): PathIssue[] {
  if (modes.includes(mode)) return [];
  const suggestion = closest(mode, modes);
  const hint = suggestion === undefined ? '' : ` — did you mean '${suggestion}'?`;
  return [{ path, message: `'${mode}' is not one of alarm.modes (${modes.join(', ')})${hint}` }];
}

/** What rules may route to, from the gpio section and the configured webhook names. */
export function routeTargets(gpio: GpioConfig, webhooks?: Readonly<Record<string, unknown>>): RouteTargets {
  const gpioOutputs = gpioLines(gpio, 'output').map(([name]) => name);
  return webhooks === undefined ? { gpioOutputs } : { gpioOutputs, webhooks: Object.keys(webhooks) };
}

/**
 * The start mode and every scheduled mode must be declared in `alarm.modes`; schedules
 * need valid cron; rules must be sound (see `ruleIssues`). Routes to `gpio:`/`webhook:`
 * channels are checked only against the `targets` given (see {@link routeTargets}).
 */
export function alarmIssues(alarm: AlarmConfig, targets: RouteTargets = {}): PathIssue[] {
  const issues: PathIssue[] = [];
  const seen = new Set<string>();
  for (const [index, mode] of alarm.modes.entries()) {
    if (seen.has(mode))
      issues.push({ path: ['alarm', 'modes', index], message: `'${mode}' is listed twice` });
    seen.add(mode);
  }
  issues.push(...modeIssue(['alarm', 'mode'], alarm.mode, alarm.modes));
  for (const [index, schedule] of alarm.schedules.entries()) {
    issues.push(...modeIssue(['alarm', 'schedules', index, 'mode'], schedule.mode, alarm.modes));
    const problem = cronProblem(schedule.cron);
    if (problem !== undefined) issues.push({ path: ['alarm', 'schedules', index, 'cron'], message: problem });
  }
  for (const [index, output] of alarm.unknown_person_outputs.entries()) {
    const outputs = targets.gpioOutputs ?? [];
    if (outputs.includes(output)) continue;
    const known = outputs.length === 0 ? 'no GPIO outputs are configured' : `outputs: ${outputs.join(', ')}`;
    issues.push({
      path: ['alarm', 'unknown_person_outputs', index],
      message: `'${output}' is not a GPIO output (${known}) — add it under gpio: with direction: output`,
    });
  }
  issues.push(...ruleIssues(alarm.rules, { ...targets, modes: alarm.modes }));
  return issues;
}
