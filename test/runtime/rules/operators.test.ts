import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RuleConditionConfig } from '../../../runtime/rules/ruleSchema';
import { holds, makeEvent } from './ruleTestKit';

const event = makeEvent({
  camera: 'front',
  zones: ['porch', 'drive'],
  confidence: 0.8,
  severity: 'medium',
  data: { face: { name: 'Alice', score: 0.91 }, count: 3, flags: ['a', 'b'], open: true, text: '5' },
});
const bare = makeEvent({ camera: null, zones: [], label: null, confidence: null, data: {} });

describe('rule operators', () => {
  it('eq and neq compare exactly, with no type coercion', () => {
    assert.equal(holds({ field: 'camera', op: 'eq', value: 'front' }, event), true);
    assert.equal(holds({ field: 'camera', op: 'eq', value: 'back' }, event), false);
    assert.equal(holds({ field: 'camera', op: 'neq', value: 'back' }, event), true);
    assert.equal(holds({ field: 'camera', op: 'neq', value: 'front' }, event), false);
    assert.equal(holds({ field: 'data.count', op: 'eq', value: 3 }, event), true);
    assert.equal(holds({ field: 'data.text', op: 'eq', value: 5 }, event), false, "'5' is not 5");
    assert.equal(holds({ field: 'data.open', op: 'eq', value: true }, event), true);
    assert.equal(holds({ field: 'data.face.name', op: 'eq', value: 'Alice' }, event), true);
  });

  it('every operator but exists is false for a missing field, neq included', () => {
    const probes: [RuleConditionConfig['op'], RuleConditionConfig['value']][] = [
      ['eq', 'front'],
      ['neq', 'front'],
      ['contains', 'fr'],
      ['regex', '.*'],
      ['in', ['front']],
    ];
    for (const [op, value] of probes) {
      assert.equal(holds({ field: 'camera', op, value }, bare), false, `${op} on a null camera`);
    }
    assert.equal(holds({ field: 'confidence', op: 'gt', value: 0 }, bare), false);
    assert.equal(holds({ field: 'confidence', op: 'range', value: [0, 1] }, bare), false);
    assert.equal(holds({ field: 'data.missing.deeper', op: 'eq', value: 1 }, event), false);
  });

  it('gt, gte, lt, lte order numbers and need a number', () => {
    assert.equal(holds({ field: 'confidence', op: 'gt', value: 0.5 }, event), true);
    assert.equal(holds({ field: 'confidence', op: 'gt', value: 0.8 }, event), false);
    assert.equal(holds({ field: 'confidence', op: 'gte', value: 0.8 }, event), true);
    assert.equal(holds({ field: 'confidence', op: 'lt', value: 0.8 }, event), false);
    assert.equal(holds({ field: 'confidence', op: 'lte', value: 0.8 }, event), true);
    assert.equal(holds({ field: 'data.face.score', op: 'gt', value: 0.9 }, event), true);
    assert.equal(holds({ field: 'data.text', op: 'gt', value: 1 }, event), false, 'a string never orders');
  });

  it('orders severities by urgency', () => {
    assert.equal(holds({ field: 'severity', op: 'gte', value: 'medium' }, event), true);
    assert.equal(holds({ field: 'severity', op: 'gt', value: 'medium' }, event), false);
    assert.equal(holds({ field: 'severity', op: 'lt', value: 'high' }, event), true);
    assert.equal(holds({ field: 'severity', op: 'range', value: ['low', 'high'] }, event), true);
    assert.equal(holds({ field: 'severity', op: 'range', value: ['high', 'critical'] }, event), false);
  });

  it('contains finds text in a string and an item in a list', () => {
    assert.equal(holds({ field: 'camera', op: 'contains', value: 'ron' }, event), true);
    assert.equal(holds({ field: 'camera', op: 'contains', value: 'back' }, event), false);
    assert.equal(holds({ field: 'zones', op: 'contains', value: 'drive' }, event), true);
    assert.equal(holds({ field: 'zones', op: 'contains', value: 'dri' }, event), false, 'whole items only');
    assert.equal(holds({ field: 'data.flags', op: 'contains', value: 'b' }, event), true);
    assert.equal(holds({ field: 'data.count', op: 'contains', value: 3 }, event), false);
  });

  it('regex matches strings or any list item, with /pattern/flags', () => {
    assert.equal(holds({ field: 'camera', op: 'regex', value: '^fr' }, event), true);
    assert.equal(holds({ field: 'camera', op: 'regex', value: '^FR' }, event), false);
    assert.equal(holds({ field: 'camera', op: 'regex', value: '/^FR/i' }, event), true);
    assert.equal(holds({ field: 'zones', op: 'regex', value: '^dr' }, event), true);
    assert.equal(
      holds({ field: 'data.count', op: 'regex', value: '3' }, event),
      false,
      'numbers are not text',
    );
    // The same compiled regex twice: no state carries over between events.
    assert.equal(holds({ field: 'camera', op: 'regex', value: 'front' }, event), true);
  });

  it('in tests membership, and overlap for list fields', () => {
    assert.equal(holds({ field: 'camera', op: 'in', value: ['back', 'front'] }, event), true);
    assert.equal(holds({ field: 'camera', op: 'in', value: ['back'] }, event), false);
    assert.equal(holds({ field: 'zones', op: 'in', value: ['yard', 'drive'] }, event), true);
    assert.equal(holds({ field: 'zones', op: 'in', value: ['yard'] }, event), false);
    assert.equal(holds({ field: 'data.count', op: 'in', value: [1, 2, 3] }, event), true);
    assert.equal(holds({ field: 'data.count', op: 'in', value: ['3'] }, event), false);
  });

  it('range is inclusive, and hour ranges wrap past midnight', () => {
    assert.equal(holds({ field: 'confidence', op: 'range', value: [0.8, 0.9] }, event), true);
    assert.equal(holds({ field: 'confidence', op: 'range', value: [0.5, 0.79] }, event), false);
    const night: RuleConditionConfig = { field: 'hour', op: 'range', value: [22, 6] };
    assert.equal(holds(night, event, 'home', 23), true);
    assert.equal(holds(night, event, 'home', 3), true);
    assert.equal(holds(night, event, 'home', 6), true);
    assert.equal(holds(night, event, 'home', 12), false);
    assert.equal(holds({ field: 'hour', op: 'range', value: [8, 17] }, event, 'home', 12), true);
  });

  it('exists: null, absent and empty lists are missing; false inverts', () => {
    assert.equal(holds({ field: 'camera', op: 'exists' }, event), true);
    assert.equal(holds({ field: 'camera', op: 'exists' }, bare), false);
    assert.equal(holds({ field: 'zones', op: 'exists', value: true }, bare), false);
    assert.equal(holds({ field: 'zones', op: 'exists', value: false }, bare), true);
    assert.equal(holds({ field: 'data.face.name', op: 'exists' }, event), true);
    assert.equal(holds({ field: 'data.face.age', op: 'exists', value: false }, event), true);
  });

  it('mode and hour come from the context', () => {
    assert.equal(holds({ field: 'mode', op: 'eq', value: 'away' }, event, 'away'), true);
    assert.equal(holds({ field: 'mode', op: 'eq', value: 'away' }, event, 'home'), false);
    assert.equal(holds({ field: 'hour', op: 'lt', value: 7 }, event, 'home', 6), true);
  });
});
