/**
 * Alarm rules: declarative conditions on events (and the alarm mode) with actions that
 * allow or block, set severity, tag, set data and pick the channels an event is routed to.
 */
export { type CompileOptions, compileRules, type RuleSet } from './compileRules';
export type { Decision, RuleContext } from './decision';
export { awayMode, DEFAULT_RULE_NAMES, type DefaultRuleOptions, defaultRules } from './defaultRules';
export { RulesConfigError } from './errors';
export { FIELD_ROOTS } from './fieldRoots';
export { type ParsedRoute, parseRoute, type RouteTargets, routeIssue } from './routeNames';
export { type RuleCheckOptions, ruleIssues } from './ruleIssues';
