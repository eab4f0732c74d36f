import { severityRank, type VigilEvent } from '../domain/eventModel';
import type { Decision, RuleContext } from './decision';
import { defaultRules } from './defaultRules';
import { RulesConfigError } from './errors';
import { type RuleView, resolveField } from './fieldRoots';
import { OPERATORS, type Predicate } from './operators';
import { parseRoute, type RouteTargets } from './routeNames';
import { ruleIssues } from './ruleIssues';
import { orderRules } from './ruleOrder';
import type { AlarmRuleConfig, RuleConditionConfig, RuleThenConfig } from './ruleSchema';

/** What rules are compiled against. */
export interface CompileOptions extends RouteTargets {
  /** alarm.modes, least armed first: the first is the disarmed mode. */
  modes: readonly string[];
  /** alarm.unknown_person_outputs, for the default rules. */
  unknownPersonOutputs?: readonly string[];
  /** Cameras without zones, for the default rules (see `DefaultRuleOptions`). */
  unzonedCameras?: readonly string[];
  /** Include the built-in default rules (see `defaultRules`); default true. */
  defaults?: boolean;
}

/** Compiled rules, ready to evaluate events. */
export interface RuleSet {
  /** Names of the enabled rules in evaluation order. */
  readonly order: readonly string[];
  /**
   * Runs every rule that applies in `context.mode`, in order, against `event`. Semantics:
   * - The decision starts allowed, at the event's severity, with no routes, tags or data set.
   * - A rule matches when all of `when.all` hold, at least one of `when.any` (if given) and
   *   none of `when.none`. Conditions see the running severity, tags and `set` data.
   * - A matching rule: `action: block` blocks, `action: allow` lifts an earlier block, no action
   *   changes nothing; so a block holds unless a later rule explicitly allows. `severity`
   *   raises to at least that level, `force_severity` sets it exactly (even lower). Routes
   *   and tags are added (no duplicates), `set` fields overwrite. `stop: true` ends evaluation.
   * - In the disarmed mode (the first of alarm.modes) every `gpio:` route is dropped: a
   *   disarmed alarm never drives an output. A blocked event gets no routes at all.
   */
  evaluate(event: VigilEvent, context: RuleContext): Decision;
}

interface CompiledTest {
  read: (view: RuleView) => unknown;
  test: Predicate;
}

interface CompiledRule {
  name: string;
  modes: ReadonlySet<string> | undefined;
  all: CompiledTest[];
  any: CompiledTest[];
  none: CompiledTest[];
  actions: RuleThenConfig;
  stop: boolean;
}

interface WorkingView extends RuleView {
  severity: VigilEvent['severity'];
  tags: string[];
  set: Record<string, unknown>;
}

function compileTest(condition: RuleConditionConfig): CompiledTest {
  const field = resolveField(condition.field);
  // ruleIssues ran first, so an unresolvable field cannot get here.
  if (!field.ok) throw new Error(`rule field '${condition.field}' cannot be resolved`);
  return { read: field.read, test: OPERATORS[condition.op](condition.value, field.root) };
}

function compileRule(rule: AlarmRuleConfig): CompiledRule {
  return {
    name: rule.name,
    modes: rule.modes === undefined ? undefined : new Set(rule.modes),
    all: (rule.when.all ?? []).map(compileTest),
    any: (rule.when.any ?? []).map(compileTest),
    none: (rule.when.none ?? []).map(compileTest),
    actions: rule.then,
    stop: rule.stop,
  };
}

function matches(rule: CompiledRule, view: RuleView): boolean {
  const holds = (test: CompiledTest) => test.test(test.read(view));
  return rule.all.every(holds) && (rule.any.length === 0 || rule.any.some(holds)) && !rule.none.some(holds);
}

function addUnique(list: string[], items: readonly string[] | undefined): void {
  for (const item of items ?? []) if (!list.includes(item)) list.push(item);
}

function apply(actions: RuleThenConfig, view: WorkingView, routes: string[]): boolean | undefined {
  if (actions.force_severity !== undefined) view.severity = actions.force_severity;
  else if (actions.severity !== undefined && severityRank(actions.severity) > severityRank(view.severity)) {
    view.severity = actions.severity;
  }
  addUnique(routes, actions.route);
  addUnique(view.tags, actions.tags);
  if (actions.set !== undefined) Object.assign(view.set, actions.set);
  return actions.action === undefined ? undefined : actions.action === 'allow';
}

/** User rules plus the defaults they do not replace (same name), defaults first. */
function withDefaults(rules: readonly AlarmRuleConfig[], options: CompileOptions): AlarmRuleConfig[] {
  if (options.defaults === false) return [...rules];
  const replaced = new Set(rules.map((rule) => rule.name));
  return [...defaultRules(options).filter((rule) => !replaced.has(rule.name)), ...rules];
}

/**
 * Checks and compiles rules (plus the default rules) into a {@link RuleSet}: regexes and
 * lookups are prepared once, rules are ordered by `after`, then declaration order.
 * A user rule named like a default rule replaces it; a disabled one switches it off.
 * Throws {@link RulesConfigError} listing every problem, as the config check reports them.
 */
export function compileRules(rules: readonly AlarmRuleConfig[], options: CompileOptions): RuleSet {
  const issues = ruleIssues(rules, options);
  if (issues.length > 0) throw new RulesConfigError(issues);
  const enabled = withDefaults(rules, options).filter((rule) => rule.enabled);
  const compiled = orderRules(enabled).map(compileRule);
  const disarmed = options.modes[0];
  return {
    order: compiled.map((rule) => rule.name),
    evaluate(event, context) {
      const view: WorkingView = { event, context, severity: event.severity, tags: [], set: {} };
      const routes: string[] = [];
      const matched: string[] = [];
      let allowed = true;
      for (const rule of compiled) {
        if (rule.modes !== undefined && !rule.modes.has(context.mode)) continue;
        if (!matches(rule, view)) continue;
        matched.push(rule.name);
        allowed = apply(rule.actions, view, routes) ?? allowed;
        if (rule.stop) break;
      }
      const delivered = !allowed
        ? []
        : context.mode === disarmed
          ? routes.filter((route) => parseRoute(route)?.kind !== 'gpio')
          : routes;
      return { allowed, severity: view.severity, routes: delivered, tags: view.tags, set: view.set, matched };
    },
  };
}
