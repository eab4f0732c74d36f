/**
 * Alarm rules: declarative conditions on events (and the alarm mode) with actions that
 * allow or block, set severity, tag, set data and pick the channels an event is routed to.
 */
export { compileRules, type RuleSet } from './compileRules';
export type { Decision } from './decision';
export { awayMode } from './defaultRules';
export { RulesConfigError } from './errors';

export type { RouteTargets } from './routeNames';
export { ruleIssues } from './ruleIssues';
