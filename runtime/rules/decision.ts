import type { Severity } from '../domain/eventModel';

/**
 * What the rules decided for one event. The router delivers it to `routes`; the
 * processor stores `severity`, `tags` and `set` with the event and `matched` in its audit trail.
 */
export interface Decision {
  /** false when a rule blocked the event: it is then routed nowhere (`routes` is empty). */
  allowed: boolean;
  /** The event's severity after the rules (it starts as the event's own). */
  severity: Severity;
  /** Channel names to deliver to, without duplicates, in the order rules added them. */
  routes: string[];
  /** Tags added by rules, without duplicates. */
  tags: string[];
  /** Event data fields set by rules; a later rule's value wins. */
  set: Record<string, unknown>;
  /** Names of the rules that matched, in evaluation order. */
  matched: string[];
}

/** The alarm state a rule set is evaluated in. */
export interface RuleContext {
  /** Current alarm mode, one of alarm.modes. */
  mode: string;
  /** Local hour of the event, 0-23 (device time zone). */
  hour: number;
}
