/** The part of a rule that decides evaluation order. */
export interface OrderedRule {
  name: string;
  after?: readonly string[];
}

// For each rule, the indices of the rules it must come after (names that match no rule are ignored).
function dependencies(rules: readonly OrderedRule[]): number[][] {
  const index = new Map<string, number>();
  for (const [position, rule] of rules.entries()) if (!index.has(rule.name)) index.set(rule.name, position);
  return rules.map((rule, position) =>
    (rule.after ?? [])
      .map((name) => index.get(name))
      .filter((found): found is number => found !== undefined && found !== position),
  );
}

// Kahn's algorithm, always taking the earliest declared rule that is ready, so rules that
// do not use `after` keep their declaration order. Returns the order and what was left over.
function kahn(rules: readonly OrderedRule[]): { order: number[]; stuck: number[][] } {
  const deps = dependencies(rules);
  const placed = new Set<number>();
  const order: number[] = [];
  for (;;) {
    const ready = deps.findIndex((need, i) => !placed.has(i) && need.every((dep) => placed.has(dep)));
    if (ready === -1) break;
    placed.add(ready);
    order.push(ready);
  }
  const stuck = deps.map((need, i) => (placed.has(i) ? [] : need.filter((dep) => !placed.has(dep))));
  return { order, stuck };
}

/**
 * Every cycle of `after` references, each as rule indices in the order the references
 * run (a after b after a: [a, b]); each rule shows up in at most one reported cycle.
 * A rule naming itself is not reported here; the rule checks say that in plain words.
 */
export function findCycles(rules: readonly OrderedRule[]): number[][] {
  const { order, stuck } = kahn(rules);
  if (order.length === rules.length) return [];
  const reported = new Set<number>();
  const cycles: number[][] = [];
  for (const [start, need] of stuck.entries()) {
    if (need.length === 0 || reported.has(start)) continue;
    // A stuck rule waits on another stuck rule; following the earliest one must end in a loop.
    const path: number[] = [];
    let current: number | undefined = start;
    while (current !== undefined && !path.includes(current)) {
      path.push(current);
      current = stuck[current]?.[0];
    }
    if (current === undefined) continue;
    const cycle = path.slice(path.indexOf(current));
    if (cycle.some((rule) => reported.has(rule))) continue;
    for (const rule of cycle) reported.add(rule);
    cycles.push(cycle);
  }
  return cycles;
}

/**
 * Rules in evaluation order: each after the rules its `after` names, otherwise in
 * declaration order. Throws if `after` forms a cycle (config validation reports those first).
 */
export function orderRules<T extends OrderedRule>(rules: readonly T[]): T[] {
  const { order } = kahn(rules);
  if (order.length !== rules.length) {
    const names = findCycles(rules).map((cycle) => cycle.map((i) => rules[i]?.name).join(' → '));
    throw new Error(
      `alarm rules: 'after' forms a cycle (${names.join('; ')}) — remove one of those 'after' entries`,
    );
  }
  return order.map((i) => rules[i] as T);
}
