import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide, makeEvent, makeRule, userRules } from './ruleTestKit';

const isPerson = { field: 'label', op: 'eq', value: 'person' } as const;
const isCar = { field: 'label', op: 'eq', value: 'car' } as const;
const atFront = { field: 'camera', op: 'eq', value: 'front' } as const;

describe('rule set evaluation', () => {
  it('all needs every condition, any needs one, none needs none', () => {
    const set = userRules([
      makeRule({ name: 'all', when: { all: [isPerson, atFront] } }),
      makeRule({ name: 'all-fails', when: { all: [isPerson, isCar] } }),
      makeRule({ name: 'any', when: { any: [isCar, atFront] } }),
      makeRule({ name: 'any-fails', when: { any: [isCar] } }),
      makeRule({ name: 'none', when: { none: [isCar] } }),
      makeRule({ name: 'none-fails', when: { none: [isCar, isPerson] } }),
      makeRule({ name: 'mixed', when: { all: [atFront], any: [isCar, isPerson], none: [isCar] } }),
      makeRule({ name: 'empty' }),
    ]);
    assert.deepEqual(decide(set, makeEvent()).matched, ['all', 'any', 'none', 'mixed', 'empty']);
  });

  it('applies a rule only in its modes', () => {
    const set = userRules([
      makeRule({ name: 'armed-only', modes: ['home', 'away'], actions: { tags: ['x'] } }),
    ]);
    assert.deepEqual(decide(set, makeEvent(), 'away').matched, ['armed-only']);
    assert.deepEqual(decide(set, makeEvent(), 'disarmed').matched, []);
    assert.deepEqual(decide(set, makeEvent(), 'disarmed').tags, []);
  });

  it('evaluates rules after the ones their `after` names, else in declaration order', () => {
    const set = userRules([
      makeRule({ name: 'c', after: ['b'] }),
      makeRule({ name: 'a' }),
      makeRule({ name: 'b', after: ['d'] }),
      makeRule({ name: 'd' }),
      makeRule({ name: 'e', enabled: false }),
    ]);
    assert.deepEqual(set.order, ['a', 'd', 'b', 'c']);
    assert.deepEqual(decide(set, makeEvent()).matched, ['a', 'd', 'b', 'c']);
  });

  it('a later rule sees the severity, tags and data set by earlier ones', () => {
    const set = userRules([
      makeRule({
        name: 'check',
        after: ['mark'],
        when: { all: [{ field: 'data.verdict', op: 'eq', value: 'bad' }] },
      }),
      makeRule({ name: 'mark', actions: { set: { verdict: 'bad' }, tags: ['marked'], severity: 'high' } }),
      makeRule({
        name: 'escalate',
        after: ['check'],
        when: {
          all: [
            { field: 'tags', op: 'contains', value: 'marked' },
            { field: 'severity', op: 'gte', value: 'high' },
          ],
        },
      }),
    ]);
    const decision = decide(set, makeEvent({ data: { verdict: 'good' } }));
    assert.deepEqual(decision.matched, ['mark', 'check', 'escalate']);
    assert.deepEqual(decision.set, { verdict: 'bad' });
  });

  it('severity only rises, unless force_severity sets it', () => {
    const raise = userRules([
      makeRule({ name: 'high', actions: { severity: 'high' } }),
      makeRule({ name: 'low', actions: { severity: 'low' } }),
    ]);
    assert.equal(decide(raise, makeEvent({ severity: 'medium' })).severity, 'high');
    assert.equal(decide(raise, makeEvent({ severity: 'critical' })).severity, 'critical');
    const force = userRules([
      makeRule({ name: 'high', actions: { severity: 'high' } }),
      makeRule({ name: 'quiet', actions: { force_severity: 'info' } }),
    ]);
    assert.equal(decide(force, makeEvent({ severity: 'critical' })).severity, 'info');
  });

  it('a block holds against later rules without an action, and a later explicit allow lifts it', () => {
    const blocked = userRules([
      makeRule({ name: 'route', actions: { route: ['web', 'clip'] } }),
      makeRule({ name: 'block', when: { all: [isPerson] }, actions: { action: 'block' } }),
      makeRule({ name: 'tag', actions: { tags: ['seen'] } }),
    ]);
    const decision = decide(blocked, makeEvent());
    assert.equal(decision.allowed, false);
    assert.deepEqual(decision.routes, [], 'a blocked event is routed nowhere');
    assert.deepEqual(decision.matched, ['route', 'block', 'tag']);
    const lifted = userRules([
      makeRule({ name: 'route', actions: { route: ['web'] } }),
      makeRule({ name: 'block', actions: { action: 'block' } }),
      makeRule({ name: 'allow-front', when: { all: [atFront] }, actions: { action: 'allow' } }),
    ]);
    assert.equal(decide(lifted, makeEvent()).allowed, true);
    assert.deepEqual(decide(lifted, makeEvent()).routes, ['web']);
    assert.equal(decide(lifted, makeEvent({ camera: 'back' })).allowed, false);
  });

  it('merges routes and tags without duplicates, and stop ends evaluation', () => {
    const set = userRules([
      makeRule({ name: 'one', actions: { route: ['web', 'mqtt'], tags: ['a'] } }),
      makeRule({ name: 'two', actions: { route: ['mqtt', 'clip'], tags: ['a', 'b'] }, stop: true }),
      makeRule({ name: 'three', actions: { route: ['webhook:ops'] } }),
    ]);
    const decision = decide(set, makeEvent());
    assert.deepEqual(decision.routes, ['web', 'mqtt', 'clip']);
    assert.deepEqual(decision.tags, ['a', 'b']);
    assert.deepEqual(decision.matched, ['one', 'two']);
  });

  it('drops every gpio route in the first (disarmed) mode', () => {
    const set = userRules([makeRule({ name: 'relay', actions: { route: ['gpio:relay', 'web'] } })]);
    assert.deepEqual(decide(set, makeEvent(), 'home').routes, ['gpio:relay', 'web']);
    assert.deepEqual(decide(set, makeEvent(), 'disarmed').routes, ['web']);
  });

  it('keeps each evaluation separate', () => {
    const set = userRules([
      makeRule({ name: 'mark', when: { all: [isPerson] }, actions: { set: { x: 1 }, tags: ['t'] } }),
    ]);
    assert.deepEqual(decide(set, makeEvent()).set, { x: 1 });
    const next = decide(set, makeEvent({ label: 'car' }));
    assert.deepEqual(next.set, {});
    assert.deepEqual(next.tags, []);
  });
});
